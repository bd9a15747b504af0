#!/usr/bin/env python3
"""The application HarmonyLite must stay invisible to: a program that opens a node's SQLite file with
Python's own sqlite3 module and writes it, knowing nothing of the node. The bench and the crash campaign
run it (python3, standard library only) and read one JSON object from the last line of its output;
progress lines before it are JSON objects too.

How it writes, as a careful application would: WAL (set once, when the database is made),
synchronous = NORMAL, a busy handler (sqlite3.connect's timeout, i.e. SQLite's busy_timeout) so a lock
held by someone else is waited out, and autocommit unless it opens a transaction itself.

Subcommands (python3 writer.py SUBCOMMAND -h for the flags):
  schema   make a database (WAL) and run SQL in it
  fill     put rows into a table in one transaction (before HarmonyLite runs, or for a plain database)
  probe    single-row inserts on one database, each timed until it is visible on another
  bulk     rows in transactions of N, timed until the last is visible on another database
  singles  single-row inserts, one transaction each, as fast as they go
  hold     take the write lock (BEGIN IMMEDIATE), keep it for some seconds, commit
  trickle  paced single-row writes (inserts, some updates and deletes) until told to stop
  load     the crash campaign's load: rows and per-row counters, every commit accounted for
"""

import argparse
import ctypes
import json
import os
import random
import select
import signal
import socket
import sqlite3
import sys
import threading
import time

