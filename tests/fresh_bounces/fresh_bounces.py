#!/usr/bin/env python3
"""Fresh bounces from real MTAs, ground truth by construction (issue 13 item 5b).

A scripted SMTP receiver on loopback answers each recipient with one documented real-world reply
(replies.py: Gmail, Microsoft 365, Yahoo, iCloud, GMX, Orange, Mail.ru, Yandex, Zoho, QQ, Proofpoint,
Mimecast, DNSBLs, content filters, full mailboxes, unknown users, unknown domains, a silent MX). Real MTAs
from Debian packages (a private Postfix; Exim from its .deb, unpacked under the build tree) relay one
listmonk-like campaign message per reply to it, write the DSNs themselves and send them back to the
bounce address, where the receiver keeps them. bounce-parse reads every DSN and its verdict is compared
with what the reply was built to mean: recipient, reason, type, subscriber UUID.

Prints a table per MTA and per reply, the onhold/undefined share and every reply the parser got wrong.
Exit 1 on any missed recipient or false event (an event for an address that did not fail), or when reason
or type accuracy falls below --reason-floor/--type-floor; 77 when no MTA could be run.
"""
import argparse
import collections
import json
import os
import random
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from replies import REPLIES  # noqa: E402
from scripted_smtp import ScriptedServer, SilentServer  # noqa: E402

BOUNCE_ADDRESS = "bounces@lists.example.com"
SILENT_DOMAIN = "slow-mx.example"
SENDER_IP = "192.0.2.25"  # what the scripted receivers quote as the client IP (TEST-NET-1)
UNSURE = ("onhold", "undefined")


class Case:
    def __init__(self, reply, rng):
        self.reply = reply
        # Opaque local parts: nothing in an address may hint at the verdict.
        self.recipient = "u%08x@%s" % (rng.getrandbits(32), reply.domain)
        self.subscriber = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.campaign = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.token = "%016x" % rng.getrandbits(64)

    def reply_lines(self):
        return [line.format(rcpt=self.recipient, ip=SENDER_IP, id=self.token) for line in self.reply.lines]

    def message(self):
        return ("From: Example Newsletter <news@lists.example.com>\n"
                "To: <%s>\n"
                "Subject: December issue\n"
                "Date: Mon, 07 Dec 2026 08:00:00 +0000\n"
                "Message-ID: <%s@lists.example.com>\n"
                "MIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "X-Listmonk-Subscriber: %s\n"
                "X-Listmonk-Campaign: %s\n"
                "List-Unsubscribe: <https://lists.example.com/subscription/%s/%s>\n"
                "\n"
                "Hello,\n\nthis month's news.\n" % (self.recipient, self.token, self.subscriber, self.campaign,
                                                    self.campaign, self.subscriber)).encode()


def plan_for(cases):
    return {c.recipient: (c.reply.stage, c.reply_lines()) for c in cases if c.reply.stage in ("RCPT", "DATA")}


