#!/usr/bin/env python3
"""Fault injection: the outbox becomes unwritable, then full, while bounces stream in through Postfix.

A private Postfix instance (e2e_support.PrivatePostfix) hands every bounce to bounce-milter, which runs
as an unprivileged user (its [milter] user option) with the fake listmonk and a JSON Lines file as
sinks. Four parallel SMTP clients play the sending MTAs and retry every 4xx (retrying_sender.py).
In the middle of each burst the outbox stops taking writes:

  A. unwritable: the outbox database and its WAL get the immutable attribute (chattr +i). Unlike a
     chmod, which only affects later open() calls, this refuses writes through the descriptors the
     milter already holds, and it binds root too. Every write fails with EPERM.
  B. full: the milter's file-size limit (RLIMIT_FSIZE) drops to 0 while it runs, so every write that
     would extend a file fails with EFBIG, as on a full disk. The kernel also sends SIGXFSZ, which
     kills a process that does not ignore it.

Expected, and counted: the milter answers 451 4.3.0 at end of message for each bounce it could not
store and logs one "outbox failed" error per such bounce; the clients see exactly those 4xx and retry;
after the fault is removed the retries succeed; every accepted bounce is in the outbox; the milter
never dies; in the end every bounce is exactly once in the outbox, in listmonk and in the file.

Needs root (Postfix, chattr), the postfix package and setpriv/prlimit (util-linux). Part A needs a
temp file system with the immutable attribute (ext4, xfs, btrfs; tmpfs from Linux 6.0) and is skipped,
saying so, without it.
Usage: fault_outbox_e2e.py --build BUILD_DIR
"""

import argparse
import collections
import os
import pwd
import re
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import PrivatePostfix, complete_json_lines, Processes, listmonk_admin, start_fake_listmonk, wait_for, log, preflight  # noqa: E402
from gen_bounces import bounces  # noqa: E402
from milter_process import MilterProcess, OutboxView  # noqa: E402
from retrying_sender import Message, RetryingSender, as_smtp_data  # noqa: E402

DOMAIN = "lists.example.com"
PER_PHASE = 60
CONNECTIONS = 4
ACCEPTED_BEFORE_FAULT = 10   # the fault hits a burst already flowing
TEMPFAILS_DURING_FAULT = 8   # the fault is lifted once this many 4xx were seen (proof it hit)


T0 = time.monotonic()


def log(msg):
    print("[%5.1f s] %s" % (time.monotonic() - T0, msg), flush=True)


def counted(values):
    return collections.Counter(values)


def check_exactly_once(name, values, expected):
    c = counted(values)
    lost = [k for k in expected if c[k] == 0]
    doubled = {k: n for k, n in c.items() if n > 1}
    foreign = [k for k in c if k not in expected]
    if lost or doubled or foreign:
        raise AssertionError("%s: %d of %d expected events; lost %d (e.g. %s), duplicated %s, unexpected %s"
                             % (name, len(c), len(expected), len(lost), lost[:3], dict(list(doubled.items())[:3]),
                                foreign[:3]))


def file_emails(path):
    return [event["email"] for event in complete_json_lines(path)]


class Immutable:
    """chattr +i on the given files for the duration of a `with` block."""

    def __init__(self, paths):
        self.paths = [p for p in paths if os.path.exists(p)]

    def __enter__(self):
        subprocess.run(["chattr", "+i"] + self.paths, check=True, capture_output=True, timeout=10)
        return self

    def __exit__(self, *exc):
        subprocess.run(["chattr", "-i"] + self.paths, check=True, capture_output=True, timeout=10)


