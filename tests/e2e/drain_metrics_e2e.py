#!/usr/bin/env python3
"""bounce-drain's /metrics against a real redis-server and the fake listmonk: every counter equals what
went through.

  1. 40 bounces (every 10th refused by listmonk with a 400) are backfilled onto the stream; a consumer
     "ghost" reads 5 of them and dies. The drain (with [metrics] listen) claims those 5 and reads the
     other 35: posted 36, dead-lettered 4, 40 POST latencies.
  2. The same events streamed again through a fresh outbox: 36 skipped as already posted; the 4 refused
     ones have no "posted" marker, so they are tried and dead-lettered again.
  3. listmonk answering 500 for a moment: post failures counted, nothing lost.

  drain_metrics_e2e.py --build BUILD_DIR
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import (HERE, Processes, free_port, listmonk_admin, start_fake_listmonk,  # noqa: E402
                         start_redis, wait_for)

STREAM = "listmonk:bounces"
GROUP = "bounce-drain"
COUNT = 40
REFUSE_EVERY = 10
GHOST_READS = 5


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
        text = r.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    for prog in ("bounce-parse", "bounce-drain"):
        if not os.access(os.path.join(build, prog), os.X_OK):
            print("SKIP: %s not built" % prog)
            return 77
    if shutil.which("redis-server") is None:
        print("FAIL: redis-server not installed (packaging/install-deps.sh installs it)")
        return 1

    tmp = tempfile.mkdtemp(prefix="drain-metrics-e2e-")
    procs = Processes()
    ok = False
    try:
        corpus = os.path.join(tmp, "corpus")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_bounces.py"), "--count", str(COUNT), "--parts", "1",
                        "--out", corpus, "--refuse-every", str(REFUSE_EVERY)], check=True, timeout=60)
        redis_port, r = start_redis(procs, tmp)
        lm_port, _record = start_fake_listmonk(procs, tmp)
        listmonk_admin(lm_port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})
        redis_url = "redis://127.0.0.1:%d/0" % redis_port

        def backfill(name):
            conf = os.path.join(tmp, name + ".toml")
            with open(conf, "w") as f:
                f.write('[outbox]\npath = "%s"\n\n[redis]\nurl = "%s"\nstream = "%s"\nmaxlen = 0\n'
                        % (os.path.join(tmp, name + ".sqlite"), redis_url, STREAM))
            p = procs.start([os.path.join(build, "bounce-parse"), "--forward", "-c", conf, "--timeout", "60",
                             "--no-progress", os.path.join(corpus, "out-1.mbox")], os.path.join(tmp, name + ".log"))
            assert p.wait(timeout=90) == 0, "backfill failed, see %s" % p.log_path

        # A consumer that read entries and died: the drain must claim them.
        r("XGROUP", "CREATE", STREAM, GROUP, "0", "MKSTREAM")
        backfill("first")
        assert r("XLEN", STREAM) == COUNT
        ghost = r("XREADGROUP", "GROUP", GROUP, "ghost", "COUNT", GHOST_READS, "STREAMS", STREAM, ">")
        assert len(ghost[0][1]) == GHOST_READS

        drain = None
        for _attempt in range(5):  # another test may take the free port first
            metrics_port = free_port()
            conf = os.path.join(tmp, "drain.toml")
            with open(conf, "w") as f:
                f.write('[redis]\nurl = "%s"\nstream = "%s"\n\n[drain]\ngroup = "%s"\nclaim_idle_seconds = 1\n\n'
                        '[listmonk]\nurl = "http://127.0.0.1:%d"\nusername = "bounce-milter"\ntoken = "secret-token"\n'
                        'timeout = 5\n\n[outbox]\nretry_initial = 0.2\nretry_max = 1\n\n[metrics]\nlisten = "127.0.0.1:%d"\n'
                        % (redis_url, STREAM, GROUP, lm_port, metrics_port))
            drain = procs.start([os.path.join(build, "bounce-drain"), "-c", conf, "--consumer", "drain-1"],
                                os.path.join(tmp, "drain.log"))

            def serving():
                if drain.poll() is not None:
                    return "exited"
                try:
                    scrape(metrics_port)
                    return "up"
                except OSError:
                    return None
            if wait_for(serving, 15, "the drain's /metrics") == "up":
                break
        else:
            raise AssertionError("bounce-drain could not serve /metrics, see %s" % drain.log_path)

        def settled(want):
            def check():
                m = scrape(metrics_port)
                return all(m.get(k) == v for k, v in want.items()) and m
            try:
                return wait_for(check, 30, "drain counters %s" % want, interval=0.1)
            except AssertionError:
                raise AssertionError("counters never reached %s; last scrape: %s"
                                     % (want, {k: v for k, v in scrape(metrics_port).items() if "bucket" not in k}))

        refused = COUNT // REFUSE_EVERY
        m = settled({
            "bounce_drain_entries_read_total": COUNT - GHOST_READS,
            "bounce_drain_claimed_total": GHOST_READS,
            "bounce_drain_posted_total": COUNT - refused,
            "bounce_drain_dead_lettered_total": refused,
            "bounce_drain_duplicates_skipped_total": 0,
            "bounce_drain_post_failures_total": 0,
            "bounce_drain_post_seconds_count": COUNT,
        })
        assert m['bounce_drain_post_seconds_bucket{le="+Inf"}'] == COUNT
        assert m["bounce_drain_post_seconds_sum"] > 0
        print("ok 1 - read %d, claimed %d, posted %d, dead-lettered %d, %d POST latencies"
              % (COUNT - GHOST_READS, GHOST_READS, COUNT - refused, refused, COUNT))

        backfill("fresh")  # a fresh outbox: every event on the stream a second time
        settled({
            "bounce_drain_entries_read_total": 2 * COUNT - GHOST_READS,
            "bounce_drain_posted_total": COUNT - refused,
            "bounce_drain_duplicates_skipped_total": COUNT - refused,
            "bounce_drain_dead_lettered_total": 2 * refused,
            "bounce_drain_post_seconds_count": COUNT + refused,
        })
        print("ok 2 - re-streamed: %d skipped as already posted, %d refused again" % (COUNT - refused, refused))

        listmonk_admin(lm_port, "/__admin", {"mode": "error500"})
        backfill("third")
        wait_for(lambda: scrape(metrics_port).get("bounce_drain_post_failures_total", 0) >= 1, 30,
                 "a counted POST failure")
        listmonk_admin(lm_port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})
        settled({
            "bounce_drain_entries_read_total": 3 * COUNT - GHOST_READS,
            "bounce_drain_posted_total": COUNT - refused,
            "bounce_drain_duplicates_skipped_total": 2 * (COUNT - refused),
            "bounce_drain_dead_lettered_total": 3 * refused,
        })
        print("ok 3 - listmonk 500s counted as post failures (%d); nothing lost"
              % scrape(metrics_port)["bounce_drain_post_failures_total"])

        drain.terminate()
        assert drain.wait(timeout=20) == 0, "drain did not stop cleanly"
        ok = True
        print("PASS")
        return 0
    finally:
        procs.stop_all()
        if not ok:
            for name in sorted(os.listdir(tmp)):
                if name.endswith(".log"):
                    with open(os.path.join(tmp, name), errors="replace") as f:
                        print("---- %s (tail)\n%s" % (name, f.read()[-2000:]))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