def wait_for_captures(server, expected, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(server.captured()) >= expected:
            return True
        time.sleep(0.2)
    return False


def run_postfix(cases, work, timeout_s):
    from e2e_support import PrivatePostfix  # noqa: E402
    if shutil.which("postfix") is None or os.geteuid() != 0:
        return None, "postfix not installed or not root"
    server = ScriptedServer(plan_for(cases), BOUNCE_ADDRESS, os.path.join(work, "captured"))
    silent = SilentServer()
    root = os.path.join(work, "postfix")
    os.makedirs(root)
    os.chmod(work, 0o755)
    settings = {
        "mydestination": "mx-postfix.test.local",
        "relay_domains": "",
        "default_transport": "smtp:[127.0.0.1]:%d" % server.port,
        "relay_transport": "smtp:[127.0.0.1]:%d" % server.port,
        "transport_maps": "inline:{ %s=smtp:[127.0.0.1]:%d }" % (SILENT_DOMAIN, silent.port),
        # Give up after the first attempt, so temporary replies and the silent MX end in a bounce now.
        "maximal_queue_lifetime": "0",
        "bounce_queue_lifetime": "0",
        "queue_run_delay": "1s",
        "minimal_backoff_time": "1s",
        "maximal_backoff_time": "2s",
        "smtp_connect_timeout": "%ds" % timeout_s,
        "smtp_helo_timeout": "%ds" % timeout_s,
        "smtp_tls_security_level": "none",
        "smtp_dns_support_level": "disabled",
        "delay_warning_time": "0h",
    }
    pf = PrivatePostfix(root, "mx-postfix.test.local", settings=settings, hostname="mx-postfix.test.local")
    try:
        pf.start()
        with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as smtp:
            for c in cases:
                smtp.sendmail(BOUNCE_ADDRESS, [c.recipient], c.message().replace(b"\n", b"\r\n"))
        done = wait_for_captures(server, len(cases), 60 + 2 * timeout_s)
        note = "" if done else "only %d of %d DSNs arrived; maillog tail:\n%s" % (
            len(server.captured()), len(cases), pf.maillog_text()[-3000:])
        return server.captured(), note
    finally:
        pf.stop()
        server.stop()
        silent.stop()


def run_exim(cases, work, kit_dir, timeout_s):
    from exim_kit import KitError, PrivateExim  # noqa: E402
    if os.geteuid() != 0:
        return None, "the Exim kit needs root (its spool is chowned to the exim user)"
    server = ScriptedServer(plan_for(cases), BOUNCE_ADDRESS, os.path.join(work, "captured"))
    silent = SilentServer()
    try:
        try:
            exim = PrivateExim(kit_dir, os.path.join(work, "exim"), server.port, SILENT_DOMAIN, silent.port,
                               timeout_s=timeout_s)
        except KitError as e:
            return None, str(e)
        for c in cases:
            exim.submit(BOUNCE_ADDRESS, c.recipient, c.message())
        done = wait_for_captures(server, len(cases), 30 + 2 * timeout_s)
        note = "" if done else "only %d of %d DSNs arrived; mainlog tail:\n%s\npaniclog:\n%s" % (
            len(server.captured()), len(cases), exim.mainlog()[-3000:], exim.paniclog()[-1000:])
        return server.captured(), note
    finally:
        server.stop()
        silent.stop()


def run_opensmtpd(cases, work, kit_dir):
    from deb_kit import KitError  # noqa: E402
    from e2e_support import free_port  # noqa: E402
    from opensmtpd_kit import PrivateOpenSMTPD  # noqa: E402
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None, "the OpenSMTPD kit needs root and unshare(1) (a private mount namespace)"
    server = ScriptedServer(plan_for(cases), BOUNCE_ADDRESS, os.path.join(work, "captured"))
    silent = SilentServer()
    smtpd = None
    try:
        try:
            smtpd = PrivateOpenSMTPD(kit_dir, os.path.join(work, "opensmtpd"), free_port(), server.port,
                                     SILENT_DOMAIN, silent.port)
        except KitError as e:
            return None, str(e)
        smtpd.start()
        with smtplib.SMTP("127.0.0.1", smtpd.port, timeout=30) as smtp:
            for c in cases:
                smtp.sendmail(BOUNCE_ADDRESS, [c.recipient], c.message().replace(b"\n", b"\r\n"))
        done = wait_for_captures(server, len(cases), 60)
        note = "" if done else "only %d of %d DSNs arrived; smtpd log tail:\n%s" % (
            len(server.captured()), len(cases), smtpd.log_text()[-3000:])
        return server.captured(), note
    finally:
        if smtpd:
            smtpd.stop()
        server.stop()
        silent.stop()


def run_sendmail(cases, work, build_dir):
    """Sendmail 8.17 from the e2e suite's kit (tests/e2e/sendmail_kit.py, issue 16), relaying to the receiver."""
    from sendmail_kit import KitError, PrivateSendmail, ensure_kit  # noqa: E402
    if os.geteuid() != 0:
        return None, "the Sendmail kit needs root"
    server = ScriptedServer(plan_for(cases), BOUNCE_ADDRESS, os.path.join(work, "captured"))
    sendmail = None
    try:
        try:
            kit = ensure_kit(build_dir)
            sendmail = PrivateSendmail(kit, os.path.join(work, "sendmail"), "mx-sendmail.test.local",
                                       smart_host_port=server.port)
            sendmail.start(os.path.join(work, "sendmail.log"))
        except KitError as e:
            return None, str(e)
        with smtplib.SMTP("127.0.0.1", sendmail.port, timeout=30) as smtp:
            for c in cases:
                smtp.sendmail(BOUNCE_ADDRESS, [c.recipient], c.message().replace(b"\n", b"\r\n"))
        done = wait_for_captures(server, len(cases), 60)
        note = "" if done else "only %d of %d DSNs arrived; SMTP trace tail:\n%s" % (
            len(server.captured()), len(cases), sendmail.trace_text()[-3000:])
        return server.captured(), note
    finally:
        if sendmail:
            sendmail.stop()
        server.stop()


def parse_all(bounce_parse, files):
    if not files:
        return {}
    r = subprocess.run([bounce_parse, *files], capture_output=True, text=True, timeout=300)
    return {obj["file"]: obj for obj in map(json.loads, r.stdout.splitlines())}


def grade(cases, files, parsed):
    """One result per case: the DSN that quotes its subscriber UUID, and the parser's events for it."""
    by_subscriber = {}
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        for c in cases:
            if c.subscriber.encode() in raw:
                by_subscriber.setdefault(c.subscriber, []).append(path)
    results = []
    for c in cases:
        paths = by_subscriber.get(c.subscriber, [])
        res = {"case": c, "dsn": paths[0] if paths else None, "dsns": len(paths), "event": None, "false": []}
        for path in paths:
            for e in parsed.get(path, {}).get("events", []):
                if e["recipient"] == c.recipient.lower():
                    res["event"] = res["event"] or e
                else:
                    res["false"].append(e["recipient"])
        results.append(res)
    return results


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def report(mta, results):
    n = len(results)
    got_dsn = sum(1 for r in results if r["dsn"])
    found = [r for r in results if r["event"]]
    reason_ok = sum(1 for r in found if r["event"]["reason"] in r["case"].reply.accepted_reasons())
    type_ok = sum(1 for r in found if r["event"]["type"] == r["case"].reply.type)
    uuid_ok = sum(1 for r in found if r["event"].get("subscriber_uuid") == r["case"].subscriber)
    unsure = sum(1 for r in found if r["event"]["reason"] in UNSURE)
    false = sum(len(r["false"]) for r in results)
    print("\n== %s: %d replies, %d DSNs captured" % (mta, n, got_dsn))
    print("%-30s %-22s %-14s %-14s %-5s %-5s %s" % ("reply", "receiver", "expected", "got", "type", "uuid",
                                                  "status"))
    for r in results:
        c, e = r["case"], r["event"]
        if e is None:
            got, tmark, umark, status = ("NO DSN" if not r["dsn"] else "MISSED"), "-", "-", "-"
        else:
            got = e["reason"]
            tmark = "ok" if e["type"] == c.reply.type else e["type"]
            umark = "ok" if e.get("subscriber_uuid") == c.subscriber else "no"
            status = e.get("status") or "-"
        mark = "" if e and e["reason"] in c.reply.accepted_reasons() and e["type"] == c.reply.type else "  <--"
        print("%-30s %-22s %-14s %-14s %-5s %-5s %s%s%s" % (
            c.reply.key, c.reply.receiver[:22], c.reply.reason, got, tmark, umark, status,
            "  false events: %s" % ",".join(r["false"]) if r["false"] else "", mark))
    summary = {"replies": n, "dsns": got_dsn, "recall": pct(len(found), n), "reason": pct(reason_ok, n),
               "type": pct(type_ok, n), "uuid": pct(uuid_ok, n), "unsure": pct(unsure, len(found)),
               "false": false, "missed": n - len(found)}
    print("%s: recall %.1f %%, type %.1f %%, reason %.1f %%, subscriber uuid %.1f %%, onhold/undefined %.1f %%, "
          "false events %d" % (mta, summary["recall"], summary["type"], summary["reason"], summary["uuid"],
                               summary["unsure"], false))
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="build directory (bounce-parse; the Exim kit is kept here)")
    ap.add_argument("--mta", default="postfix,exim", help="postfix, exim, opensmtpd, sendmail (comma-separated)")
    ap.add_argument("--only", default="", help="comma-separated reply keys (default: every reply)")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--timeout", type=int, default=3, help="seconds an MTA waits for the silent MX's greeting")
    ap.add_argument("--reason-floor", type=float, default=0.0)
    ap.add_argument("--type-floor", type=float, default=0.0)
    ap.add_argument("--keep", action="store_true", help="keep the captured DSNs and logs (path printed)")
    args = ap.parse_args()

    bounce_parse = os.path.join(os.path.abspath(args.build), "bounce-parse")
    kit_dir = os.path.join(os.path.abspath(args.build), "fresh-bounces-kit", "exim")
    opensmtpd_kit_dir = os.path.join(os.path.abspath(args.build), "fresh-bounces-kit", "opensmtpd")
    replies = [r for r in REPLIES if not args.only or r.key in args.only.split(",")]
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="fresh-bounces-")
    os.chmod(work, 0o755)
    summaries, problems, not_run = {}, [], []
    started = time.monotonic()
    try:
        for mta in [m for m in args.mta.split(",") if m]:
            chosen = replies
            if mta in ("opensmtpd", "sendmail"):
                # Both retry a temporary failure for days (their queue lifetime); only final replies
                # give a bounce within the test.
                chosen = [r for r in replies if not r.accepted_reasons()[1:]]
            cases = [Case(r, rng) for r in chosen]
            mta_work = os.path.join(work, mta)
            os.makedirs(mta_work)
            t0 = time.monotonic()
            if mta == "postfix":
                files, note = run_postfix(cases, mta_work, args.timeout)
            elif mta == "exim":
                files, note = run_exim(cases, mta_work, kit_dir, args.timeout)
            elif mta == "opensmtpd":
                files, note = run_opensmtpd(cases, mta_work, opensmtpd_kit_dir)
            elif mta == "sendmail":
                files, note = run_sendmail(cases, mta_work, os.path.abspath(args.build))
            else:
                raise SystemExit("unknown MTA %s" % mta)
            if files is None:
                print("%s: not run: %s" % (mta, note))
                not_run.append(mta)
                continue
            if note:
                problems.append("%s: %s" % (mta, note))
            results = grade(cases, files, parse_all(bounce_parse, files))
            summaries[mta] = report(mta, results)
            print("%s: %.1f s" % (mta, time.monotonic() - t0))
            for r in results:
                if not r["event"]:
                    problems.append("%s: %s (%s) %s" % (mta, r["case"].reply.key, r["case"].recipient,
                                                        "no DSN" if not r["dsn"] else "recipient missed"))
                if r["false"]:
                    problems.append("%s: %s false events for %s" % (mta, r["case"].reply.key, ",".join(r["false"])))
                if r["dsns"] > 1:
                    problems.append("%s: %s produced %d DSNs" % (mta, r["case"].reply.key, r["dsns"]))
    finally:
        if args.keep:
            print("kept in %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    if not summaries:
        print("no MTA could be run")
        return 77
    total = collections.Counter()
    for s in summaries.values():
        for k in ("replies", "missed", "false"):
            total[k] += s[k]
    reason = sum(s["reason"] * s["replies"] for s in summaries.values()) / max(1, total["replies"])
    type_ = sum(s["type"] * s["replies"] for s in summaries.values()) / max(1, total["replies"])
    print("\nALL: %d replies through %s in %.1f s: reason %.1f %% (floor %.1f), type %.1f %% (floor %.1f), "
          "missed %d, false events %d" % (total["replies"], "+".join(summaries), time.monotonic() - started, reason,
                                          args.reason_floor, type_, args.type_floor, total["missed"], total["false"]))
    failed = list(problems)
    if reason < args.reason_floor:
        failed.append("reason accuracy %.1f %% below the floor %.1f %%" % (reason, args.reason_floor))
    if type_ < args.type_floor:
        failed.append("type accuracy %.1f %% below the floor %.1f %%" % (type_, args.type_floor))
    for p in failed:
        print("FAIL: " + p)
    if failed:
        return 1
    # An MTA that could not be run (no root, its package unobtainable) skips the test rather than pass it.
    return 77 if not_run else 0


if __name__ == "__main__":
    sys.exit(main())
