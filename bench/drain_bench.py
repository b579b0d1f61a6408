#!/usr/bin/env python3
"""bounce-drain throughput (issue 8, point 5): events/s from a Redis stream to a local fake listmonk
with N parallel drains, against a floor measured in the same run on the same fake: a minimal poster
(bench-listmonk-poster) sending the same bodies over N kept-alive connections, with no Redis.
The ratio drain/poster is what draining (read, dedup marker, post, done marker, XACK) costs on top of
what the listmonk stand-in itself can take. Run through bench/drain_throughput.sh; see docs/bench.md.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import shutil
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from e2e_support import Processes, free_port, Redis, wait_for  # noqa: E402

USER, TOKEN = "bounce-milter", "secret-token"


def admin(port, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method="POST" if data else "GET")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def start_redis(procs, tmp, appendfsync):
    persistence = ["--appendonly", "no"] if appendfsync == "no" else ["--appendonly", "yes", "--appendfsync",
                                                                     appendfsync]
    for _ in range(10):
        port = free_port()
        p = procs.start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp]
                        + persistence, os.path.join(tmp, "redis.log"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and p.poll() is None:
            try:
                r = Redis(port)
                if r("PING") == "PONG":
                    return port, r
            except (OSError, RuntimeError):
                time.sleep(0.05)
    raise SystemExit("could not start redis-server")


def start_fake(procs, tmp):
    port_file = os.path.join(tmp, "listmonk.port")
    procs.start([sys.executable, os.path.join(ROOT, "tests", "e2e", "fake_listmonk.py"), "--port", "0",
                 "--port-file", port_file, "--user", USER, "--token", TOKEN], os.path.join(tmp, "listmonk.log"))
    wait_for(lambda: os.path.exists(port_file), 15, "the fake listmonk")
    with open(port_file) as f:
        return int(f.read())


def count(port):
    return admin(port, "/__admin/count")["count"]


def run_floor(build, lm_port, bodies, parallel, events):
    admin(lm_port, "/__admin/reset", {})
    out = subprocess.run([os.path.join(build, "bench-listmonk-poster"), "http://127.0.0.1:%d" % lm_port, USER,
                          TOKEN, bodies, str(parallel)], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit("bench-listmonk-poster failed: " + out.stdout + out.stderr)
    seconds = float(out.stdout.split(" in ")[1].split(" s")[0])
    if count(lm_port) != events:
        raise SystemExit("the poster's events did not all arrive")
    return events / seconds


def run_drains(build, tmp, r, redis_port, lm_port, parallel, events, tag):
    stream = "bench:" + tag
    r("COPY", "bench:src", stream)
    conf = os.path.join(tmp, "drain-%s.toml" % tag)
    with open(conf, "w") as f:
        f.write('[redis]\nurl = "redis://127.0.0.1:%d/0"\nstream = "%s"\nmaxlen = 0\n\n[drain]\ngroup = "bench"\n\n'
                '[listmonk]\nurl = "http://127.0.0.1:%d"\nusername = "%s"\ntoken = "%s"\n'
                % (redis_port, stream, lm_port, USER, TOKEN))
    admin(lm_port, "/__admin/reset", {})
    start = time.monotonic()
    drains = [subprocess.Popen([os.path.join(build, "bounce-drain"), "-c", conf, "--consumer", "d%d" % i],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "drain.log"), "ab"))
              for i in range(parallel)]
    try:
        deadline = start + 600
        while count(lm_port) < events:
            if time.monotonic() > deadline or any(d.poll() is not None for d in drains):
                raise SystemExit("the drains did not post every event, see %s" % os.path.join(tmp, "drain.log"))
            time.sleep(0.02)
        elapsed = time.monotonic() - start
    finally:
        cpu = 0.0
        for d in drains:
            if d.poll() is None:
                d.send_signal(signal.SIGTERM)
            _, _, usage = os.wait4(d.pid, 0)
            d.returncode = 0
            cpu += usage.ru_utime + usage.ru_stime
    if count(lm_port) != events:
        raise SystemExit("the drains posted %d events for %d" % (count(lm_port), events))
    r("DEL", stream)
    return events / elapsed, cpu / events * 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--parallel", default="1,2,4")
    ap.add_argument("--appendfsync", default="everysec", choices=["no", "everysec", "always"])
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    for prog in ("bounce-parse", "bounce-drain", "bench-listmonk-poster"):
        if not os.access(os.path.join(build, prog), os.X_OK):
            raise SystemExit("missing %s: cmake --build %s --target bounce-parse bounce-drain bench-listmonk-poster"
                             % (os.path.join(build, prog), build))
    parallels = [int(p) for p in args.parallel.split(",")]

    tmp = tempfile.mkdtemp(prefix="drain-bench-")
    procs = Processes()
    try:
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "e2e", "gen_bounces.py"), "--count",
                        str(args.events), "--parts", "1", "--out", os.path.join(tmp, "corpus")], check=True,
                       timeout=300)
        redis_port, r = start_redis(procs, tmp, args.appendfsync)
        lm_port = start_fake(procs, tmp)
        # One backfill writes the stream every round copies, and (file sink) the very bodies a drain posts.
        bodies = os.path.join(tmp, "bodies.jsonl")
        conf = os.path.join(tmp, "fill.toml")
        with open(conf, "w") as f:
            f.write('[outbox]\npath = "%s"\n\n[redis]\nurl = "redis://127.0.0.1:%d/0"\nstream = "bench:src"\n'
                    'maxlen = 0\n\n[file]\npath = "%s"\nfsync = false\n'
                    % (os.path.join(tmp, "outbox.sqlite"), redis_port, bodies))
        subprocess.run([os.path.join(build, "bounce-parse"), "--forward", "-c", conf, "--no-progress",
                        os.path.join(tmp, "corpus", "out-1.mbox")], check=True, timeout=600,
                       stdout=subprocess.DEVNULL)
        events = r("XLEN", "bench:src")
        if events != args.events:
            raise SystemExit("the stream holds %d events for %d bounces" % (events, args.events))

        print("bounce-drain throughput: %d events per run, %d rounds (best counts), Redis appendfsync=%s"
              % (events, args.rounds, args.appendfsync))
        print("load at start: " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        floor = {n: [] for n in parallels}
        drain = {n: [] for n in parallels}
        cpu = {n: [] for n in parallels}
        for rnd in range(args.rounds):
            for n in parallels:  # interleaved, so load from other processes hits both alike
                floor[n].append(run_floor(build, lm_port, bodies, n, events))
                rate, us = run_drains(build, tmp, r, redis_port, lm_port, n, events, "r%d-n%d" % (rnd, n))
                drain[n].append(rate)
                cpu[n].append(us)
                print("  round %d, %d parallel: poster %.0f events/s, drain %.0f events/s (%.0f us CPU/event)"
                      % (rnd + 1, n, floor[n][-1], rate, us), flush=True)
        print("load at end:   " + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        print()
        print("| drains | bounce-drain events/s | floor: poster events/s | drain / floor | drain CPU us/event |")
        print("|---|---|---|---|---|")
        for n in parallels:
            best_d, best_f = max(drain[n]), max(floor[n])
            print("| %d | %.0f | %.0f | %.2f | %.0f |" % (n, best_d, best_f, best_d / best_f, min(cpu[n])))
        return 0
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
