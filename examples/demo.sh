#!/usr/bin/env bash
# The three-node demonstration behind `./build.sh demo`: three harmonylite nodes on loopback with
# embedded nats-servers, a book inserted on node 1 with the sqlite3 shell shows up on nodes 2 and 3,
# an update on node 3 shows up on node 1. Exits 0 only if all of that happened.
# Usage: examples/demo.sh [path/to/harmonylite]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$(dirname "$here")/src/Host/bin/Release/net8.0/harmonylite}
[ -x "$bin" ] || { echo "demo: $bin not found; run ./build.sh build first" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/harmonylite-demo.XXXXXX")
pids=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  if [ $status -ne 0 ]; then
    for n in 1 2 3; do [ -f "$work/node-$n.log" ] && { echo "--- node $n log (last 20 lines)"; tail -n 20 "$work/node-$n.log"; }; done >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }

free_port() {
  local port
  while :; do
    port=$(( (RANDOM << 1 | RANDOM & 1) % 20000 + 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls every 10 ms until COMMAND succeeds.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$(( $(now_ms) + seconds * 1000 ))
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "demo: timed out after ${seconds}s waiting for $what" >&2; return 1; }
    sleep 0.01
  done
}

routes=("$(free_port)" "$(free_port)" "$(free_port)")
for n in 1 2 3; do
  sqlite3 "$work/node-$n.db" < "$here/schema.sql"
  cat > "$work/node-$n.toml" <<TOML
db_path = "$work/node-$n.db"
node_id = $n
[nats]
bind_address = "127.0.0.1:-1"
[snapshot]
enabled = false
TOML
done

echo "Starting three nodes in $work ..."
for n in 1 2 3; do
  peers=()
  for m in 1 2 3; do [ "$m" = "$n" ] || peers+=("nats://127.0.0.1:${routes[$((m-1))]}"); done
  "$bin" -config "$work/node-$n.toml" -cluster-addr "127.0.0.1:${routes[$((n-1))]}" -cluster-peers "$(IFS=,; echo "${peers[*]}")" \
    > "$work/node-$n.log" 2>&1 &
  pids+=($!)
done
for n in 1 2 3; do
  wait_for "node $n to start replicating" 90 grep -q "replicating" "$work/node-$n.log"
  echo "  node $n: $(grep -o 'replicating.*' "$work/node-$n.log" | head -n 1)"
done

title_on() { sqlite3 "$work/node-$1.db" "SELECT title FROM Books WHERE id = 8;"; }
has_title() { [ "$(title_on "$1")" = "$2" ]; }

echo
echo "Node 1: INSERT INTO Books VALUES (8, 'Dune', 'Frank Herbert', 1965)"
start=$(now_ms)
sqlite3 "$work/node-1.db" "INSERT INTO Books (id, title, author, publication_year) VALUES (8, 'Dune', 'Frank Herbert', 1965);"
for n in 2 3; do
  wait_for "the book on node $n" 30 has_title "$n" "Dune"
  echo "  node $n has it after $(( $(now_ms) - start )) ms: $(sqlite3 "$work/node-$n.db" "SELECT id, title, author, publication_year FROM Books WHERE id = 8;")"
done

echo
echo "Node 3: UPDATE Books SET title = 'Dune Messiah', publication_year = 1969 WHERE id = 8"
start=$(now_ms)
sqlite3 "$work/node-3.db" "UPDATE Books SET title = 'Dune Messiah', publication_year = 1969 WHERE id = 8;"
wait_for "the update on node 1" 30 has_title 1 "Dune Messiah"
echo "  node 1 has it after $(( $(now_ms) - start )) ms: $(sqlite3 "$work/node-1.db" "SELECT id, title, author, publication_year FROM Books WHERE id = 8;")"

echo
echo "Stopping the nodes ..."
for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for pid in "${pids[@]}"; do wait "$pid" || { echo "demo: a node exited with an error" >&2; exit 1; }; done
pids=()
echo "Demo finished: every node saw every change."
