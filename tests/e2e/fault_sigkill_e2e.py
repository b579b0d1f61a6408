#!/usr/bin/env python3
"""Fault injection: bounce-milter is SIGKILLed in the middle of a burst of bounces and restarted.

A private Postfix instance (e2e_support.PrivatePostfix, milter_default_action = tempfail) hands every
bounce to bounce-milter (unprivileged, [milter] user). Six parallel SMTP clients send N distinct bounces
and retry every 4xx and every attempt that got no reply (retrying_sender.py). Once a third is accepted,
the milter gets SIGKILL (no cleanup, as after an OOM kill); after a short pause it is started again on
the same outbox. The fake listmonk answers 500 until then, so the killed milter leaves its events
pending and the restarted one must deliver them.

Asserted, by counting:
  - the kill hit: Postfix answered some attempts 4xx (milter gone) after it;
  - every bounce Postfix answered 250 for before the kill is in the outbox right after the kill;
  - every retried one was captured after the restart; in the end the outbox holds exactly N events
    (one per bounce: a bounce stored just before the kill and then retried is absorbed by the
    outbox's deduplication), and PRAGMA integrity_check is ok;
  - the restarted milter delivers all N to listmonk, each exactly once; nothing stays pending; the
    Postfix queue is empty.

Needs root (Postfix) and the postfix package. Usage: fault_sigkill_e2e.py --build BUILD_DIR [--count N]
"""

import argparse
import collections
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import PrivatePostfix, Processes, listmonk_admin, start_fake_listmonk, wait_for, log, preflight  # noqa: E402
from gen_bounces import bounces  # noqa: E402
from milter_process import MilterProcess, OutboxView  # noqa: E402
from retrying_sender import Message, RetryingSender, as_smtp_data  # noqa: E402

DOMAIN = "lists.example.com"
CONNECTIONS = 6
LOST_REPLIES = 3        # bounces stored by the milter that is killed, whose client never saw the 250
PAUSE_AFTER_KILL = 1.5  # seconds without a milter; Postfix must tempfail meanwhile
LEASE_SECONDS = 120     # the outbox lease of a delivery claimed by a worker that died (dispatcher_options)


T0 = time.monotonic()


def log(msg):
    print("[%5.1f s] %s" % (time.monotonic() - T0, msg), flush=True)


def exactly_once(name, values, expected):
    c = collections.Counter(values)
    lost = [k for k in expected if c[k] == 0]
    doubled = {k: n for k, n in c.items() if n > 1}
    foreign = [k for k in c if k not in expected]
    if lost or doubled or foreign:
        raise AssertionError("%s: %d of %d expected events; lost %d (e.g. %s), duplicated %s, unexpected %s"
                             % (name, len(c), len(expected), len(lost), lost[:3], dict(list(doubled.items())[:3]),
                                foreign[:3]))