def run_phase(name, postfix, milter, outbox, messages, inject, remove, while_failing=lambda: None):
    """Sends `messages`, injects the fault once ACCEPTED_BEFORE_FAULT were accepted, removes it once
    TEMPFAILS_DURING_FAULT 4xx were seen (and `while_failing` returned), then waits until every message
    is accepted."""
    started = time.monotonic()
    sender = RetryingSender(postfix.port, messages, connections=CONNECTIONS, retry_delay=0.3,
                            deadline=90).start()
    wait_for(lambda: len(sender.accepted()) >= ACCEPTED_BEFORE_FAULT or sender.done(), 60,
             "%d bounces accepted before the fault" % ACCEPTED_BEFORE_FAULT)
    before = {m.key for m in sender.accepted()}
    inject()
    try:
        wait_for(lambda: sender.tempfails() >= TEMPFAILS_DURING_FAULT or sender.done(), 60,
                 "%d tempfails while the outbox is failing" % TEMPFAILS_DURING_FAULT)
        while_failing()
        accepted_during = {m.key for m in sender.accepted()} - before
    finally:
        remove()
    sender.wait()
    tempfails = sender.tempfails()
    if tempfails < TEMPFAILS_DURING_FAULT:
        raise AssertionError("%s: the fault produced only %d tempfails" % (name, tempfails))
    if not milter.alive():
        raise AssertionError("%s: bounce-milter died (exit %s)" % (name, milter.proc.returncode))
    stored = set(outbox.emails())
    missing = [m.key for m in sender.accepted() if m.key not in stored]
    if missing:
        raise AssertionError("%s: %d bounces were answered 250 but are not in the outbox: %s"
                             % (name, len(missing), missing[:3]))
    # Accepted while the fault was on: only bounces whose commit had finished before it hit.
    other_codes = {code for m in messages for code, text in m.attempts
                   if code != 250 and not (code == 451 and "4.3.0" in text)}
    if other_codes:
        raise AssertionError("%s: replies other than 250 and 451 4.3.0: %s" % (name, other_codes))
    log("ok - %s: %d bounces accepted (%d before the fault, %d during it), %d tempfails (451 4.3.0) retried, "
        "%d attempts in all, %.1f s" % (name, len(messages), len(before), len(accepted_during), tempfails,
                                        sum(len(m.attempts) for m in messages), time.monotonic() - started))
    return tempfails


def postfix_own_bounce_is_delivered(postfix, milter):
    """Postfix's own bounce (a VERP sender's mail to dead.example fails) reaches the milter through
    non_smtpd_milters while the outbox is failing. It must not be tempfailed (Postfix would keep it as
    a configuration error): the milter accepts it, and Postfix delivers it to the bounce mailbox
    instead of discarding it, so nothing is lost. Returns the bounce's queue id."""
    subscriber = str(uuid.uuid4())
    with smtplib.SMTP("127.0.0.1", postfix.port, timeout=30) as s:
        s.sendmail("bounces+%s@%s" % (subscriber, DOMAIN), ["user@dead.example"],
                   ("From: news@%s\r\nTo: user@dead.example\r\nSubject: campaign\r\n"
                    "X-Listmonk-Subscriber: %s\r\n\r\nHello.\r\n" % (DOMAIN, subscriber)).encode())
    notice = wait_for(lambda: re.search(r"sender non-delivery notification: ([0-9A-F]+)", postfix.maillog_text()),
                      30, "Postfix to bounce the mail to dead.example")
    bounce_qid = notice.group(1)
    wait_for(lambda: any(" %s: " % bounce_qid in l and "status=sent" in l
                         for l in postfix.maillog_text().splitlines()), 30,
             "Postfix's own bounce %s to be delivered to the bounce mailbox" % bounce_qid)
    if any(" %s: " % bounce_qid in l and "milter-discard" in l for l in postfix.maillog_text().splitlines()):
        raise AssertionError("Postfix's own bounce %s was discarded although the outbox could not store it"
                             % bounce_qid)
    # Postfix may deliver before the milter's log line reaches the file (it is written after the verdict
    # went back, and a sanitized milter is slow): wait for the line, then check there is exactly one.
    def accepted_lines():
        return [l for l in milter.log_text().splitlines() if "outbox failed" in l and "internal=yes" in l]
    try:
        wait_for(accepted_lines, 15, "the milter's 'outbox failed ... internal=yes' log line")
    except AssertionError:
        pass  # reported below with what the log holds
    accepted = accepted_lines()
    if len(accepted) != 1 or "action=accept" not in accepted[0]:
        raise AssertionError("expected one 'outbox failed ... action=accept internal=yes' line, got %s" % accepted)
    log("ok - Postfix's own bounce %s met the failing outbox: accepted (not tempfailed) and delivered to the "
        "bounce mailbox" % bounce_qid)


