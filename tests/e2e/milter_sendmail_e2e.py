#!/usr/bin/env python3
"""End to end behind a real Sendmail 8.17: bounce-milter loaded by the shipped
packaging/sendmail/bounce-milter.m4, over a unix socket or inet:PORT@127.0.0.1.

Sendmail comes from Debian's packages unpacked into BUILD/sendmail-kit (tests/e2e/sendmail_kit.py);
two private instances run from a temp dir, on loopback ports, never touching /etc/mail:
  * the MX for lists.example.com, with the milter; it relays what it accepts to a test SMTP server
    (tests/e2e/smtp_sink.py), which stands for the mailbox host;
  * an outbound relay, as listmonk's sending MTA: campaign mail to dead.example goes to the same test
    server, which refuses it with 550, and the DSN Sendmail writes itself goes to the MX over SMTP.
    (Sendmail never runs milters on mail it generates, so its own DSNs reach the milter only through
    an MX like this one.)
Sinks: the fake listmonk and a JSON Lines file.

Checks, in order:
  0. README.md and docs/milter.md show the INPUT_MAIL_FILTER line of the shipped .m4 file.
  1. DSNs to VERP addresses (X-Listmonk-Subscriber in the returned headers) are accepted by Sendmail and
     discarded by the milter: each event once in listmonk and the file, with Sendmail's queue id; the
     same DSN twice is forwarded once; the test server never gets them.
  2. A human reply to the bounce address is delivered; a DSN to the bounce address and postmaster reaches
     only postmaster, and is recorded.
  3. listmonk failing (HTTP 500): the file gets the events at once, listmonk after it is back.
  4. Sendmail's own DSN for a refused campaign message is captured with its subscriber UUID.
  5. With the milter stopped, F=T makes Sendmail answer 4xx; after a restart the retry is captured.
  6. Every event exactly once in every sink, both queues empty, the milter exits 0 on SIGTERM.
Usage: milter_sendmail_e2e.py --build BUILD_DIR --source SOURCE_DIR --socket unix|inet
"""

import argparse
import json
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import DSN_FIXTURE_CAMPAIGN, dsn_variant, free_port, start_fake_listmonk, Processes, Failure, log, preflight, wait_until  # noqa: E402
from sendmail_kit import KitError, PrivateSendmail, ensure_kit  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HUMAN = os.path.join(HERE, "..", "fixtures", "milter", "human-reply.eml")
DOMAIN = "lists.example.com"
DEAD = "dead.example"


def verp(subscriber):
    return "bounces+%s@%s" % (subscriber, DOMAIN)


def count_by(events, key, value):
    return sum(1 for e in events if e.get(key) == value)


def shipped_filter_line(source):
    with open(os.path.join(source, "packaging", "sendmail", "bounce-milter.m4")) as f:
        lines = [l.rstrip("\n") for l in f if l.startswith("INPUT_MAIL_FILTER(")]
    if len(lines) != 1:
        raise Failure("packaging/sendmail/bounce-milter.m4 must hold exactly one INPUT_MAIL_FILTER line")
    return lines[0]


