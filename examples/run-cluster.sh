#!/usr/bin/env bash
# Quick start: three HarmonyLite nodes on this machine, each with its own embedded nats-server,
# routed into one cluster, replicating /tmp/harmonylite-{1,2,3}.db. Runs in the foreground until
# Ctrl+C. In another shell:
#   sqlite3 /tmp/harmonylite-1.db "INSERT INTO Books (id, title, author, publication_year) VALUES (8, 'Dune', 'Frank Herbert', 1965);"
#   sqlite3 /tmp/harmonylite-3.db "SELECT * FROM Books WHERE id = 8;"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${HARMONYLITE:-$root/src/Host/bin/Release/net8.0/harmonylite}
if [ ! -x "$bin" ]; then
  echo "Building harmonylite..."
  dotnet build "$root/src/Host/Host.csproj" -c Release -nologo -clp:ErrorsOnly
fi

for n in 1 2 3; do
  rm -rf "/tmp/harmonylite-$n.db" "/tmp/harmonylite-$n.db-wal" "/tmp/harmonylite-$n.db-shm" "/tmp/harmonylite-$n-"*
  sqlite3 "/tmp/harmonylite-$n.db" < "$here/schema.sql"
  echo "Created /tmp/harmonylite-$n.db"
done
rm -rf /tmp/nats

pids=()
cleanup() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$bin" -config "$here/node-1.toml" -cluster-addr 127.0.0.1:4221 -cluster-peers 'nats://127.0.0.1:4222/,nats://127.0.0.1:4223/' &
pids+=($!)
"$bin" -config "$here/node-2.toml" -cluster-addr 127.0.0.1:4222 -cluster-peers 'nats://127.0.0.1:4221/,nats://127.0.0.1:4223/' &
pids+=($!)
"$bin" -config "$here/node-3.toml" -cluster-addr 127.0.0.1:4223 -cluster-peers 'nats://127.0.0.1:4221/,nats://127.0.0.1:4222/' &
pids+=($!)
wait
