#!/usr/bin/env python3
"""bounce-hooks under hostile clients, as a separate process measured from outside:

- 50 clients trickle one header line every 2 s; a genuine request is still answered within 5 s;
- a request of 15 MB of tiny headers is refused (431, or the connection cut while it is still being
  sent) and the process's peak RSS stays under 100 MB;
- a verified Mailgun signature block reused with a different body is refused (403), nothing of it stored;
- two different Content-Length headers are refused with 400.

usage: hooks_limits_e2e.py --build BUILD_DIR
"""

import argparse
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import free_port, wait_for  # noqa: E402

MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"


def post(base, path, body, headers=None, timeout=5):
    req = urllib.request.Request(base + path, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def mailgun_body(ts, token, data):
    sig = hmac.new(MAILGUN_KEY.encode(), (str(ts) + token).encode(), hashlib.sha256).hexdigest()
    return json.dumps({"signature": {"timestamp": str(ts), "token": token, "signature": sig},
                       "event-data": data}).encode()


def peak_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def raw_answer(port, payload, timeout=10):
    """Sends `payload` and returns what the server answers until it closes; a reset while sending
    counts as a refusal (the server stopped reading)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    answer = b""
    try:
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    finally:
        s.close()
    return answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="hooks-limits-")
    hooks = None
    slow = []
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what, flush=True)

    try:
        port = free_port()
        config = os.path.join(work, "hooks.toml")
        with open(config, "w") as f:
            f.write('[outbox]\npath = "%s/outbox.sqlite"\n\n[file]\npath = "%s/events.jsonl"\n\n'
                    '[hooks]\nlisten = "127.0.0.1:%d"\nthreads = 2\nrequest_timeout = 30\n\n'
                    '[hooks.mailgun]\nsigning_key = "%s"\n' % (work, work, port, MAILGUN_KEY))
        cmd = [os.path.join(args.build, "bounce-hooks"), "-c", config, "-f"] + (["--allow-root"] if os.geteuid() == 0 else [])
        log = open(os.path.join(work, "hooks.log"), "w")
        hooks = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        base = "http://127.0.0.1:%d" % port

        def healthy():
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False
        wait_for(healthy, 15, "bounce-hooks to answer /healthz")

        # 1. 50 slow clients, each one header line every 2 s.
        for i in range(50):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"POST /webhooks/service/mailgun HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        stop = threading.Event()

        def trickle():
            n = 0
            while not stop.wait(2):
                for s in slow:
                    try:
                        s.sendall(b"X-Slow-%d: 1\r\n" % n)
                    except OSError:
                        pass
                n += 1
        trickler = threading.Thread(target=trickle)
        trickler.start()
        time.sleep(3)  # let them settle in and trickle at least once
        now = int(time.time())
        genuine = mailgun_body(now, "tok-genuine", {"event": "failed", "severity": "permanent",
                                                    "recipient": "genuine@example.com", "timestamp": now})
        started = time.monotonic()
        try:
            status, _ = post(base, "/webhooks/service/mailgun", genuine, {"Content-Type": "application/json"}, timeout=5)
        except OSError as e:
            status = "no answer within 5 s (%s)" % e
        elapsed = time.monotonic() - started
        check(status == 200, "genuine request beside 50 slow clients: %s" % status)
        print("genuine request beside 50 slow clients answered %s in %.3f s" % (status, elapsed), flush=True)
        stop.set()
        trickler.join()
        for s in slow:
            s.close()
        slow = []

        # 2. Mailgun: the verified block of that request, with another body.
        forged = mailgun_body(now, "tok-genuine", {"event": "failed", "severity": "permanent",
                                                   "recipient": "victim@example.com", "timestamp": now})
        status, reply = post(base, "/webhooks/service/mailgun", forged, {"Content-Type": "application/json"})
        check(status == 403, "reused signature block with a different body: %s %r" % (status, reply))
        check(b"victim" not in reply, "the answer quotes the forged body: %r" % reply)

        # 3. Two different Content-Length headers.
        answer = raw_answer(port, b"POST /webhooks/service/mailgun HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                  b"Content-Length: 40\r\n\r\n{}")
        check(answer.startswith(b"HTTP/1.1 400 "), "two Content-Length headers: %r" % answer[:80])

        # 4. 15 MB of tiny headers.
        flood = b"POST /webhooks/service/mailgun HTTP/1.1\r\n" + b"a:b\r\n" * (15 * 1024 * 1024 // 5) + b"\r\n"
        answer = raw_answer(port, flood)
        check(answer.startswith(b"HTTP/1.1 431 ") or answer == b"",
              "15 MB of tiny headers: %r" % answer[:80])
        peak = peak_rss_kib(hooks.pid)
        print("15 MB header flood answered %r; peak RSS %d KiB" % (answer[:12], peak), flush=True)
        check(peak < 100 * 1024, "peak RSS %d KiB is not under 100 MB" % peak)
        check(healthy(), "not healthy after the flood")
        check(hooks.poll() is None, "bounce-hooks exited")

        # Only the genuine event reached the sink.
        def events():
            path = os.path.join(work, "events.jsonl")
            if not os.path.exists(path):
                return []
            with open(path) as f:
                return [json.loads(line)["email"] for line in f if line.strip()]
        wait_for(lambda: events(), 15, "the genuine event in the file sink")
        time.sleep(0.5)
        check(events() == ["genuine@example.com"], "file sink holds %r" % events())
    finally:
        for s in slow:
            s.close()
        if hooks is not None:
            hooks.terminate()
            try:
                hooks.wait(timeout=15)
            except subprocess.TimeoutExpired:
                hooks.kill()
                hooks.wait()
        if failures:
            with open(os.path.join(work, "hooks.log")) as f:
                print(f.read())
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
