#!/usr/bin/env python3
"""bounce-drain against hostile stream entries, on a real redis-server and the fake listmonk:

- an entry whose `meta` nests 300,000 levels (it used to crash every drain that read it, SIGSEGV,
  over and over) lands in the dead-letter stream, and the drain keeps running and posting;
- an entry whose address carries a newline and a fake log prefix is logged with the control
  characters escaped: no forged line appears in the drain's log;
- the Redis password comes from `[redis] password_file` (redis-server runs with requirepass).

usage: drain_hostile_entries_e2e.py --build BUILD_DIR
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import Processes, start_fake_listmonk, start_redis, wait_for  # noqa: E402

STREAM = "listmonk:bounces"
GROUP = "bounce-drain"
FORGED = "2026-12-07T00:00:00Z bounce-drain[error]: FORGED LINE"


def accepted(record):
    if not os.path.exists(record):
        return []
    with open(record, encoding="utf-8") as f:
        return [json.loads(line).get("email") for line in f if line.strip()]


def entry(email, meta="{}"):
    return ["email", email, "subscriber_uuid", "", "campaign_uuid", "", "type", "hard", "source", "e2e",
            "created_at", "2026-12-07T00:00:00Z", "meta", meta]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    if not shutil.which("redis-server"):
        print("SKIP: redis-server not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="drain-hostile-")
    procs = Processes()
    try:
        redis_port, r = start_redis(procs, tmp)
        password = "Dr4in-Redis-Passw0rd"
        r("CONFIG", "SET", "requirepass", password)
        r("AUTH", password)
        password_file = os.path.join(tmp, "redis.password")
        with open(password_file, "w") as f:
            f.write(password + "\n")
        os.chmod(password_file, 0o600)
        lm_port, record = start_fake_listmonk(procs, tmp)

        conf = os.path.join(tmp, "drain.toml")
        with open(conf, "w") as f:
            f.write('[redis]\nurl = "redis://127.0.0.1:%d/0"\npassword_file = "%s"\nstream = "%s"\n\n'
                    '[drain]\ngroup = "%s"\nclaim_idle_seconds = 2\n\n'
                    '[listmonk]\nurl = "http://127.0.0.1:%d"\nusername = "bounce-milter"\ntoken = "secret-token"\n'
                    'timeout = 5\n\n[outbox]\nretry_initial = 0.2\nretry_max = 2\nconfig_retry_initial = 1\n'
                    % (redis_port, password_file, STREAM, GROUP, lm_port))

        deep = '{"a":' * 300000 + "1" + "}" * 300000
        r("XADD", STREAM, "*", *entry("before@example.com"))
        r("XADD", STREAM, "*", *entry("deep@example.com", deep))
        r("XADD", STREAM, "*", *entry("forger@example.com\n" + FORGED))
        r("XADD", STREAM, "*", *entry("after@example.com"))

        log_path = os.path.join(tmp, "drain.log")
        drain = procs.start([os.path.join(args.build, "bounce-drain"), "-c", conf, "--consumer", "hostile-1"], log_path)

        wait_for(lambda: {"before@example.com", "after@example.com"} <= set(accepted(record)), 60,
                 "the entries around the hostile ones to be posted")
        wait_for(lambda: (r("XLEN", STREAM + ":dead") or 0) >= 2, 60, "both hostile entries in the dead-letter stream")
        dead = {}
        for _, fields in r("XRANGE", STREAM + ":dead", "-", "+") or []:
            d = dict(zip(fields[::2], fields[1::2]))
            dead[d.get("email", "")] = d
        assert "deep@example.com" in dead, "the deeply nested entry is not in the dead-letter stream: %r" % list(dead)
        assert "nested deeper" in dead["deep@example.com"].get("dead_reason", ""), dead["deep@example.com"].get("dead_reason")
        assert len(dead["deep@example.com"].get("meta", "")) == len(deep), "the dead letter lost the entry's meta"

        # Still running, and still posting what comes next.
        r("XADD", STREAM, "*", *entry("later@example.com"))
        wait_for(lambda: "later@example.com" in accepted(record), 60, "an entry added after the hostile ones")
        assert drain.poll() is None, "bounce-drain exited (rc=%r)" % drain.returncode

        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        lines = log.splitlines()
        assert not any(line.startswith(FORGED) for line in lines), "a forged line reached the log:\n" + log
        assert "forger@example.com\\n" + FORGED in log, "the hostile address is not in the log, escaped:\n" + log
        print("ok: 300,000-level meta dead-lettered, drain alive and posting; control characters escaped in the log; "
              "password from password_file")
        return 0
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
