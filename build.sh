#!/usr/bin/env bash
# HarmonyLite for PowerShell — build entry point for machines without pwsh.
# Usage: ./build.sh setup|build|test|demo|bench|soak|package
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '%s\n' "$*" >&2; }

missing_prereqs() {
  local missing=()
  command -v dotnet >/dev/null 2>&1 || missing+=(dotnet)
  command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  # Servers the snapshot store tests run on loopback: sshd (sftp), rclone (webdav), s3rver from tests/npm (s3).
  [ -x /usr/sbin/sshd ] || command -v sshd >/dev/null 2>&1 || missing+=(sshd)
  command -v rclone >/dev/null 2>&1 || missing+=(rclone)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  # promtool checks the node's /metrics scrape in the end-to-end tests.
  command -v promtool >/dev/null 2>&1 || missing+=(promtool)
  [ -f "$ROOT/tests/npm/node_modules/s3rver/package.json" ] || missing+=(s3rver)
  printf '%s\n' "${missing[@]+"${missing[@]}"}"
}

print_install_help() {
  cat >&2 <<'HELP'
HarmonyLite needs these on the machine that builds and tests it:
  - .NET SDK 8 or newer (dotnet)
  - nats-server 2.9 or newer (JetStream is enabled by HarmonyLite's generated config)
  - the sqlite3 command-line shell (tests write databases the way outside programs do)
  - openssl (TLS tests)
  - for the snapshot store tests: sshd (openssh-server), rclone, node and npm (s3rver, pinned in tests/npm)
  - promtool (Debian package prometheus), which checks the /metrics scrape

Install them with:
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y nats-server sqlite3 openssl openssh-server rclone nodejs npm prometheus
                  then: npm ci --prefix tests/npm
                  (.NET SDK: https://learn.microsoft.com/dotnet/core/install/linux)
  macOS:          brew install nats-server sqlite openssl dotnet-sdk
  Windows:        winget install NATSAuthors.NATSServer SQLite.SQLite Microsoft.DotNet.SDK.8
                  (openssl: winget install ShiningLight.OpenSSL)
HELP
}

cmd_setup() {
  local missing
  missing=$(missing_prereqs)
  [ -z "$missing" ] && { say "setup: all prerequisites present (nats-server $(nats-server --version 2>/dev/null | awk '{print $2}'), sqlite3 $(sqlite3 --version | awk '{print $1}'))."; return 0; }
  say "setup: missing: $(echo $missing | tr '\n' ' ')"
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    local pkgs=()
    for m in $missing; do
      case $m in
        nats-server) pkgs+=(nats-server) ;;
        sqlite3) pkgs+=(sqlite3) ;;
        openssl) pkgs+=(openssl) ;;
        sshd) pkgs+=(openssh-server) ;;
        rclone) pkgs+=(rclone) ;;
        npm) pkgs+=(nodejs npm) ;;
        promtool) pkgs+=(prometheus) ;;
      esac
    done
    # The tests run their own sshd; this file keeps the package's ssh service from ever starting.
    case " ${pkgs[*]-} " in *" openssh-server "*) mkdir -p /etc/ssh && touch /etc/ssh/sshd_not_to_be_run ;; esac
    if [ ${#pkgs[@]} -gt 0 ]; then
      say "setup: apt-get install ${pkgs[*]}"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
    fi
    # The Debian packages register system services; HarmonyLite and its tests start their own servers.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nats-server prometheus >/dev/null 2>&1 || true; fi
  fi
  if command -v npm >/dev/null 2>&1 && [ ! -f "$ROOT/tests/npm/node_modules/s3rver/package.json" ]; then
    say "setup: npm ci in tests/npm (s3rver)"
    npm ci --prefix "$ROOT/tests/npm" --no-audit --no-fund --loglevel=error >/dev/null
  fi
  missing=$(missing_prereqs)
  if [ -n "$missing" ]; then
    say "setup: still missing: $(echo $missing | tr '\n' ' ')"
    print_install_help
    return 1
  fi
  say "setup: done."
}

ensure_setup() { [ -z "$(missing_prereqs)" ] || cmd_setup; setup_pwsh; }

# pwsh (the PowerShell dotnet tool, pinned in .config/dotnet-tools.json) and Pester (tests/Pester/Tools, copied into
# .tools/Modules) for the module's tests: NuGet packages only, nothing installed for the user or the machine.
setup_pwsh() {
  dotnet tool restore >/dev/null
  dotnet msbuild -restore -t:InstallPester "$ROOT/tests/Pester/Tools/PesterModule.csproj" -nologo -v:q >/dev/null
  say "setup: pwsh $(dotnet pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()') and Pester in .tools/Modules."
}

# tests/Pester in that pwsh, in a process of its own; its counts land in $1/Pester.counts.
run_pester() {
  HARMONYLITE_CONFIGURATION="$CONFIGURATION" timeout --kill-after=30s 30m \
    dotnet pwsh -NoProfile -NonInteractive -File "$ROOT/tests/Pester/Invoke-PesterSuite.ps1" -ResultsDirectory "$1"
}

clean_outputs() {
  find "$ROOT/src" "$ROOT/tests" -maxdepth 3 -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + 2>/dev/null || true
  rm -rf "$ROOT/artifacts"
}

cmd_build() {
  dotnet build "$ROOT/HarmonyLite.PowerShell.sln" -c "$CONFIGURATION" -nologo -clp:ErrorsOnly
}

# Runs every test project, sums the TRX counters and prints "N passed, N failed[, N skipped]".
cmd_test() {
  ensure_setup
  clean_outputs
  cmd_build
  local results="$ROOT/artifacts/test-results"
  mkdir -p "$results"
  local status=0
  for proj in "$ROOT"/tests/*.Tests/*.csproj; do
    local name; name=$(basename "$proj" .csproj)
    say "== $name"
    dotnet test "$proj" -c "$CONFIGURATION" --no-build -nologo \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
      --blame-hang-timeout 5m -- xUnit.StopOnFail=false || status=1
  done
  say "== Pester"
  run_pester "$results" || status=1
  local passed=0 failed=0 skipped=0 total=0
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    local line; line=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    local p f t n
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line")
    n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0})); skipped=$((skipped + ${n:-0}))
  done
  if [ -f "$results/Pester.counts" ]; then
    local pp pf ps; read -r pp pf ps < "$results/Pester.counts"
    passed=$((passed + pp)); failed=$((failed + pf)); skipped=$((skipped + ps)); total=$((total + pp + pf + ps))
  fi
  # A crashed or hung test host leaves no counters for its failures; count it as one.
  if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi
  local line="$passed passed, $failed failed"
  [ $skipped -gt 0 ] && line="$line, $skipped skipped"
  echo "$line"
  [ $status -eq 0 ] && [ $failed -eq 0 ] && [ $total -gt 0 ]
}

cmd_demo() {
  ensure_setup
  cmd_build >/dev/null
  "$ROOT/examples/demo.sh" "$ROOT/src/Host/bin/$CONFIGURATION/net8.0/harmonylite"
}

# bench [suite ...] [--harmonylite PATH] [--runs N] ...: figures beside issue 15's goals, also written as JSON
# (tests/Bench/results/). `./build.sh bench outside` runs the suites that measure sidecar processes from outside.
cmd_bench() {
  ensure_setup
  dotnet run -c Release --project "$ROOT/tests/Bench/Bench.csproj" -- "$@"
}

# soak [--rounds N] [--harmonylite PATH] ...: issue 11's crash campaign; exits non-zero when a round failed.
cmd_soak() {
  ensure_setup
  dotnet run -c Release --project "$ROOT/tests/Bench/Bench.csproj" -- soak "$@"
}

cmd_package() {
  clean_outputs
  local out="$ROOT/artifacts/package"
  mkdir -p "$out"
  # The module build stages the importable layout (manifest, cmdlets, Dependencies/) itself.
  dotnet build "$ROOT/src/Module/Module.csproj" -c Release -nologo -clp:ErrorsOnly
  cp -R "$ROOT/src/Module/bin/Release/net8.0/HarmonyLite" "$out/HarmonyLite"
  # sidecar/, not harmonylite/: beside HarmonyLite/ it would be one folder on Windows and macOS, and a phantom module.
  dotnet publish "$ROOT/src/Host/Host.csproj" -c Release -o "$out/sidecar" -nologo -clp:ErrorsOnly
  say "package: module in $out/HarmonyLite (Import-Module $out/HarmonyLite/HarmonyLite.psd1), sidecar in $out/sidecar"
}

case "${1:-}" in
  setup) cmd_setup && setup_pwsh ;;
  build) ensure_setup; cmd_build ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  bench) shift; cmd_bench "$@" ;;
  soak) shift; cmd_soak "$@" ;;
  package) cmd_package ;;
  *) echo "usage: ./build.sh setup|build|test|demo|bench|soak|package" >&2; exit 64 ;;
esac
