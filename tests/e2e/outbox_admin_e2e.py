#!/usr/bin/env python3
"""bounce-outbox and backfill against the fake listmonk: refused events become dead letters that
`list --dead` and `show` explain, `requeue --all-dead` sends them again once listmonk accepts them,
`purge --dead` removes them, `health` reports each state, and every command works on a live outbox
while a backfill is delivering.

  outbox_admin_e2e.py --build BUILD_DIR
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import HERE, complete_json_lines, Processes, listmonk_admin, start_fake_listmonk  # noqa: E402


def run(args, timeout=120):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    parse, outbox = os.path.join(build, "bounce-parse"), os.path.join(build, "bounce-outbox")
    for prog in (parse, outbox):
        if not os.access(prog, os.X_OK):
            print("SKIP: %s not built" % prog)
            return 77

    tmp = tempfile.mkdtemp(prefix="outbox-admin-")
    procs = Processes()
    try:
        lm_port, record = start_fake_listmonk(procs, tmp)
        conf = os.path.join(tmp, "backfill.toml")
        with open(conf, "w") as f:
            f.write('[outbox]\npath = "%s"\nretry_initial = 0.1\nretry_max = 1\nconfig_retry_initial = 0.2\n'
                    'poll_interval = 0.2\n\n'
                    '[listmonk]\nurl = "http://127.0.0.1:%d"\nusername = "bounce-milter"\ntoken = "secret-token"\n'
                    % (os.path.join(tmp, "outbox.sqlite"), lm_port))
        gen = os.path.join(HERE, "gen_bounces.py")
        subprocess.run([sys.executable, gen, "--count", "50", "--parts", "1", "--out", os.path.join(tmp, "a"),
                        "--refuse-every", "10"], check=True, timeout=60)
        mbox = os.path.join(tmp, "a", "out-1.mbox")
        admin = [outbox, "-c", conf]

        rc, out, err = run(admin + ["health"])
        assert rc == 2 and "no outbox" in err, (rc, out, err)

        # 1. Five of fifty refused: the backfill reports them and exits 1.
        listmonk_admin(lm_port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})
        rc, out, err = run([parse, "--forward", "-c", conf, "--no-progress", mbox])
        assert rc == 1, (rc, out, err)
        assert "delivered:    45" in out and "dead:         5" in out, out
        assert "bounce-outbox" in err, err  # tells the operator where to look

        rc, out, _ = run(admin + ["health"])
        assert rc == 1 and "unhealthy" in out, out
        rc, out, _ = run(admin + ["--json", "list", "--dead"])
        dead = [json.loads(line) for line in out.splitlines()]
        assert rc == 0 and len(dead) == 5, out
        assert all(d["state"] == "dead" and "Invalid email." in d["last_error"] for d in dead), dead
        assert all(d["body"]["email"].startswith("refuse-") for d in dead), dead
        rc, out, _ = run(admin + ["show", str(dead[0]["id"])])
        assert rc == 0 and "sink listmonk: dead after 1 attempt" in out and "last error: listmonk HTTP 400" in out, out
        assert dead[0]["body"]["email"] in out, out
        rc, _, err = run(admin + ["show", "999999"])
        assert rc == 1 and "no event" in err

        # 2. listmonk fixed: requeue, and the next run (same corpus: 0 new events) delivers them.
        listmonk_admin(lm_port, "/__admin", {"mode": "normal"})
        rc, out, _ = run(admin + ["requeue", "--all-dead"])
        assert rc == 0 and "requeued 5" in out, out
        rc, out, err = run([parse, "--forward", "-c", conf, "--no-progress", mbox])
        assert rc == 0, (rc, out, err)
        assert "new events:   0 (50 already in the outbox)" in out and "delivered:    5" in out, out
        rc, out, _ = run(admin + ["health"])
        assert rc == 0 and "healthy" in out, out
        emails = [bounce["email"] for bounce in complete_json_lines(record)]
        assert len(emails) == 50 == len(set(emails)), "listmonk got %d (%d distinct)" % (len(emails), len(set(emails)))

        # 3. Purge: dead letters of a second mailbox, removed.
        subprocess.run([sys.executable, gen, "--count", "3", "--parts", "1", "--seed", "2", "--out",
                        os.path.join(tmp, "b"), "--refuse-every", "1"], check=True, timeout=60)
        listmonk_admin(lm_port, "/__admin", {"mode": "reject400", "pattern": "refuse-"})
        rc, out, _ = run([parse, "--forward", "-c", conf, "--no-progress", os.path.join(tmp, "b", "out-1.mbox")])
        assert rc == 1 and "dead:         3" in out, out
        rc, out, _ = run(admin + ["purge", "--dead"])
        assert rc == 0 and "purged 3" in out, out
        rc, out, _ = run(admin + ["--json", "health"])
        h = json.loads(out)
        assert rc == 0 and h["healthy"] and h["sinks"][0]["dead"] == 0 and h["sinks"][0]["delivered"] == 50, out

        # 4. Live: admin commands while a backfill is delivering slowly (listmonk answers in 20 ms).
        listmonk_admin(lm_port, "/__admin", {"mode": "delay", "seconds": 0.02})
        subprocess.run([sys.executable, gen, "--count", "150", "--parts", "1", "--seed", "3", "--out",
                        os.path.join(tmp, "c")], check=True, timeout=60)
        live = subprocess.Popen([parse, "--forward", "-c", conf, "--no-progress", os.path.join(tmp, "c", "out-1.mbox")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen_pending = 0
        deadline = time.monotonic() + 60
        while live.poll() is None and time.monotonic() < deadline:
            rc, out, err = run(admin + ["--json", "health", "--max-age", "600"])
            assert rc in (0, 1) and not err, (rc, out, err)
            seen_pending = max(seen_pending, json.loads(out)["sinks"][0]["pending"] if json.loads(out)["sinks"] else 0)
            rc, out, err = run(admin + ["list", "--limit", "5"])
            assert rc == 0 and not err, (rc, out, err)
            time.sleep(0.05)
        out, err = live.communicate(timeout=60)
        assert live.returncode == 0, (out, err)
        assert seen_pending > 0, "the admin tool never saw the outbox mid-delivery"

        # 5. listmonk down: --timeout ends the wait with exit 1, the events stay pending, the next run
        #    (nothing new to enqueue) delivers them.
        subprocess.run([sys.executable, gen, "--count", "5", "--parts", "1", "--seed", "4", "--out",
                        os.path.join(tmp, "d")], check=True, timeout=60)
        listmonk_admin(lm_port, "/__admin", {"mode": "down"})
        started = time.monotonic()
        rc, out, err = run([parse, "--forward", "-c", conf, "--no-progress", "--timeout", "2",
                            os.path.join(tmp, "d", "out-1.mbox")])
        assert rc == 1 and "--timeout reached with 5 deliveries pending" in err, (rc, out, err)
        assert time.monotonic() - started < 15
        rc, out, _ = run(admin + ["--json", "list"])
        pending = [json.loads(line) for line in out.splitlines()]
        # The worker pauses the whole sink after a failure, so not every event has been tried yet.
        assert len(pending) == 5 and any("HTTP 503" in p["last_error"] for p in pending), out
        listmonk_admin(lm_port, "/__admin", {"mode": "normal"})
        rc, out, err = run([parse, "--forward", "-c", conf, "--no-progress", os.path.join(tmp, "d", "out-1.mbox")])
        assert rc == 0 and "new events:   0" in out and "delivered:    5" in out, (rc, out, err)

        # 6. Bounces an outsider could have written (no subscriber UUID): held, never forwarded; listed,
        #    shown, one released by the operator (then delivered), the rest purged.
        subprocess.run([sys.executable, gen, "--count", "3", "--parts", "1", "--seed", "5", "--without-uuid", "--out",
                        os.path.join(tmp, "e")], check=True, timeout=60)
        with open(record) as f:
            before = sum(1 for _ in f)
        rc, out, err = run([parse, "--forward", "-c", conf, "--no-progress", os.path.join(tmp, "e", "out-1.mbox")])
        assert rc == 0 and "new events:   0" in out and "held:         3 unattributed events (3 reports)" in out, \
            (rc, out, err)
        rc, out, _ = run(admin + ["--json", "list", "--unattributed"])
        held = [json.loads(line) for line in out.splitlines()]
        assert rc == 0 and len(held) == 3 and all(h["reason"] == "unattributed" for h in held), out
        rc, out, _ = run(admin + ["list", "--held"])
        assert rc == 0 and held[0]["events"][0]["email"] in out, out
        rc, out, _ = run(admin + ["show-held", str(held[0]["id"])])
        assert rc == 0 and "no subscriber UUID" in out and held[0]["events"][0]["email"] in out, out
        rc, out, _ = run(admin + ["health"])
        assert rc == 0 and "held:     3 unattributed, 0 suspect" in out, out
        rc, out, _ = run(admin + ["release", str(held[0]["id"])])
        assert rc == 0 and "1 events enqueued" in out, out
        rc, out, err = run([parse, "--forward", "-c", conf, "--no-progress", os.path.join(tmp, "e", "out-1.mbox")])
        assert rc == 0, (rc, out, err)  # waits until the released event is delivered
        with open(record) as f:
            emails = [json.loads(line)["email"] for line in f][before:]
        assert emails == [held[0]["events"][0]["email"]], emails
        rc, out, _ = run(admin + ["purge", "--all-held"])
        assert rc == 0 and "purged 2 held reports" in out, out  # the released one is not held again
        rc, out, _ = run(admin + ["--json", "health"])
        assert json.loads(out)["held"] == {"suspect": 0, "unattributed": 0}, out

        print("PASS: dead letters listed, shown, requeued and delivered, purged; live outbox readable "
              "(up to %d pending seen); --timeout keeps undelivered events for the next run" % seen_pending)
        return 0
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
