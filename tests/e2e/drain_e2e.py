#!/usr/bin/env python3
"""bounce-drain end to end: 3 backfilling producers (bounce-parse --forward with a [redis] sink) and 2
drains against one real redis-server and the fake listmonk.

Checks (issue 6): every event arrives at listmonk exactly once; SIGKILL of a drain mid-run loses
nothing and doubles at most the one event it had in flight; a listmonk outage (500, then 503) right
after loses nothing; events listmonk refuses (400) land in the
dead-letter stream; backfilling the same corpus again forwards nothing (outbox dedup), and even a
backfill through a fresh outbox, which puts every event on the stream a second time, posts nothing
(the drains' idempotency markers).

  drain_e2e.py --build BUILD_DIR      (BOUNCE_DRAIN_EVENTS=N scales the run; default 10000)
"""

import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import (HERE, complete_json_lines, Processes, listmonk_admin, start_fake_listmonk, start_redis,  # noqa: E402
                         wait_for)

STREAM = "listmonk:bounces"
GROUP = "bounce-drain"


def group_info(r):
    for g in r("XINFO", "GROUPS", STREAM) or []:
        d = dict(zip(g[::2], g[1::2]))
        if d.get("name") == GROUP:
            return d
    return {}


def accepted(record):
    return [bounce["email"] for bounce in complete_json_lines(record)]


