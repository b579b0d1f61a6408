#!/usr/bin/env python3
"""Sink-side fault injection (issue 7, point 3): every event counted in and out, none lost, duplicates
only where the design admits them and then bounded by what was injected.

Producers are `bounce-parse --forward` backfills (each through its own outbox), consumers are
bounce-drain processes; Redis is a real redis-server on a free port in a temp dir and listmonk is
tests/e2e/fake_listmonk.py. No Postfix.

  sink_faults_e2e.py --build BUILD_DIR --scenario redis-restart|listmonk-flaky|dead-letter
                     [--events N] [--seconds S] [--keep]

redis-restart   Producers write to the Redis sink and two drains post to listmonk while redis-server is
                stopped with SIGTERM, killed with SIGKILL, and frozen with SIGSTOP for longer than the
                clients' timeout, and restarted each time with `appendonly yes` + `appendfsync always`.
                Stream: exactly N distinct idempotency keys; an event may appear more than once only
                when an XADD's reply was lost (the sink cannot know whether it was applied, and retries),
                so its copies are bounded by its XADD attempts recorded in the outbox. listmonk: exactly
                N, no duplicate (the drains dedup on idempotency_key; their markers persist in Redis).
listmonk-flaky  For S seconds (default 75) two fakes (one fed by the producers' listmonk sink, one by
                a drain) answer 500/503 and hang past the client's timeout at random, and go fully down
                for 3 s in every 15. All N arrive at each. An event is posted twice only if the fake
                recorded it and then hung ("recorded then timed out": HTTP has no exactly-once and
                listmonk no idempotency key): per event, copies <= 1 + the times that happened to it.
dead-letter     The fakes answer 400 `Invalid email.` for every 10th event. Those become outbox dead
                letters (shown with the reason by bounce-outbox list/show) and entries of the drain's
                dead-letter stream (with dead_reason), each refused exactly once and never retried; the
                others are delivered exactly once.
"""

import argparse
import collections
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import HERE, complete_json_lines, Processes, Redis, free_port, listmonk_admin, wait_for  # noqa: E402

STREAM = "listmonk:bounces"
GROUP = "bounce-drain"
USER, TOKEN = "bounce-milter", "secret-token"


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


class PersistentRedis:
    """A redis-server that keeps its data across restarts on the same port.

    appendonly yes + appendfsync always: the Redis sink marks an event delivered in the producer's
    outbox as soon as XADD answers, and the outbox then never sends it again. Without persistence a
    restart would silently drop every acknowledged entry not yet consumed (a loss the producers cannot
    see); with the default `everysec` an entry Redis acknowledged survives a process kill (the write(2)
    precedes the reply) but not an OS crash. `always` fsyncs before replying, the only setting under
    which "acknowledged" means "durable", which is what the outbox's hand-off assumes. The same holds
    for the drains' done-markers and acknowledgements."""

    def __init__(self, procs, tmp):
        self.procs, self.dir = procs, os.path.join(tmp, "redis")
        os.makedirs(self.dir)
        self.proc = None
        self.port = None
        self.restarts = 0

    def start(self):
        for attempt in range(10):
            port = self.port or free_port()
            self.proc = self.procs.start(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", self.dir, "--save", "",
                 "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no"],
                os.path.join(self.dir, "redis.log"))
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    r = Redis(port)
                    if r("PING") == "PONG":
                        r.close()
                        self.port = port
                        return
                    r.close()
                except (OSError, RuntimeError):
                    pass  # not listening yet, or LOADING the append-only file
                time.sleep(0.05)
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            if self.port:  # a restart must come back on the same port: the clients are configured with it
                if attempt >= 3:
                    raise AssertionError("redis-server did not come back on port %d" % self.port)
                time.sleep(0.5)
        raise AssertionError("could not start redis-server")

    def client(self):
        return Redis(self.port)

    def stop(self, sig):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)

    def restart_after(self, sig, down_seconds):
        self.stop(sig)
        time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    def freeze(self, seconds):
        self.proc.send_signal(signal.SIGSTOP)
        time.sleep(seconds)
        self.proc.send_signal(signal.SIGCONT)