BUSY_TIMEOUT_SECONDS = 60.0


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def connect(path, timeout=BUSY_TIMEOUT_SECONDS):
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = max(0, int(-(-len(sorted_values) * fraction // 1)) - 1)
    return sorted_values[min(index, len(sorted_values) - 1)]


def latency_summary(seconds):
    values = sorted(s * 1000.0 for s in seconds)
    return {
        "p50_ms": percentile(values, 0.50),
        "p99_ms": percentile(values, 0.99),
        "max_ms": values[-1] if values else None,
    }


def row_values(i):
    """One row of the bench tables: an integer key and a few columns of every type (48 bytes of data)."""
    return (i, "name %d" % i, i, i * 0.25, i.to_bytes(8, "little", signed=False) * 6)


class StopFlag:
    """Set by SIGTERM or SIGINT: long-running subcommands finish their current write and report."""

    def __init__(self):
        self.set = False
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        self.set = True


class Observer:
    """Sees a row appear in another node's database without polling it in a tight loop.

    It watches the database's directory with inotify (the -wal file is written when the node commits)
    and asks its question again after each change, again every 0.1 ms for 2 ms after it (the commit becomes
    visible just after its last event), and every `backstop` seconds in case an event was missed. Each
    question is one indexed SELECT in its own read transaction: WAL readers take no lock a writer waits
    for, so the node that applies the row pays nothing for being observed.
    """

    IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE = 0x2, 0x8, 0x80, 0x100
    IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000

    def __init__(self, path, backstop=0.005):
        self.conn = connect(path)
        self.backstop = backstop
        self.queries = 0
        self.query_seconds = 0.0
        self.event_wakeups = 0
        self.backstop_wakeups = 0
        self.settle_queries = 0
        self.fd = -1
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(self.IN_NONBLOCK | self.IN_CLOEXEC)
            if fd >= 0:
                mask = self.IN_MODIFY | self.IN_CLOSE_WRITE | self.IN_MOVED_TO | self.IN_CREATE
                directory = os.path.dirname(os.path.abspath(path)).encode()
                if libc.inotify_add_watch(fd, directory, mask) >= 0:
                    self.fd = fd
                else:
                    os.close(fd)
        except (OSError, AttributeError):
            self.fd = -1

    @property
    def mode(self):
        return "inotify on the database's directory, a %g ms backstop" % (self.backstop * 1000) if self.fd >= 0 \
            else "polling every %g ms (no inotify)" % (self.backstop * 1000)

    # SQLite raises the file events when it writes a transaction's WAL frames, before it publishes the commit in the
    # -shm index (which raises none): a question asked on the last event of a commit comes a moment too soon. So for a
    # short while after an event the question is asked again every 0.1 ms instead of waiting for the backstop.
    SETTLE = 0.002
    SETTLE_PAUSE = 0.0001

    def wait(self, sql, params, deadline):
        """Returns the first row `sql` yields, or None at `deadline` (a time.monotonic() value)."""
        event_at = None
        while True:
            self.queries += 1
            began = time.perf_counter()
            row = self.conn.execute(sql, params).fetchone()
            self.query_seconds += time.perf_counter() - began
            if row is not None:
                return row
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if event_at is not None and time.perf_counter() - event_at < self.SETTLE:
                self.settle_queries += 1
                time.sleep(self.SETTLE_PAUSE)
                continue
            event_at = None
            timeout = min(self.backstop, remaining)
            if self.fd >= 0:
                ready, _, _ = select.select([self.fd], [], [], timeout)
                if ready:
                    self.event_wakeups += 1
                    event_at = time.perf_counter()
                    try:
                        while os.read(self.fd, 65536):
                            pass
                    except BlockingIOError:
                        pass
                else:
                    self.backstop_wakeups += 1
            else:
                time.sleep(timeout)
                self.backstop_wakeups += 1

    def counters(self):
        return {"mode": self.mode, "queries": self.queries, "query_seconds": self.query_seconds, "event_wakeups": self.event_wakeups,
                "backstop_wakeups": self.backstop_wakeups, "settle_queries": self.settle_queries}


class NatsTap(threading.Thread):
    """A plain core-NATS subscriber on a node's nats-server that notes when messages passed that server
    (time.perf_counter()), labelled by `label(subject, reply)` (None: not noted). It speaks the text protocol itself
    (standard library only)."""

    def __init__(self, url, subjects, label):
        super().__init__(daemon=True)
        host, port = url.split("://")[-1].rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.sock.settimeout(None)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.label = label
        self.times = []
        self.lock = threading.Lock()
        subscribe = "".join("SUB %s %d\r\n" % (subject, n + 1) for n, subject in enumerate(subjects))
        self.sock.sendall(('CONNECT {"verbose":false,"pedantic":false,"headers":true,"lang":"python"}\r\n%sPING\r\n' % subscribe).encode())
        self.ready = threading.Event()
        self.start()
        if not self.ready.wait(10):
            raise RuntimeError("nats-server at %s did not answer PING" % url)

    def run(self):
        buffer = b""
        try:
            while True:
                data = self.sock.recv(1 << 16)
                now = time.perf_counter()
                if not data:
                    return
                buffer += data
                while True:
                    end = buffer.find(b"\r\n")
                    if end < 0:
                        break
                    line = buffer[:end]
                    if line.startswith(b"MSG ") or line.startswith(b"HMSG "):
                        size = int(line.split()[-1])
                        if len(buffer) < end + 2 + size + 2:
                            break
                        buffer = buffer[end + 2 + size + 2:]
                        # MSG subject sid [reply] size; HMSG subject sid [reply] header-size size
                        parts = line.decode().split()
                        fixed = 4 if parts[0] == "MSG" else 5
                        label = self.label(parts[1], parts[3] if len(parts) > fixed else "")
                        if label:
                            with self.lock:
                                self.times.append((now, label))
                        continue
                    buffer = buffer[end + 2:]
                    if line == b"PING":
                        self.sock.sendall(b"PONG\r\n")
                    elif line == b"PONG":
                        self.ready.set()
        except OSError:
            return

    def first_after(self, moment, label):
        """When the first message labelled `label` after `moment` passed the server, or None."""
        with self.lock:
            return next((t for t, l in self.times if t > moment and l == label), None)


def change_log_tap(url, subject_prefix):
    """Node 1's server: each message published on the change-log subjects."""
    return NatsTap(url, [">"], lambda subject, reply: "published" if subject.startswith(subject_prefix) else None)


def consumer_tap(url, consumer):
    """The observed node's server: each message delivered to its consumer, and the node's ack of it (sent once applied)."""
    marker = "." + consumer + "."

    def label(subject, reply):
        if reply.startswith("$JS.ACK.") and marker in reply:
            return "delivered"
        if subject.startswith("$JS.ACK.") and marker in subject:
            return "acked"
        return None
    return NatsTap(url, ["_INBOX.>", "$JS.ACK.>"], label)


def cmd_schema(args):
    conn = sqlite3.connect(args.db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(args.sql)
    conn.close()
    emit({"db": args.db})


def cmd_fill(args):
    conn = connect(args.db)
    started = time.monotonic()
    conn.execute("BEGIN")
    chunk = 10000
    for first in range(args.start, args.start + args.rows, chunk):
        last = min(first + chunk, args.start + args.rows)
        conn.executemany("INSERT INTO %s(id, name, qty, price, data) VALUES (?, ?, ?, ?, ?)" % args.table,
                         (row_values(i) for i in range(first, last)))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    emit({"rows": args.rows, "seconds": time.monotonic() - started})


def cmd_probe(args):
    writer = connect(args.db)
    observer = Observer(args.observe, args.backstop_ms / 1000.0)
    insert = "INSERT INTO %s(id, sent) VALUES (?, ?)" % args.table
    probe = "SELECT 1 FROM %s WHERE id = ?" % args.table
    tap = change_log_tap(args.nats, args.subject_prefix) if args.nats else None
    far = consumer_tap(args.observe_nats, args.consumer) if args.observe_nats and args.consumer else None
    if tap or far:
        sys.setswitchinterval(0.0002)  # a tap's thread notes a message as soon as it arrives, not 5 ms later
    delays, commits, splits, missing, probes = [], [], [], [], []
    for n in range(args.warmup + args.count):
        row_id = args.start + n
        started = time.perf_counter()
        writer.execute(insert, (row_id, time.time()))
        committed = time.perf_counter()
        seen = observer.wait(probe, (row_id,), time.monotonic() + args.timeout)
        elapsed = time.perf_counter() - started
        if seen is None:
            missing.append(row_id)
        elif n >= args.warmup:
            delays.append(elapsed * 1000.0)
            commits.append((committed - started) * 1000.0)
            probes.append((started, elapsed))
        # A pause with some jitter, so each probe is a lone write and not in step with a timer.
        time.sleep((args.pause_ms + random.uniform(0, args.pause_ms)) / 1000.0)
    # Probes are lone writes and only node 1 writes: the first change-log message after a probe began is its own, and
    # so are the first delivery to the observed node's consumer after that and the first ack after the delivery (the
    # ack may come after the row was seen, so this is read once every probe is done).
    time.sleep(0.1)
    for n, (started, elapsed) in enumerate(probes):
        until = probes[n + 1][0] if n + 1 < len(probes) else float("inf")
        published = tap.first_after(started, "published") if tap else None
        delivered = far.first_after(published or started, "delivered") if far else None
        acked = far.first_after(delivered, "acked") if far and delivered else None
        split = [(m - started) * 1000.0 if m is not None and m < until else None for m in (published, delivered, acked)]
        if any(m is not None for m in split):
            splits.append(split + [elapsed * 1000.0])
    # split_ms: per probe, ms after the insert began until its message passed node 1's server, was delivered to the
    # observed node, and was acked by it (None where not seen), then the whole delay.
    emit({"delays_ms": delays, "commit_ms": commits, "split_ms": splits, "missing": missing,
          "observer": observer.counters()})


def cmd_bulk(args):
    writer = connect(args.db)
    observer = Observer(args.observe, args.backstop_ms / 1000.0)
    insert = "INSERT INTO %s(id, name, qty, price, data) VALUES (?, ?, ?, ?, ?)" % args.table
    started = time.monotonic()
    deadline = started + args.max_seconds
    written = 0
    for first in range(args.start, args.start + args.rows, args.per_txn):
        if time.monotonic() > deadline:
            break
        last = min(first + args.per_txn, args.start + args.rows)
        writer.execute("BEGIN")
        writer.executemany(insert, (row_values(i) for i in range(first, last)))
        writer.execute("COMMIT")
        written = last - args.start
    write_seconds = time.monotonic() - started
    last_id = args.start + written - 1
    seen = observer.wait("SELECT 1 FROM %s WHERE id = ?" % args.table, (last_id,), deadline) if written else None
    visible_seconds = time.monotonic() - started
    on_target = observer.conn.execute("SELECT count(*) FROM %s WHERE id BETWEEN ? AND ?" % args.table,
                                      (args.start, args.start + args.rows - 1)).fetchone()[0]
    emit({"rows": args.rows, "written": written, "write_seconds": write_seconds,
          "all_visible": seen is not None and on_target == args.rows, "visible_seconds": visible_seconds,
          "on_target": on_target, "observer": observer.counters()})


def cmd_singles(args):
    conn = connect(args.db)
    insert = "INSERT INTO %s(id, name, qty, price, data) VALUES (?, ?, ?, ?, ?)" % args.table
    latencies = []
    started = time.monotonic()
    deadline = started + args.max_seconds
    for i in range(args.start, args.start + args.rows):
        began = time.perf_counter()
        conn.execute(insert, row_values(i))  # autocommit: one transaction per row
        latencies.append(time.perf_counter() - began)
        if (i & 255) == 0 and time.monotonic() > deadline:
            break
    seconds = time.monotonic() - started
    result = {"rows": len(latencies), "asked": args.rows, "seconds": seconds, "rows_per_s": len(latencies) / seconds}
    result.update(latency_summary(latencies))
    emit(result)


def cmd_hold(args):
    conn = connect(args.db)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO %s(id, node, seq, t) VALUES (?, 0, 0, ?)" % args.table, (args.id, time.time()))
    emit({"locked_at": time.monotonic()})
    time.sleep(args.seconds)
    conn.execute("COMMIT")
    emit({"released_at": time.monotonic()})


def cmd_trickle(args):
    """Paced writes: mostly inserts of new rows, every 5th an update and every 10th a delete of an earlier one."""
    stop = StopFlag()
    conn = connect(args.db, args.busy_timeout)
    table = args.table
    alive, writes, errors = [], [], []
    started = time.monotonic()
    next_at = started
    seq = 0
    while not stop.set and (args.seconds <= 0 or time.monotonic() - started < args.seconds):
        now = time.monotonic()
        if now < next_at:
            time.sleep(next_at - now)
        next_at = max(next_at + 1.0 / args.rate, time.monotonic() - 1.0)
        seq += 1
        began = time.monotonic()
        try:
            if seq % 10 == 0 and len(alive) > 1:
                conn.execute("DELETE FROM %s WHERE id = ?" % table, (alive.pop(random.randrange(len(alive))),))
            elif seq % 5 == 0 and alive:
                conn.execute("UPDATE %s SET seq = seq + 1, t = ? WHERE id = ?" % table,
                             (time.time(), random.choice(alive)))
            else:
                row_id = args.start + seq
                conn.execute("INSERT INTO %s(id, node, seq, t) VALUES (?, ?, 0, ?)" % table,
                             (row_id, args.node, time.time()))
                alive.append(row_id)
            writes.append((began, time.monotonic() - began))
        except sqlite3.Error as error:
            errors.append({"at": began, "waited_s": time.monotonic() - began, "error": str(error)})
    summary = {"writes": len(writes), "errors": errors, "seconds": time.monotonic() - started}
    summary.update(latency_summary([w[1] for w in writes]))
    if args.timings:
        summary["timings"] = [[round(b, 6), round(d, 6)] for b, d in writes]
    emit(summary)


def cmd_load(args):
    """Rows of one round with counters: each transaction inserts `per_txn` rows into events, adds one to the
    counter each row names, and every 10th deletes an earlier row of the round. Only what COMMIT accepted is
    counted; a transaction that fails (a busy database) is rolled back and written again, so the tally is
    exactly what the database holds. The end result: the row count of the round and every counter's value."""
    stop = StopFlag()
    conn = connect(args.db)
    counters = dict(conn.execute("SELECT id, n FROM counters").fetchall())
    if len(counters) != args.counters:
        raise SystemExit("counters holds %d rows, expected %d" % (len(counters), args.counters))
    inserted, deleted, retries = [], [], 0
    started = time.monotonic()
    next_report = args.report_every
    seq = 0
    txn_number = 0
    while seq < args.rows and not stop.set:
        batch = list(range(seq, min(seq + args.per_txn, args.rows)))
        txn_number += 1
        victim = None
        if txn_number % 10 == 0 and inserted:
            victim = random.choice(inserted)
        while True:
            try:
                conn.execute("BEGIN")
                for s in batch:
                    counter = s % args.counters
                    conn.execute("INSERT INTO events(id, round, seq, counter) VALUES (?, ?, ?, ?)",
                                 ("r%03d-%06d" % (args.round, s), args.round, s, counter))
                    conn.execute("UPDATE counters SET n = n + 1, last_round = ? WHERE id = ?", (args.round, counter))
                if victim is not None:
                    conn.execute("DELETE FROM events WHERE id = ?", ("r%03d-%06d" % (args.round, victim),))
                conn.execute("COMMIT")
                break
            except sqlite3.OperationalError:
                retries += 1
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                time.sleep(0.01)
        for s in batch:
            counters[s % args.counters] += 1
        inserted.extend(batch)
        if victim is not None:
            inserted.remove(victim)
            deleted.append(victim)
        seq = batch[-1] + 1
        if seq >= next_report:
            emit({"progress": seq})
            next_report += args.report_every
        target = started + seq / args.rate
        pause = target - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    emit({"round": args.round, "inserted": seq, "deleted": len(deleted), "events": len(inserted),
          "counters": {str(k): v for k, v in sorted(counters.items())}, "retries": retries,
          "seconds": time.monotonic() - started})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("schema")
    p.add_argument("--db", required=True)
    p.add_argument("--sql", required=True)
    p.set_defaults(run=cmd_schema)

    p = sub.add_parser("fill")
    p.add_argument("--db", required=True)
    p.add_argument("--table", default="items")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--start", type=int, default=1)
    p.set_defaults(run=cmd_fill)

    p = sub.add_parser("probe")
    p.add_argument("--db", required=True)
    p.add_argument("--observe", required=True, help="the database the row must appear in")
    p.add_argument("--table", default="pings")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--start", type=int, default=1)
    p.add_argument("--pause-ms", type=float, default=10.0)
    p.add_argument("--backstop-ms", type=float, default=5.0)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a probe may take before it counts as missing")
    p.add_argument("--nats", help="node 1's nats-server (nats://host:port): note when each probe's message passes it")
    p.add_argument("--observe-nats", help="the observed node's nats-server: note deliveries to its consumer and its acks")
    p.add_argument("--consumer", help="the observed node's consumer name, e.g. harmonylite-node-3")
    p.add_argument("--subject-prefix", default="harmonylite-change-log-")
    p.set_defaults(run=cmd_probe)

    p = sub.add_parser("bulk")
    p.add_argument("--db", required=True)
    p.add_argument("--observe", required=True)
    p.add_argument("--table", default="bulk")
    p.add_argument("--rows", type=int, default=100000)
    p.add_argument("--per-txn", type=int, default=1000)
    p.add_argument("--start", type=int, default=1)
    p.add_argument("--backstop-ms", type=float, default=5.0)
    p.add_argument("--max-seconds", type=float, default=300.0)
    p.set_defaults(run=cmd_bulk)

    p = sub.add_parser("singles")
    p.add_argument("--db", required=True)
    p.add_argument("--table", default="items")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--start", type=int, required=True)
    p.add_argument("--max-seconds", type=float, default=600.0)
    p.set_defaults(run=cmd_singles)

    p = sub.add_parser("hold")
    p.add_argument("--db", required=True)
    p.add_argument("--table", default="busy")
    p.add_argument("--id", type=int, required=True)
    p.add_argument("--seconds", type=float, default=12.0)
    p.set_defaults(run=cmd_hold)

    p = sub.add_parser("trickle")
    p.add_argument("--db", required=True)
    p.add_argument("--table", default="busy")
    p.add_argument("--node", type=int, required=True)
    p.add_argument("--start", type=int, required=True)
    p.add_argument("--rate", type=float, default=100.0, help="writes per second")
    p.add_argument("--seconds", type=float, default=0.0, help="0: until SIGTERM")
    p.add_argument("--busy-timeout", type=float, default=BUSY_TIMEOUT_SECONDS)
    p.add_argument("--timings", action="store_true", help="report every write's start and duration")
    p.set_defaults(run=cmd_trickle)

    p = sub.add_parser("load")
    p.add_argument("--db", required=True)
    p.add_argument("--round", type=int, required=True)
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--per-txn", type=int, default=10)
    p.add_argument("--counters", type=int, default=50)
    p.add_argument("--rate", type=float, default=1000.0, help="rows per second")
    p.add_argument("--report-every", type=int, default=250)
    p.set_defaults(run=cmd_load)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