def dead_letters(r, stream):
    out = []
    for _, fields in r("XRANGE", stream, "-", "+") or []:
        d = dict(zip(fields[::2], fields[1::2]))
        out.append((d.get("email"), d.get("dead_reason")))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir for inspection")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    count = int(os.environ.get("BOUNCE_DRAIN_EVENTS", "10000"))
    refuse_every = 500
    for prog in ("bounce-parse", "bounce-drain"):
        if not os.access(os.path.join(build, prog), os.X_OK):
            print("SKIP: %s not built" % prog)
            return 77

    tmp = tempfile.mkdtemp(prefix="drain-e2e-")
    procs = Processes()
    t0 = time.monotonic()
    ok = False
    try:
        corpus = os.path.join(tmp, "corpus")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_bounces.py"), "--count", str(count), "--parts", "3",
                        "--out", corpus, "--refuse-every", str(refuse_every)], check=True, timeout=120)
        with open(os.path.join(corpus, "manifest.txt")) as f:
            manifest = [line.strip() for line in f if line.strip()]
        refused = {m for m in manifest if m.startswith("refuse-")}
        expected_ok = set(manifest) - refused
        print("generated %d bounces (%d to be refused) in %.1f s" % (count, len(refused), time.monotonic() - t0))

        redis_port, r = start_redis(procs, tmp)
        lm_port, record = start_fake_listmonk(procs, tmp)
        listmonk_admin(lm_port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})

        redis_url = "redis://127.0.0.1:%d/0" % redis_port
        drain_conf = os.path.join(tmp, "drain.toml")
        with open(drain_conf, "w") as f:
            f.write('[redis]\nurl = "%s"\nstream = "%s"\n\n[drain]\ngroup = "%s"\nclaim_idle_seconds = 2\n'
                    'dedup_ttl_seconds = 3600\n\n[listmonk]\nurl = "http://127.0.0.1:%d"\nusername = "bounce-milter"\n'
                    'token = "secret-token"\ntimeout = 5\n\n[outbox]\nretry_initial = 0.2\nretry_max = 2\n'
                    'config_retry_initial = 1\n'
                    % (redis_url, STREAM, GROUP, lm_port))

        def producer_conf(name):
            path = os.path.join(tmp, name + ".toml")
            with open(path, "w") as f:
                f.write('[outbox]\npath = "%s"\nretry_initial = 0.2\nretry_max = 2\n\n[redis]\nurl = "%s"\n'
                        'stream = "%s"\nmaxlen = 0\n' % (os.path.join(tmp, name + ".sqlite"), redis_url, STREAM))
            return path

        def start_drain(n):
            return procs.start([os.path.join(build, "bounce-drain"), "-c", drain_conf, "--consumer", "drain-%d" % n],
                               os.path.join(tmp, "drain-%d.log" % n))

        def backfill(name, parts, tag):
            conf = producer_conf(name)
            return procs.start([os.path.join(build, "bounce-parse"), "--forward", "-c", conf, "--timeout", "150",
                                "--no-progress"] + [os.path.join(corpus, "out-%d.mbox" % p) for p in parts],
                               os.path.join(tmp, "%s-%s.log" % (name, tag)))

        def wait_quiet(timeout):
            """Every entry on the stream read by the group and acknowledged."""
            def quiet():
                g = group_info(r)
                return g and g.get("lag") == 0 and g.get("pending") == 0
            wait_for(quiet, timeout, "the drains to consume and acknowledge the whole stream", interval=0.2)

        drains = [start_drain(1), start_drain(2)]
        t1 = time.monotonic()
        producers = [backfill("producer-%d" % k, [k], "first") for k in (1, 2, 3)]

        # Kill one drain hard once about a third has arrived, and start a replacement.
        wait_for(lambda: len(accepted(record)) >= len(expected_ok) // 3 or all(p.poll() is not None for p in producers),
                 150, "a third of the events at listmonk", interval=0.02)
        drains[0].send_signal(signal.SIGKILL)
        drains[0].wait(timeout=10)
        killed_at = len(accepted(record))
        drains.append(start_drain(3))
        print("SIGKILLed drain-1 with %d events at listmonk" % killed_at)

        # listmonk fails for a while (500s, then 503 "bounce processing disabled"): nothing may be lost.
        listmonk_admin(lm_port, "/__admin", {"mode": "error500"})
        time.sleep(1.5)
        listmonk_admin(lm_port, "/__admin", {"mode": "down"})
        time.sleep(1.5)
        listmonk_admin(lm_port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})
        print("listmonk answered 500 then 503 for 3 s")

        for p in producers:
            rc = p.wait(timeout=200)
            assert rc == 0, "producer exited %d, see %s" % (rc, p.log_path)
        stream_len = r("XLEN", STREAM)
        assert stream_len >= count, "only %d entries on the stream" % stream_len
        wait_quiet(150)
        elapsed = time.monotonic() - t1

        emails = accepted(record)
        counts = collections.Counter(emails)
        doubles = {e: n for e, n in counts.items() if n > 1}
        missing = expected_ok - set(counts)
        unexpected = set(counts) - expected_ok
        dead = dead_letters(r, STREAM + ":dead")
        dead_emails = collections.Counter(e for e, _ in dead)
        print("first pass: %d posted to listmonk (%d distinct), %d dead letters, %.1f s (%.0f events/s end to end)"
              % (len(emails), len(counts), len(dead), elapsed, count / elapsed))
        assert not missing, "%d events never reached listmonk, e.g. %s" % (len(missing), sorted(missing)[:3])
        assert not unexpected, "listmonk got unexpected addresses %s" % sorted(unexpected)[:3]
        assert len(doubles) <= 1 and all(n == 2 for n in doubles.values()), \
            "posted more than once beyond the one in-flight event: %s" % dict(list(doubles.items())[:5])
        assert set(dead_emails) == refused, "dead letters %d, refused %d" % (len(dead_emails), len(refused))
        assert all(n == 1 for n in dead_emails.values()) or sum(dead_emails.values()) <= len(refused) + 1
        assert all("Invalid email." in (reason or "") for _, reason in dead), "dead letters lack listmonk's reason"
        print("exactly once: %d events, %d posted twice (in flight at the SIGKILL: %s)"
              % (len(expected_ok), len(doubles), ", ".join(doubles) or "none"))

        # Backfill the same corpus again through the same outboxes: nothing new reaches the stream.
        again = [backfill("producer-%d" % k, [k], "again") for k in (1, 2, 3)]
        for p in again:
            assert p.wait(timeout=120) == 0, "second backfill failed, see %s" % p.log_path
            with open(p.log_path) as f:
                text = f.read()
            assert "new events:   0 " in text, "second backfill enqueued events:\n" + text
        assert r("XLEN", STREAM) == stream_len, "second backfill added stream entries"

        # A backfill through a fresh outbox puts every event on the stream again: the drains must post none.
        fresh = backfill("fresh", [1, 2, 3], "fresh")
        assert fresh.wait(timeout=150) == 0, "fresh backfill failed, see %s" % fresh.log_path
        assert r("XLEN", STREAM) >= stream_len + count
        wait_quiet(150)
        assert len(accepted(record)) == len(emails), \
            "re-streamed events were posted again: %d -> %d" % (len(emails), len(accepted(record)))
        print("backfilling twice: 0 new events; a fresh outbox re-streamed %d events, 0 posted again" % count)

        for d in drains[1:]:
            d.send_signal(signal.SIGTERM)
        for d in drains[1:]:
            assert d.wait(timeout=20) == 0, "drain did not stop cleanly on SIGTERM, see %s" % d.log_path
        print("PASS in %.1f s" % (time.monotonic() - t0))
        ok = True
        return 0
    finally:
        procs.stop_all()
        if not ok:
            for name in sorted(os.listdir(tmp)):
                if name.endswith(".log"):
                    with open(os.path.join(tmp, name), errors="replace") as f:
                        tail = f.read()[-2000:]
                    print("---- %s (tail)\n%s" % (name, tail))
        if args.keep or not ok and os.environ.get("KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