def start_fake(procs, tmp, name):
    port_file = os.path.join(tmp, name + ".port")
    record = os.path.join(tmp, name + ".jsonl")
    procs.start([sys.executable, os.path.join(HERE, "fake_listmonk.py"), "--port", "0", "--port-file", port_file,
                 "--record", record, "--user", USER, "--token", TOKEN], os.path.join(tmp, name + ".log"))
    wait_for(lambda: os.path.exists(port_file), 15, "the fake listmonk " + name)
    with open(port_file) as f:
        return int(f.read()), record


def recorded(record):
    return [bounce["email"] for bounce in complete_json_lines(record)]


def stream_entries(r, stream):
    out = []
    last = "-"
    while True:
        page = r("XRANGE", stream, last, "+", "COUNT", 1000) or []
        if last != "-":
            page = page[1:]
        if not page:
            return out
        for entry_id, fields in page:
            out.append(dict(zip(fields[::2], fields[1::2])))
        last = page[-1][0]


def group_quiet(r):
    for g in r("XINFO", "GROUPS", STREAM) or []:
        d = dict(zip(g[::2], g[1::2]))
        if d.get("name") == GROUP:
            return d.get("lag") == 0 and d.get("pending") == 0
    return False


def outbox_attempts(path, sink):
    """{idempotency key: attempts} of one sink's deliveries (delivered ones count their final attempt)."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=15)
    try:
        return dict(db.execute("SELECT e.key, d.attempts FROM deliveries d JOIN events e ON e.id = d.event_id "
                               "WHERE d.sink = ?", (sink,)).fetchall())
    finally:
        db.close()


class Run:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.tmp = tempfile.mkdtemp(prefix="sink-faults-")
        self.procs = Processes()
        self.producers = []

    def corpus(self, count, parts, refuse_every=0):
        out = os.path.join(self.tmp, "corpus")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_bounces.py"), "--count", str(count), "--parts",
                        str(parts), "--out", out, "--refuse-every", str(refuse_every)], check=True, timeout=120)
        with open(os.path.join(out, "manifest.txt")) as f:
            manifest = [line.strip() for line in f if line.strip()]
        return out, manifest

    def producer_conf(self, name, redis_port=None, listmonk_port=None):
        path = os.path.join(self.tmp, name + ".toml")
        text = ('[outbox]\npath = "%s"\nretry_initial = 0.05\nretry_max = 1\nconfig_retry_initial = 0.2\n'
                'poll_interval = 0.2\n' % os.path.join(self.tmp, name + ".sqlite"))
        if redis_port:
            # timeout 1 s: a frozen Redis is given up on (and retried) well within the freeze.
            text += '\n[redis]\nurl = "redis://127.0.0.1:%d/0"\nstream = "%s"\nmaxlen = 0\ntimeout = 1\n' % (
                redis_port, STREAM)
        if listmonk_port:
            text += ('\n[listmonk]\nurl = "http://127.0.0.1:%d"\nusername = "%s"\ntoken = "%s"\ntimeout = 1\n'
                     'connect_timeout = 1\n' % (listmonk_port, USER, TOKEN))
        with open(path, "w") as f:
            f.write(text)
        return path

    def drain_conf(self, redis_port, listmonk_port, claim_idle=20):
        path = os.path.join(self.tmp, "drain.toml")
        with open(path, "w") as f:
            f.write('[redis]\nurl = "redis://127.0.0.1:%d/0"\nstream = "%s"\ntimeout = 1\n\n[drain]\ngroup = "%s"\n'
                    'claim_idle_seconds = %d\ndedup_ttl_seconds = 3600\n\n[listmonk]\nurl = "http://127.0.0.1:%d"\n'
                    'username = "%s"\ntoken = "%s"\ntimeout = 1\nconnect_timeout = 1\n\n[outbox]\n'
                    'retry_initial = 0.05\nretry_max = 1\nconfig_retry_initial = 0.2\n'
                    % (redis_port, STREAM, GROUP, claim_idle, listmonk_port, USER, TOKEN))
        return path

    def start_drain(self, conf, n):
        return self.procs.start([os.path.join(self.build, "bounce-drain"), "-c", conf, "--consumer", "drain-%d" % n],
                                os.path.join(self.tmp, "drain-%d.log" % n))

    def backfill(self, conf, mbox, name):
        p = self.procs.start([os.path.join(self.build, "bounce-parse"), "--forward", "-c", conf, "--timeout", "400",
                              "--no-progress", mbox], os.path.join(self.tmp, name + ".log"))
        p.name = name
        self.producers.append(p)
        return p

    def wait_producers(self, timeout, expect_rc=0):
        deadline = time.monotonic() + timeout
        for p in self.producers:
            rc = p.wait(timeout=max(1, deadline - time.monotonic()))
            assert rc == expect_rc, "%s exited %d (expected %d), see %s" % (p.name, rc, expect_rc, p.log_path)

    def dump_logs(self):
        for root, _, files in os.walk(self.tmp):
            for name in sorted(files):
                if name.endswith(".log"):
                    with open(os.path.join(root, name), errors="replace") as f:
                        tail = f.read()[-1500:]
                    print("---- %s (tail)\n%s" % (name, tail))

    def finish(self, ok):
        self.procs.stop_all()
        if not ok:
            self.dump_logs()
        if self.args.keep:
            print("kept", self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def stream_duplicates_bounded(entries, attempts, manifest):
    """Asserts the stream holds every event, and extra copies only of events whose XADD was retried."""
    copies = collections.Counter(e["idempotency_key"] for e in entries)
    emails = {e["idempotency_key"]: e["email"] for e in entries}
    assert set(emails.values()) == set(manifest), "stream misses %d events, e.g. %s" % (
        len(set(manifest) - set(emails.values())), sorted(set(manifest) - set(emails.values()))[:3])
    assert len(copies) == len(manifest), "%d distinct keys for %d events" % (len(copies), len(manifest))
    for key, n in copies.items():
        assert key in attempts, "stream entry with a key no outbox enqueued: %s" % key
        assert n <= attempts[key], "event %s on the stream %d times but XADD was tried only %d times" % (
            emails[key], n, attempts[key])
    retried = sum(1 for a in attempts.values() if a > 1)
    return sum(n - 1 for n in copies.values()), retried


def scenario_redis_restart(run, events, _seconds):
    parts = 6
    corpus, manifest = run.corpus(events, parts)
    redis = PersistentRedis(run.procs, run.tmp)
    redis.start()
    lm_port, record = start_fake(run.procs, run.tmp, "listmonk")
    # claim_idle 3 s and a lease of 7 s (listmonk timeout 1 s + 6 s): the 9 s outage below outlasts
    # both, so the drains must not take over each other's posted-but-unrecorded events afterwards.
    drain_conf = run.drain_conf(redis.port, lm_port, claim_idle=3)
    drains = [run.start_drain(drain_conf, 1), run.start_drain(drain_conf, 2)]
    t0 = time.monotonic()

    # Producers start one after another, so writes are in flight through every fault below.
    def feed():
        for k in range(1, parts + 1):
            conf = run.producer_conf("producer-%d" % k, redis_port=redis.port)
            run.backfill(conf, os.path.join(corpus, "out-%d.mbox" % k), "producer-%d" % k)
            time.sleep(2.5)
    feeder = threading.Thread(target=feed)
    feeder.start()

    def flowing():
        """Stream length and listmonk count right now: both must grow between faults."""
        r = redis.client()
        try:
            return r("XLEN", STREAM), len(recorded(record))
        finally:
            r.close()
    # The first fault only once the drains are posting: every fault then hits producers and drains.
    wait_for(lambda: len(recorded(record)) > 0, 120, "the first event at listmonk", interval=0.05)
    faults = []
    for sig, down in ((signal.SIGTERM, 1.5), (signal.SIGKILL, 1.5), (signal.SIGKILL, 0.2)):
        before = flowing()
        redis.restart_after(sig, down)
        faults.append("%s (down %.1f s; stream %d, listmonk %d before)" % (signal.Signals(sig).name, down, *before))
        time.sleep(1.0)
    # Frozen past the clients' 1 s timeout: commands sent meanwhile are executed after SIGCONT, when
    # their senders have given up. That is the lost-reply case the bound below is about.
    before = flowing()
    redis.freeze(2.5)
    faults.append("SIGSTOP for 2.5 s (stream %d, listmonk %d before)" % before)
    time.sleep(0.5)
    redis.restart_after(signal.SIGKILL, 0.5)
    faults.append("SIGKILL (down 0.5 s)")
    feeder.join(timeout=60)
    wait_for(lambda: len(recorded(record)) >= len(manifest) // 2, 120, "half the events at listmonk", interval=0.05)
    before = flowing()
    redis.restart_after(signal.SIGKILL, 9)
    faults.append("SIGKILL (down 9 s, past the drains' lease and claim_idle; stream %d, listmonk %d before)" % before)
    log("faults injected: " + "; ".join(faults))

    run.wait_producers(120)
    r = redis.client()
    wait_for(lambda: group_quiet(r), 120, "the drains to consume and acknowledge the whole stream", interval=0.2)
    elapsed = time.monotonic() - t0

    attempts = {}
    for k in range(1, parts + 1):
        attempts.update(outbox_attempts(os.path.join(run.tmp, "producer-%d.sqlite" % k), "redis"))
    entries = stream_entries(r, STREAM)
    extra, retried = stream_duplicates_bounded(entries, attempts, manifest)
    posted = recorded(record)
    counts = collections.Counter(posted)
    assert set(counts) == set(manifest), "listmonk misses %d events" % len(set(manifest) - set(counts))
    doubles = {e: n for e, n in counts.items() if n > 1}
    assert not doubles, "drains posted events more than once: %s" % dict(list(doubles.items())[:5])
    assert not r("XLEN", STREAM + ":dead"), "dead letters appeared"
    for d in drains:
        assert d.poll() is None, "a drain exited during the Redis faults, see %s" % d.log_path
        d.send_signal(signal.SIGTERM)
        assert d.wait(timeout=20) == 0, "drain did not stop cleanly, see %s" % d.log_path
    log("redis restarted %d times: %d events in, %d stream entries (%d distinct, %d extra copies from lost XADD "
        "replies; %d events needed more than one XADD), %d posted to listmonk (%d distinct, 0 duplicates) in %.1f s"
        % (redis.restarts, len(manifest), len(entries), len(entries) - extra, extra, retried, len(posted),
           len(counts), elapsed))


def fault_driver(ports, seconds, stop, hang):
    """Intermittent faults for `seconds`: flaky answers, and a full outage of 3 s in every 15."""
    flaky = {"mode": "flaky", "p500": 0.1, "p503": 0.1, "p_hang": 0.02, "p_hang_recorded": 0.01,
             "seconds": hang}
    end = time.monotonic() + seconds
    cycle = 0
    while time.monotonic() < end and not stop.is_set():
        for i, port in enumerate(ports):
            listmonk_admin(port, "/__admin", dict(flaky, seed=cycle * 10 + i))
        stop.wait(min(12, max(0, end - time.monotonic())))
        if time.monotonic() >= end or stop.is_set():
            break
        for port in ports:
            listmonk_admin(port, "/__admin", {"mode": "down" if cycle % 2 else "error500"})
        stop.wait(min(3, max(0, end - time.monotonic())))
        cycle += 1
    for port in ports:
        listmonk_admin(port, "/__admin", {"mode": "normal"})


def check_flaky_fake(name, port, record, manifest):
    posted = recorded(record)
    counts = collections.Counter(posted)
    stats = listmonk_admin(port, "/__admin/count")
    hung_recorded = collections.Counter(listmonk_admin(port, "/__admin/hung_recorded"))
    missing = set(manifest) - set(counts)
    assert not missing, "%s: %d events never arrived, e.g. %s" % (name, len(missing), sorted(missing)[:3])
    assert set(counts) == set(manifest), "%s: unexpected addresses" % name
    for email, n in counts.items():
        assert n <= 1 + hung_recorded[email], "%s: %s posted %d times, recorded-then-hung only %d times" % (
            name, email, n, hung_recorded[email])
    dups = len(posted) - len(counts)
    assert dups <= stats["faults"]["hang_recorded"]
    return "%s: %d requests, faults %s, %d accepted (%d distinct, %d duplicates <= %d recorded-then-hung)" % (
        name, stats["requests"], stats["faults"], len(posted), len(counts), dups, stats["faults"]["hang_recorded"])


def scenario_listmonk_flaky(run, events, seconds):
    parts = 8
    corpus, manifest = run.corpus(events, parts)
    redis = PersistentRedis(run.procs, run.tmp)
    redis.start()
    direct_port, direct_record = start_fake(run.procs, run.tmp, "listmonk-direct")
    drained_port, drained_record = start_fake(run.procs, run.tmp, "listmonk-drained")
    drain_conf = run.drain_conf(redis.port, drained_port)
    drains = [run.start_drain(drain_conf, n) for n in (1, 2, 3)]  # each hang holds one drain for 1 s
    stop = threading.Event()
    # Hangs last 1.5 s, past the clients' 1 s timeout.
    driver = threading.Thread(target=fault_driver, args=([direct_port, drained_port], seconds, stop, 1.5))
    t0 = time.monotonic()
    driver.start()
    try:
        # Producers spread over the fault period, each writing to its listmonk sink and to Redis.
        for k in range(1, parts + 1):
            conf = run.producer_conf("producer-%d" % k, redis_port=redis.port, listmonk_port=direct_port)
            run.backfill(conf, os.path.join(corpus, "out-%d.mbox" % k), "producer-%d" % k)
            stop.wait(seconds * 0.8 / parts)
        driver.join(timeout=seconds + 60)
    finally:
        stop.set()
    log("listmonk was flaky for %.0f s" % (time.monotonic() - t0))
    run.wait_producers(300)
    r = redis.client()
    wait_for(lambda: group_quiet(r), 120, "the drain to post the whole stream", interval=0.2)
    elapsed = time.monotonic() - t0
    log(check_flaky_fake("producers -> listmonk", direct_port, direct_record, manifest))
    log(check_flaky_fake("drain -> listmonk", drained_port, drained_record, manifest))
    assert not r("XLEN", STREAM + ":dead"), "dead letters appeared"
    for d in drains:
        d.send_signal(signal.SIGTERM)
        assert d.wait(timeout=20) == 0
    log("%d events, all delivered to both fakes in %.1f s" % (len(manifest), elapsed))


def scenario_dead_letter(run, events, _seconds):
    # Three parts: with two, every 10th event (an odd index) would fall into the same part.
    corpus, manifest = run.corpus(events, 3, refuse_every=10)
    refused = {m for m in manifest if m.startswith("refuse-")}
    expected_ok = set(manifest) - refused
    redis = PersistentRedis(run.procs, run.tmp)
    redis.start()
    direct_port, direct_record = start_fake(run.procs, run.tmp, "listmonk-direct")
    drained_port, drained_record = start_fake(run.procs, run.tmp, "listmonk-drained")
    for port in (direct_port, drained_port):
        listmonk_admin(port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})
    drains = [run.start_drain(run.drain_conf(redis.port, drained_port), 1)]
    confs = [run.producer_conf("producer-%d" % k, redis_port=redis.port, listmonk_port=direct_port) for k in (1, 2, 3)]
    for k in (1, 2, 3):
        run.backfill(confs[k - 1], os.path.join(corpus, "out-%d.mbox" % k), "producer-%d" % k)
    # A refusal is final: the backfill ends (exit 1: some deliveries refused) instead of retrying.
    run.wait_producers(120, expect_rc=1)
    r = redis.client()
    wait_for(lambda: group_quiet(r), 60, "the drain to post the whole stream", interval=0.2)

    outbox = os.path.join(run.build, "bounce-outbox")
    dead = []
    for conf in confs:
        p = subprocess.run([outbox, "-c", conf, "--json", "list", "--dead", "--limit", "100000"], capture_output=True,
                           text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        dead += [json.loads(line) for line in p.stdout.splitlines()]
    assert {d["body"]["email"] for d in dead} == refused and len(dead) == len(refused), \
        "outbox dead letters %d, refused %d" % (len(dead), len(refused))
    assert all(d["sink"] == "listmonk" and d["attempts"] == 1 and
               d["last_error"] == "listmonk HTTP 400: Invalid email." for d in dead), dead[:2]
    p = subprocess.run([outbox, "-c", confs[0], "show", str(dead[0]["id"])], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0 and "dead after 1 attempt" in p.stdout and "Invalid email." in p.stdout, p.stdout
    assert "redis: delivered" in p.stdout or "sink redis: delivered" in p.stdout, p.stdout

    dead_stream = stream_entries(r, STREAM + ":dead")
    dead_emails = collections.Counter(e["email"] for e in dead_stream)
    assert set(dead_emails) == refused and all(n == 1 for n in dead_emails.values()), \
        "dead-letter stream %d entries for %d refused" % (len(dead_stream), len(refused))
    assert all(e.get("dead_reason") == "listmonk HTTP 400: Invalid email." and e.get("source_id")
               for e in dead_stream), dead_stream[:2]

    # Nothing retried later: the refusals and requests stay where they are over several retry periods.
    before = [listmonk_admin(p, "/__admin/count") for p in (direct_port, drained_port)]
    time.sleep(3)
    after = [listmonk_admin(p, "/__admin/count") for p in (direct_port, drained_port)]
    assert before == after, "requests after everything was settled: %s -> %s" % (before, after)
    for name, port, rec in (("producers", direct_port, direct_record), ("drain", drained_port, drained_record)):
        refusals = collections.Counter(listmonk_admin(port, "/__admin/refused"))
        assert set(refusals) == refused and all(n == 1 for n in refusals.values()), \
            "%s: refused events were sent %s times" % (name, sorted(set(refusals.values())))
        counts = collections.Counter(recorded(rec))
        assert set(counts) == expected_ok and all(n == 1 for n in counts.values()), \
            "%s: %d accepted (%d distinct) for %d expected" % (name, sum(counts.values()), len(counts),
                                                                len(expected_ok))
    for d in drains:
        d.send_signal(signal.SIGTERM)
        assert d.wait(timeout=20) == 0
    log("%d events: %d refused with 400, each sent once and dead-lettered once (outbox and dead-letter stream, "
        "reason shown); %d delivered exactly once by the producers and by the drain"
        % (len(manifest), len(refused), len(expected_ok)))


SCENARIOS = {"redis-restart": scenario_redis_restart, "listmonk-flaky": scenario_listmonk_flaky,
             "dead-letter": scenario_dead_letter}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--events", type=int, default=int(os.environ.get("BOUNCE_FAULT_EVENTS", "0")),
                    help="events to send (default 3000 for redis-restart, 2000 listmonk-flaky, 1000 dead-letter)")
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("BOUNCE_FAULT_SECONDS", "75")),
                    help="how long listmonk stays flaky (listmonk-flaky)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = ap.parse_args()
    for prog in ("bounce-parse", "bounce-drain", "bounce-outbox"):
        if not os.access(os.path.join(args.build, prog), os.X_OK):
            print("SKIP: %s not built" % prog)
            return 77
    if not shutil.which("redis-server"):
        print("SKIP: redis-server not installed")
        return 77
    run = Run(args)
    ok = False
    t0 = time.monotonic()
    try:
        default_events = {"redis-restart": 3000, "listmonk-flaky": 2000, "dead-letter": 1000}[args.scenario]
        SCENARIOS[args.scenario](run, args.events or default_events, args.seconds)
        ok = True
        log("PASS %s in %.1f s" % (args.scenario, time.monotonic() - t0))
        return 0
    finally:
        run.finish(ok)


if __name__ == "__main__":
    sys.exit(main())