def unwritable_at_start(postfix, milter, message):
    """C: the outbox file no longer belongs to the milter's user (say, an operator's tool ran as root and
    recreated it). The milter must refuse to start with a clear error rather than run without storage;
    Postfix then tempfails (milter_default_action); after the ownership is fixed the retry is stored."""
    rc = milter.stop()
    if rc != 0:
        raise AssertionError("bounce-milter exited with %s on SIGTERM" % rc)
    os.chown(milter.outbox, 0, 0)
    os.chmod(milter.outbox, 0o644)
    rc, output = milter.start_expecting_refusal()
    refusal = [l for l in output.splitlines() if "fatal" in l and milter.outbox in l]
    if rc == 0 or not refusal:
        raise AssertionError("with a read-only outbox bounce-milter exited %s and logged: %s" % (rc, output))
    sender = RetryingSender(postfix.port, [message], connections=1, retry_delay=0.3, deadline=60).start()
    wait_for(lambda: message.tempfails > 0, 30, "Postfix to tempfail while the milter is down")
    user = pwd.getpwnam(milter.user)
    os.chown(milter.outbox, user.pw_uid, user.pw_gid)
    milter.start()
    sender.wait()
    log("ok - C outbox read-only at start: the milter refused to run (exit %d: %s); Postfix answered %s; "
        "after the fix the retry was accepted" % (rc, refusal[0].split("fatal: ", 1)[-1].strip(),
                                                  message.attempts[0][1].strip()))