def run(build, tmp, count):
    procs = Processes()
    postfix = None
    milter = None
    try:
        lm_port, _ = start_fake_listmonk(procs, tmp, user="bounce-milter", token="kill-token")
        # 500s, as from a listmonk that crashed or restarts behind a proxy (a 503 would mean its bounce
        # processing is switched off, a configuration problem retried only every 30 s).
        listmonk_admin(lm_port, "/__admin", {"mode": "error500"})
        milter = MilterProcess(os.path.join(build, "bounce-milter"), os.path.join(tmp, "state"), DOMAIN, """
[listmonk]
url = "http://127.0.0.1:%d"
username = "bounce-milter"
token = "kill-token"
""" % lm_port).start()
        postfix = PrivatePostfix(os.path.join(tmp, "postfix"), DOMAIN, milter.socket_path)
        postfix.start()
        log("Postfix listens on port %d, bounce-milter (pid %d) runs as %s" % (postfix.port, milter.pid, milter.user))
        outbox = OutboxView(milter.outbox)

        messages = [Message(rcpt, "", ["bounces@%s" % DOMAIN], as_smtp_data(text))
                    for rcpt, text in bounces(count, seed=11)]
        expected = [m.key for m in messages]
        # A few clients lose the reply to their final dot: the milter stores the bounce, the client holds it
        # and sends it again only to the restarted milter, whose outbox must recognise it.
        lose_reply_of = expected[5:5 + LOST_REPLIES]
        started = time.monotonic()
        sender = RetryingSender(postfix.port, messages, connections=CONNECTIONS, retry_delay=0.3,
                                deadline=120, lose_reply_of=lose_reply_of).start()
        wait_for(lambda: len(sender.accepted()) >= count // 3 or sender.done(), 60, "a third of the burst accepted")
        wait_for(lambda: len(sender.held_keys()) == LOST_REPLIES and
                 set(lose_reply_of) <= set(outbox.emails()), 30, "the bounces with lost replies to be stored")
        killed_pid = milter.pid
        rc = milter.kill()
        killed_at = time.monotonic()
        accepted_before_kill = {m.key for m in sender.accepted()}
        if len(accepted_before_kill) >= count:
            raise AssertionError("the whole burst was accepted before the kill; nothing to test")
        log("killed bounce-milter (pid %d, exit %s) after %d of %d bounces were accepted"
            % (killed_pid, rc, len(accepted_before_kill), count))

        # Right after the kill, before anything could be retried: each bounce answered 250 is durable.
        stored = collections.Counter(outbox.emails())
        missing = [k for k in accepted_before_kill if stored[k] == 0]
        if missing:
            raise AssertionError("%d bounces were answered 250 before the kill but are not in the outbox: %s"
                                 % (len(missing), missing[:3]))
        extra = sum(1 for k in stored if k not in accepted_before_kill)
        log("ok 1 - all %d bounces answered 250 before the kill are in the outbox (plus %d stored whose 250 "
            "never reached the client)" % (len(accepted_before_kill), extra))

        time.sleep(PAUSE_AFTER_KILL)
        tempfails_while_down = sender.tempfails() + sender.unknown_outcomes() - LOST_REPLIES
        log_before_restart = len(milter.log_text())
        milter.start()
        sender.release_held()
        sender.wait()
        if tempfails_while_down == 0:
            raise AssertionError("no client saw a 4xx or a lost reply: the kill did not hit the burst")
        retried = [m for m in messages if m.tempfails or m.unknown]
        log("ok 2 - restarted after %.1f s; %d tempfails and %d lost replies seen, %d bounces retried until "
            "accepted; burst done in %.1f s" % (time.monotonic() - killed_at, sender.tempfails(),
                                                 sender.unknown_outcomes(), len(retried), time.monotonic() - started))

        exactly_once("outbox", outbox.emails(), expected)
        integrity = outbox.integrity()
        if integrity != ["ok"]:
            raise AssertionError("outbox integrity_check after SIGKILL: %s" % integrity)
        def duplicates_logged():
            return sum(int(n) for n in re.findall(r"duplicates=(\d+)", milter.log_text()[log_before_restart:]))
        # The log reaches its file through a copying thread, a moment after the outbox answered.
        try:
            wait_for(lambda: duplicates_logged() >= LOST_REPLIES, 15, "the restarted milter's duplicates= lines")
        except AssertionError:
            pass  # reported below with the count the log holds
        duplicates = duplicates_logged()
        if duplicates < LOST_REPLIES:
            raise AssertionError("the restarted milter recognised %d duplicates; the %d bounces whose reply was "
                                 "lost before the kill were sent again" % (duplicates, LOST_REPLIES))
        log("ok 3 - the outbox holds exactly %d events, one per bounce; the restarted milter absorbed %d "
            "retried copies of bounces the killed one had stored; integrity_check ok" % (count, duplicates))

        # The restarted milter delivers what the killed one left pending.
        leased = outbox.leased_beyond(30)
        listmonk_admin(lm_port, "/__admin", {"mode": "normal"})
        wait_for(lambda: len(listmonk_admin(lm_port, "/__admin/bounces")) >= count,
                 60 + (LEASE_SECONDS if leased else 0), "listmonk to receive every event")
        time.sleep(1.0)  # a duplicate would arrive now
        exactly_once("listmonk", [b["email"] for b in listmonk_admin(lm_port, "/__admin/bounces")], expected)
        wait_for(lambda: outbox.delivery_states() == {"delivered": count}, 30, "every delivery marked delivered")
        if not postfix.queue_empty():
            raise AssertionError("mail left in the Postfix queue")
        rc = milter.stop()
        if rc != 0:
            raise AssertionError("the restarted bounce-milter exited with %s on SIGTERM" % rc)
        log("ok 4 - the restarted milter delivered all %d events to listmonk, each exactly once%s; "
            "Postfix queue empty" % (count, " (%d waited for their lease)" % leased if leased else ""))
    except BaseException:
        if milter is not None:
            log("----- milter log (last 60 lines)\n" + milter.log_tail())
        if postfix is not None:
            log("----- maillog (last 30 lines)\n" + "\n".join(postfix.maillog_text().splitlines()[-30:]))
        raise
    finally:
        if milter is not None:
            milter.stop()
        if postfix is not None:
            postfix.stop()
        procs.stop_all()
        log("stopped everything")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--count", type=int, default=300)
    args = ap.parse_args()
    status = preflight("private Postfix instance", ("postfix", "postconf", "script"))
    if status is not None:
        return status

    tmp = tempfile.mkdtemp(prefix="bm-fault-kill-")
    os.chmod(tmp, 0o755)  # the postfix and milter users must traverse it
    started = time.monotonic()
    try:
        run(os.path.abspath(args.build), tmp, args.count)
        log("all SIGKILL checks passed in %.1f s" % (time.monotonic() - started))
        return 0
    except (Exception, SystemExit) as e:  # noqa: BLE001 - report any failure
        log("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