class Harness:
    def __init__(self, build, source, kind):
        self.build = build
        self.source = source
        self.kind = kind
        self.tmp = tempfile.mkdtemp(prefix="bm-sendmail-")
        os.chmod(self.tmp, 0o755)
        self.procs = Processes()
        self.milter = None
        self.mx = None
        self.outbound = None
        self.sink = None
        self.events_file = os.path.join(self.tmp, "events.jsonl")
        if kind == "unix":
            path = os.path.join(self.tmp, "milter.sock")
            self.milter_socket, self.sendmail_socket = "unix:" + path, "local:" + path
        else:
            port = free_port()
            self.milter_socket = self.sendmail_socket = "inet:%d@127.0.0.1" % port
        self.listmonk_port = None

    def cleanup(self):
        for mta in (self.outbound, self.mx):
            if mta:
                mta.stop()
        self.procs.stop_all()
        if self.sink:
            self.sink.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def show_logs(self):
        paths = [os.path.join(self.tmp, n) for n in ("milter.log", "listmonk.log", "mx.log", "outbound.log")]
        paths += [m.trace for m in (self.mx, self.outbound) if m]
        for path in paths:
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text = f.read()
                log("----- %s (last 60 lines)\n%s" % (path, "\n".join(text.splitlines()[-60:])))

    # --- services -------------------------------------------------------------------------------
    def write_milter_config(self):
        path = os.path.join(self.tmp, "bounce-milter.toml")
        with open(path, "w") as f:
            f.write("""[milter]
socket = "%(sock)s"
bounce_addresses = ["bounces@%(domain)s"]
on_bounce = "discard"
on_error = "tempfail"
verp = "bounces+{subscriber_uuid}@%(domain)s"

[outbox]
path = "%(outbox)s"

[listmonk]
url = "http://127.0.0.1:%(lport)d"
username = "bounce-milter"
token = "e2e-token"

[file]
path = "%(events)s"
""" % {"sock": self.milter_socket, "domain": DOMAIN, "outbox": os.path.join(self.tmp, "outbox.sqlite"),
       "lport": self.listmonk_port, "events": self.events_file})
        r = subprocess.run([os.path.join(self.build, "bounce-milter"), "--check-config", "-c", path],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure("config rejected: " + r.stdout + r.stderr)
        return path

    def start_milter(self, config):
        self.milter = self.procs.start([os.path.join(self.build, "bounce-milter"), "-f", "--allow-root", "-c", config],
                                       os.path.join(self.tmp, "milter.log"))
        wait_until("the milter's socket", self.milter_listening)

    def milter_listening(self):
        if self.milter.poll() is not None:
            raise Failure("bounce-milter exited with %s" % self.milter.returncode)
        if self.kind == "unix":
            s, address = socket.socket(socket.AF_UNIX), self.milter_socket[len("unix:"):]
        else:
            s, address = socket.socket(), ("127.0.0.1", int(self.milter_socket[5:].split("@")[0]))
        try:
            s.connect(address)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def stop_milter(self):
        self.milter.send_signal(signal.SIGTERM)
        try:
            return self.milter.wait(60)
        except subprocess.TimeoutExpired:
            self.milter.kill()
            raise Failure("bounce-milter did not stop within 60 s of SIGTERM")

    def start_sendmails(self, kit):
        self.sink = SmtpSink(refuse_domains=[DEAD]).start()
        # The MX loads the shipped file; only the socket is set, through the define the file documents.
        snippet = os.path.join(self.source, "packaging", "sendmail", "bounce-milter.m4")
        mc_tail = "define(`BOUNCE_MILTER_SOCKET', `%s')dnl\ninclude(`%s')dnl" % (self.sendmail_socket, snippet)
        self.mx = PrivateSendmail(kit, os.path.join(self.tmp, "mx"), "mx.sendmail.test",
                                  smart_host_port=self.sink.port, relay_domains=[DOMAIN], mc_tail=mc_tail)
        with open(self.mx.cf) as f:
            cf = f.read()
        wanted = "Xbouncemilter, S=%s, F=T, T=C:10s;S:30s;R:30s;E:5m" % self.sendmail_socket
        if wanted not in cf.splitlines():
            raise Failure("sendmail.cf has no %r line; its filter lines: %s" %
                          (wanted, [l for l in cf.splitlines() if l.startswith("X") or "InputMailFilters" in l]))
        self.mx.start(os.path.join(self.tmp, "mx.log"))
        self.outbound = PrivateSendmail(kit, os.path.join(self.tmp, "outbound"), "out.sendmail.test",
                                        smart_host_port=self.sink.port, routes={DOMAIN: self.mx.port})
        self.outbound.start(os.path.join(self.tmp, "outbound.log"))

    # --- mail -----------------------------------------------------------------------------------
    def send(self, port, sender, rcpts, message):
        """One SMTP transaction; returns Sendmail's queue id from the 250 reply. Raises on any refusal."""
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
            s.ehlo("client.test")
            code, resp = s.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, resp, sender)
            for r in rcpts:
                code, resp = s.rcpt(r)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({r: (code, resp)})
            code, resp = s.data(message.encode() if isinstance(message, str) else message)
            if code != 250:
                raise smtplib.SMTPDataError(code, resp)
            m = re.search(rb"([0-9A-Za-z]{14}) Message accepted", resp)
            if not m:
                raise Failure("no queue id in Sendmail's reply %r" % resp)
            return m.group(1).decode()

    def to_mx(self, sender, rcpts, message):
        return self.send(self.mx.port, sender, rcpts, message)

    # --- sinks ----------------------------------------------------------------------------------
    def listmonk(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.listmonk_port, path), data=data,
                                     method="POST" if data is not None else "GET",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def listmonk_bounces(self):
        return self.listmonk("/__admin/bounces")

    def file_events(self):
        try:
            with open(self.events_file) as f:
                return [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def delivered_to(self, address):
        return [m for m in self.sink.snapshot() if address in m["recipients"]]


def make_dsn(subscriber, recipient=None):
    text, recipient = dsn_variant(subscriber, DSN_FIXTURE_CAMPAIGN, recipient, None, DOMAIN)
    return text.replace("\n", "\r\n"), recipient


def check_one_recipe(source):
    """The docs show the shipped file's lines (its socket default and its one INPUT_MAIL_FILTER line)
    and no other INPUT_MAIL_FILTER line."""
    line = shipped_filter_line(source)
    with open(os.path.join(source, "packaging", "sendmail", "bounce-milter.m4")) as f:
        recipe = [l.rstrip("\n") for l in f if not l.startswith("dnl")]
    for doc in ("README.md", os.path.join("docs", "milter.md")):
        with open(os.path.join(source, doc)) as f:
            text = [l.rstrip("\n") for l in f]
        filters = [l for l in text if "INPUT_MAIL_FILTER(" in l]
        missing = [l for l in recipe if l not in text]
        if filters != [line] or missing:
            raise Failure("%s shows %s and lacks %s; packaging/sendmail/bounce-milter.m4 has %s" %
                          (doc, filters, missing, recipe))
    log("ok 0 - README.md, docs/milter.md and packaging/sendmail/bounce-milter.m4 show one recipe: %s" % line)


def run(h, kit):
    check_one_recipe(h.source)
    h.listmonk_port, _ = start_fake_listmonk(h.procs, h.tmp, token="e2e-token")
    config = h.write_milter_config()
    h.start_milter(config)
    h.start_sendmails(kit)
    log("ok 0b - Sendmail %s MX (milter %s) and outbound relay started on ports %d and %d" %
        (kit.version(), h.sendmail_socket, h.mx.port, h.outbound.port))
    expected = {}  # subscriber uuid -> bounced address
    queue_ids = {}  # subscriber uuid -> Sendmail queue id the MX gave the message

    # 1. DSNs to the bounce address, one of them twice.
    for _ in range(4):
        sub = str(uuid.uuid4())
        dsn, rcpt = make_dsn(sub)
        queue_ids[sub] = h.to_mx("", [verp(sub)], dsn)
        expected[sub] = rcpt
        if len(expected) == 1:
            repeated = (sub, dsn)
    h.to_mx("", [verp(repeated[0])], repeated[1])
    wait_until("the 4 DSNs in the file", lambda: all(count_by(h.file_events(), "subscriber_uuid", s) == 1
                                                   for s in expected))
    for e in h.file_events():
        if e["meta"].get("queue_id") != queue_ids[e["subscriber_uuid"]]:
            raise Failure("event carries queue id %r, Sendmail gave %r" %
                          (e["meta"].get("queue_id"), queue_ids[e["subscriber_uuid"]]))
    log("ok 1 - 5 DSNs (one repeated) accepted by Sendmail, 4 events with Sendmail's queue ids")

    # 2. A human reply is delivered; mixed recipients: only the ordinary recipient gets the message.
    with open(HUMAN) as f:
        human = f.read().replace("\r\n", "\n").replace("\n", "\r\n")
    human_rcpt = verp(str(uuid.uuid4()))
    h.to_mx("alice@dest.example", [human_rcpt], human)
    wait_until("delivery of the human reply", lambda: h.delivered_to(human_rcpt))
    sub = str(uuid.uuid4())
    dsn, rcpt = make_dsn(sub)
    expected[sub] = rcpt
    postmaster = "postmaster@%s" % DOMAIN
    h.to_mx("", [verp(sub), postmaster], dsn)
    mixed = wait_until("delivery of the mixed message to postmaster", lambda: h.delivered_to(postmaster))
    if mixed[0]["recipients"] != [postmaster]:
        raise Failure("the mixed message went to %s, want only %s" % (mixed[0]["recipients"], postmaster))
    wait_until("the mixed message's event", lambda: count_by(h.file_events(), "subscriber_uuid", sub) == 1)
    log("ok 2 - human reply delivered; mixed recipients: only postmaster got it, the bounce recorded")

    # 3. listmonk down for a while.
    wait_until("listmonk to have the first events", lambda: len(h.listmonk_bounces()) == len(expected))
    h.listmonk("/__admin", {"mode": "error500"})
    down = []
    for _ in range(2):
        sub = str(uuid.uuid4())
        dsn, rcpt = make_dsn(sub)
        h.to_mx("", [verp(sub)], dsn)
        expected[sub] = rcpt
        down.append(sub)
    wait_until("the file while listmonk is down",
               lambda: all(count_by(h.file_events(), "subscriber_uuid", s) == 1 for s in down))
    answered = len(h.listmonk_bounces())
    wait_until("a refused delivery attempt at listmonk",
               lambda: h.listmonk("/__admin/count")["requests"] > answered)
    if any(count_by(h.listmonk_bounces(), "subscriber_uuid", s) for s in down):
        raise Failure("listmonk was down but recorded an event")
    h.listmonk("/__admin", {"mode": "normal"})
    wait_until("listmonk to receive the held-back events",
               lambda: all(count_by(h.listmonk_bounces(), "subscriber_uuid", s) == 1 for s in down), timeout=60)
    log("ok 3 - listmonk outage: events held back and delivered after it recovered")

    # 4. Sendmail's own DSN: a campaign message refused by the next hop, bounced by the outbound Sendmail
    # to the VERP address at the MX. It returns the campaign's headers.
    sub = str(uuid.uuid4())
    campaign = ("From: News <news@%(d)s>\r\nTo: <user-%(s8)s@%(dead)s>\r\nSubject: campaign\r\n"
                "Message-ID: <%(mid)s@%(d)s>\r\nX-Listmonk-Campaign: %(camp)s\r\nX-Listmonk-Subscriber: %(sub)s\r\n"
                "\r\nHello.\r\n") % {"d": DOMAIN, "dead": DEAD, "s8": sub[:8], "mid": uuid.uuid4().hex,
                                     "camp": DSN_FIXTURE_CAMPAIGN, "sub": sub}
    refused_rcpt = "user-%s@%s" % (sub[:8], DEAD)
    h.send(h.outbound.port, verp(sub), [refused_rcpt], campaign)
    expected[sub] = refused_rcpt
    event = wait_until("Sendmail's own DSN to be captured",
                       lambda: [e for e in h.file_events() if e.get("subscriber_uuid") == sub])[0]
    if event.get("email") != refused_rcpt or event.get("type") != "hard":
        raise Failure("Sendmail's DSN gave %s, want a hard bounce of %s" % (event, refused_rcpt))
    if refused_rcpt not in h.sink.refused:
        raise Failure("the test server never refused %s" % refused_rcpt)
    log("ok 4 - Sendmail's own DSN (550 from the next hop) captured: %s %s, reported by %s" %
        (event["type"], event["email"], event["meta"].get("reporting_mta")))

    # 5. Milter down: F=T tempfails; the sender's retry after a restart is captured.
    rc = h.stop_milter()
    if rc != 0:
        raise Failure("bounce-milter exited with %s on SIGTERM" % rc)
    sub = str(uuid.uuid4())
    dsn, rcpt = make_dsn(sub)
    try:
        h.to_mx("", [verp(sub)], dsn)
        raise Failure("Sendmail accepted a message while the milter was down")
    except smtplib.SMTPResponseException as e:
        if not 400 <= e.smtp_code < 500:
            raise Failure("expected a 4xx while the milter is down, got %s %s" % (e.smtp_code, e.smtp_error))
        log("ok 5a - milter down: Sendmail answered %d %s" % (e.smtp_code, e.smtp_error.decode(errors="replace")))
    except smtplib.SMTPRecipientsRefused as e:
        codes = [c for c, _ in e.recipients.values()]
        if not all(400 <= c < 500 for c in codes):
            raise Failure("expected 4xx while the milter is down, got %s" % e.recipients)
        log("ok 5a - milter down: Sendmail answered %s" % codes)
    h.start_milter(config)
    h.to_mx("", [verp(sub)], dsn)
    expected[sub] = rcpt
    log("ok 5b - after a restart the retried DSN was accepted")

    # 6. Every event exactly once; nothing bounced to the mailbox host; queues empty.
    def all_delivered():
        lm, fl = h.listmonk_bounces(), h.file_events()
        return len(lm) == len(fl) == len(expected) and \
            all(count_by(x, "subscriber_uuid", s) == 1 for s in expected for x in (lm, fl))
    try:
        wait_until("every event exactly once in listmonk and the file", all_delivered, timeout=60)
    except Failure:
        raise Failure("expected %d events; listmonk %d, file %d" %
                      (len(expected), len(h.listmonk_bounces()), len(h.file_events())))
    for e in h.file_events():
        if e.get("email") != expected[e["subscriber_uuid"]]:
            raise Failure("event for %s names %s" % (expected[e["subscriber_uuid"]], e))
    # The mailbox host got exactly the human reply and the mixed message's postmaster copy.
    delivered = sorted(tuple(m["recipients"]) for m in h.sink.snapshot())
    if delivered != sorted([(human_rcpt,), (postmaster,)]):
        raise Failure("the mailbox host got %s, want only the human reply and postmaster's copy" % delivered)
    wait_until("both Sendmail queues to be empty", lambda: not h.mx.queued() and not h.outbound.queued())
    rc = h.stop_milter()
    if rc != 0:
        raise Failure("bounce-milter exited with %s on its final SIGTERM" % rc)
    log("ok 6 - %d events, each once in listmonk and the file; no bounce delivered; queues empty; "
        "milter exit 0" % len(expected))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--socket", choices=("unix", "inet"), required=True)
    args = ap.parse_args()
    status = preflight("Sendmail runs as root, as installed", ("apt-get", "dpkg-deb", "m4"))
    if status is not None:
        return status
    started = time.monotonic()
    try:
        kit = ensure_kit(args.build)
    except KitError as e:
        print("FAIL: no Sendmail kit: %s" % e)
        return 1
    log("Sendmail kit %s: version %s (%.1fs)" % (kit.directory, kit.version(), time.monotonic() - started))
    h = Harness(os.path.abspath(args.build), os.path.abspath(args.source), args.socket)
    try:
        run(h, kit)
        log("all Sendmail end-to-end checks (%s socket) passed in %.1fs" % (args.socket, time.monotonic() - started))
        return 0
    except (Exception, SystemExit) as e:  # noqa: BLE001 - any failure should print the logs
        log("FAIL: %s: %s" % (type(e).__name__, e))
        h.show_logs()
        return 1
    finally:
        h.cleanup()


if __name__ == "__main__":
    sys.exit(main())