def run(build, tmp, immutable_supported):
    procs = Processes()
    postfix = None
    milter = None
    try:
        lm_port, lm_record = start_fake_listmonk(procs, tmp, user="bounce-milter", token="fault-token")
        events_file = os.path.join(tmp, "state", "events.jsonl")
        milter = MilterProcess(os.path.join(build, "bounce-milter"), os.path.join(tmp, "state"), DOMAIN, """
[listmonk]
url = "http://127.0.0.1:%d"
username = "bounce-milter"
token = "fault-token"

[file]
path = "%s"
""" % (lm_port, events_file)).start()
        postfix = PrivatePostfix(os.path.join(tmp, "postfix"), DOMAIN, milter.socket_path)
        postfix.start()
        log("Postfix listens on port %d, bounce-milter (pid %d) runs as %s" % (postfix.port, milter.pid, milter.user))
        outbox = OutboxView(milter.outbox)

        all_bounces = bounces(2 * PER_PHASE + 1, seed=7)
        messages = [Message(rcpt, "", ["bounces@%s" % DOMAIN], as_smtp_data(text)) for rcpt, text in all_bounces]
        phase_a, phase_b, phase_c = messages[:PER_PHASE], messages[PER_PHASE:2 * PER_PHASE], messages[2 * PER_PHASE]
        tempfails = 0
        if immutable_supported:
            immutable = Immutable([milter.outbox, milter.outbox + "-wal"])
            tempfails += run_phase("A unwritable (chattr +i on the outbox and its WAL)", postfix, milter, outbox,
                                   phase_a, immutable.__enter__, lambda: immutable.__exit__(None, None, None))
        else:
            log("skip - A unwritable: the temp file system has no immutable attribute (chattr +i failed)")
            messages = messages[PER_PHASE:]
        expected = [m.key for m in messages]
        tempfails += run_phase("B full (RLIMIT_FSIZE 0 on the running milter: EFBIG and SIGXFSZ)", postfix, milter,
                               outbox, phase_b, lambda: milter.set_file_size_limit(0),
                               lambda: milter.set_file_size_limit(None),
                               while_failing=lambda: postfix_own_bounce_is_delivered(postfix, milter))

        # One error line per bounce the milter could not store, and no other refusal. The log reaches its
        # file through a copying thread, a moment after the client saw the 451: wait for the count first.
        def failed_lines_now():
            return [l for l in milter.log_text().splitlines() if "outbox failed" in l and "action=tempfail" in l]
        try:
            wait_for(lambda: len(failed_lines_now()) >= tempfails, 15, "%d 'outbox failed' log lines" % tempfails)
        except AssertionError:
            pass  # reported below with the count the log holds
        failed_lines = failed_lines_now()
        if len(failed_lines) != tempfails:
            raise AssertionError("the clients saw %d tempfails but the milter logged %d 'outbox failed' errors"
                                 % (tempfails, len(failed_lines)))
        log("ok - the milter logged %d 'outbox failed' errors, one per tempfail, e.g.: %s"
            % (len(failed_lines), failed_lines[0].strip()))

        unwritable_at_start(postfix, milter, phase_c)

        check_exactly_once("outbox", outbox.emails(), expected)
        try:
            wait_for(lambda: len(listmonk_admin(lm_port, "/__admin/bounces")) >= len(expected) and
                     len(file_emails(events_file)) >= len(expected), 60, "every event in listmonk and the file")
        except AssertionError as e:
            raise AssertionError("%s: listmonk has %d, the file %d, the outbox's deliveries are %s"
                                 % (e, len(listmonk_admin(lm_port, "/__admin/bounces")), len(file_emails(events_file)),
                                    outbox.delivery_states_by_sink()))
        time.sleep(1.0)  # a duplicate would arrive now
        check_exactly_once("listmonk", [b["email"] for b in listmonk_admin(lm_port, "/__admin/bounces")], expected)
        check_exactly_once("file", file_emails(events_file), expected)
        integrity = outbox.integrity()
        if integrity != ["ok"]:
            raise AssertionError("outbox integrity_check: %s" % integrity)
        if not postfix.queue_empty():
            raise AssertionError("mail left in the Postfix queue")
        rc = milter.stop()
        if rc != 0:
            raise AssertionError("bounce-milter exited with %s on SIGTERM" % rc)
        log("ok - %d bounces, %d tempfailed and retried: each exactly once in the outbox, listmonk and the file; "
            "integrity_check ok; Postfix queue empty" % (len(expected), tempfails))
    except BaseException:
        if milter is not None:
            log("----- milter log (last 60 lines)\n" + milter.log_tail())
        if postfix is not None:
            log("----- maillog (last 30 lines)\n" + "\n".join(postfix.maillog_text().splitlines()[-30:]))
        raise
    finally:
        if milter is not None:
            # Never leave an immutable file behind: the temp dir could not be removed.
            subprocess.run(["chattr", "-i", milter.outbox, milter.outbox + "-wal"], capture_output=True)
            milter.stop()
        if postfix is not None:
            postfix.stop()
        procs.stop_all()
        log("stopped everything")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    status = preflight("private Postfix instance, chattr", ("postfix", "postconf", "script", "chattr", "setpriv", "prlimit"))
    if status is not None:
        return status

    tmp = tempfile.mkdtemp(prefix="bm-fault-outbox-")
    os.chmod(tmp, 0o755)  # the postfix and milter users must traverse it
    probe = os.path.join(tmp, "immutable-probe")
    open(probe, "w").close()
    immutable_supported = subprocess.run(["chattr", "+i", probe], capture_output=True).returncode == 0
    subprocess.run(["chattr", "-i", probe], capture_output=True)
    started = time.monotonic()
    try:
        run(os.path.abspath(args.build), tmp, immutable_supported)
        log("all outbox fault checks passed in %.1f s" % (time.monotonic() - started))
        return 0
    except (Exception, SystemExit) as e:  # noqa: BLE001 - report any failure
        log("FAIL: %s: %s" % (type(e).__name__, e))
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
