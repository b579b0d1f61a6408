#!/usr/bin/env python3
"""End to end: a private Postfix instance with bounce-milter, a real redis-server and the fake listmonk.

Never touches /etc/postfix: the instance lives in a temp dir with its own config, queue and ports
(recipe: shared/reference/milter-postfix.md §4). Needs root and the postfix, redis-server packages.

Checks, in order:
  1. DSNs over SMTP (VERP recipients, X-Listmonk headers in the returned headers) are discarded
     (maillog: milter-discard) and each event reaches listmonk, Redis and the file exactly once;
     the same DSN delivered twice is forwarded once.
  2. A human reply to the bounce address is delivered; a DSN with a second, ordinary recipient
     reaches only that recipient (the bounce copy is removed) and is still recorded.
  3. listmonk failing (HTTP 500) for a while: Redis and the file get the events at once, listmonk after it
     is back; nothing lost, nothing doubled.
  4. Postfix's own bounce (mail from a VERP sender to a failing domain) goes through
     non_smtpd_milters and is captured and discarded.
  5. With the milter killed, Postfix answers 4xx (the client keeps the message); after a restart
     the retried DSN is captured.
  6. Every event exactly once in every sink, nothing left in the queue.
  7. The milter exits 0 on SIGTERM at the end; in a sanitized build that exit is LeakSanitizer's
     check of the whole run, and a leak report makes it fail.
  Metrics ([metrics] listen): after 2, GET /metrics counts exactly the messages and bounces sent, each
  bounce under its receiver family (a gmail.com recipient: google; an MX in mail.protection.outlook.com:
  microsoft; the rest: other), which the file sink's events carry in meta too; during 3, the outbox
  gauges show listmonk's held-back events.
Usage: milter_postfix_e2e.py --build BUILD_DIR
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
from e2e_support import DSN_FIXTURE_CAMPAIGN, complete_json_lines, PrivatePostfix, dsn_variant, free_port, Failure, log, preflight, wait_until  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
HUMAN = os.path.join(HERE, "..", "fixtures", "milter", "human-reply.eml")
DOMAIN = "lists.example.com"
STREAM = "listmonk:bounces"


class Harness:
    def __init__(self, build):
        self.build = build
        self.procs = {}
        self.postfix = None
        self.tmp = tempfile.mkdtemp(prefix="bm-e2e-")
        os.chmod(self.tmp, 0o755)  # the postfix user must traverse it
        self.pfx = self.tmp
        self.smtp_port = None
        self.redis_port = free_port()
        self.listmonk_port = None
        self.outbox = os.path.join(self.tmp, "outbox.sqlite")
        self.events_file = os.path.join(self.tmp, "events.jsonl")
        self.maillog = os.path.join(self.pfx, "maillog")
        self.sock = os.path.join(self.pfx, "milter.sock")
        self.metrics_port = free_port()

    # --- processes ------------------------------------------------------------------------------
    def start(self, name, argv, **kw):
        out = open(os.path.join(self.tmp, name + ".log"), "ab")
        self.procs[name] = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, **kw)
        return self.procs[name]

    def stop(self, name, sig=signal.SIGTERM, timeout=10):
        p = self.procs.pop(name, None)
        if p is None or p.poll() is not None:
            return p.returncode if p else None
        p.send_signal(sig)
        try:
            return p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            return p.wait(5)

    def cleanup(self):
        if self.postfix:
            self.postfix.stop()
        for name in list(self.procs):
            self.stop(name)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def show_logs(self):
        for name in ("milter", "listmonk", "redis", "maillog"):
            path = self.maillog if name == "maillog" else os.path.join(self.tmp, name + ".log")
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text = f.read()
                log("----- %s (last 60 lines)\n%s" % (name, "\n".join(text.splitlines()[-60:])))

    # --- services -------------------------------------------------------------------------------
    def start_redis(self):
        self.start("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", self.tmp])
        wait_until("redis", lambda: self.redis("PING") == "PONG")

    def redis(self, *args):
        r = subprocess.run(["redis-cli", "-p", str(self.redis_port), "--raw"] + list(args),
                           capture_output=True, text=True, timeout=10)
        return r.stdout.strip()

    def start_listmonk(self):
        port_file = os.path.join(self.tmp, "listmonk.port")
        self.start("listmonk", [sys.executable, os.path.join(HERE, "fake_listmonk.py"), "--port", "0",
                                "--port-file", port_file, "--user", "bounce-milter", "--token", "e2e-token"])
        wait_until("fake listmonk port", lambda: os.path.exists(port_file) and open(port_file).read().strip())
        self.listmonk_port = int(open(port_file).read().strip())

    def listmonk(self, path, body=None):
        url = "http://127.0.0.1:%d%s" % (self.listmonk_port, path)
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def write_milter_config(self):
        path = os.path.join(self.tmp, "bounce-milter.toml")
        with open(path, "w") as f:
            f.write("""[milter]
socket = "unix:%(sock)s"
# Postfix's smtpd (user postfix) connects: the recipe's group, as docs/ops.md "Socket for Postfix" sets it.
socket_group = "postfix"
bounce_addresses = ["bounces@%(domain)s"]
on_bounce = "discard"
on_error = "tempfail"
max_message_bytes = 1048576
verp = "bounces+{subscriber_uuid}@%(domain)s"

[outbox]
path = "%(outbox)s"

[listmonk]
url = "http://127.0.0.1:%(lport)d"
username = "bounce-milter"
token = "e2e-token"

[redis]
url = "redis://127.0.0.1:%(rport)d/0"
stream = "%(stream)s"

[file]
path = "%(events)s"

[metrics]
listen = "127.0.0.1:%(mport)d"
""" % {"sock": self.sock, "domain": DOMAIN, "outbox": self.outbox, "lport": self.listmonk_port,
       "rport": self.redis_port, "stream": STREAM, "events": self.events_file, "mport": self.metrics_port})
        return path

    def start_milter(self, config):
        # Only the contract keys are used; as in the documented recipe, a permissive umask lets the
        # postfix user connect to the root-owned socket.
        self.start("milter", [os.path.join(self.build, "bounce-milter"), "-f", "--allow-root", "-c", config],
                   preexec_fn=lambda: os.umask(0))
        wait_until("milter socket", lambda: self.milter_listening())

    def milter_listening(self):
        if self.procs["milter"].poll() is not None:
            raise Failure("bounce-milter exited with %s" % self.procs["milter"].returncode)
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(self.sock)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def start_postfix(self):
        self.postfix = PrivatePostfix(self.pfx, DOMAIN, self.sock)
        self.smtp_port = self.postfix.port
        self.postfix.start()

    # --- mail -----------------------------------------------------------------------------------
    def send(self, sender, rcpts, message):
        """One SMTP transaction; returns the queue id from the 250 reply. Raises on any refusal."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as s:
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
            m = re.search(rb"queued as ([0-9A-Za-z]+)", resp)
            return m.group(1).decode() if m else ""

    def maillog_text(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def maillog_lines(self, queue_id):
        return [l for l in self.maillog_text().splitlines() if (" %s: " % queue_id) in l]

    # --- sinks ----------------------------------------------------------------------------------
    def metrics(self):
        """GET /metrics as {'name{labels}': value}."""
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=10) as r:
            text = r.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    def listmonk_bounces(self):
        return self.listmonk("/__admin/bounces")

    def redis_entries(self):
        """Stream entries as dicts of their fields."""
        out = subprocess.run(["redis-cli", "-p", str(self.redis_port), "--json", "XRANGE", STREAM, "-", "+"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode != 0 or not out.stdout.strip():
            return self.redis_entries_raw()
        entries = []
        for _id, fields in json.loads(out.stdout):
            entries.append(dict(zip(fields[0::2], fields[1::2])))
        return entries

    def redis_entries_raw(self):
        # redis-cli without --json (older versions): parse the --raw layout of XRANGE.
        lines = self.redis("XRANGE", STREAM, "-", "+").splitlines()
        entries, i = [], 0
        while i < len(lines):
            if re.match(r"^\d+-\d+$", lines[i]):
                fields, i = {}, i + 1
                while i + 1 < len(lines) and not re.match(r"^\d+-\d+$", lines[i]):
                    fields[lines[i]] = lines[i + 1]
                    i += 2
                entries.append(fields)
            else:
                i += 1
        return entries

    def file_events(self):
        return complete_json_lines(self.events_file)


def make_dsn(subscriber, campaign=DSN_FIXTURE_CAMPAIGN, recipient=None, message_id=None, remote_mta=None):
    """A variant of the fixture DSN for another subscriber (its own VERP address and Message-IDs), CRLF;
    `remote_mta` replaces the receiving host the fixture names."""
    text, recipient = dsn_variant(subscriber, campaign, recipient, message_id, DOMAIN)
    if remote_mta:
        text = text.replace("Remote-MTA: dns; mx.dest.example", "Remote-MTA: dns; " + remote_mta)
    return text.replace("\n", "\r\n"), recipient


def verp(subscriber):
    return "bounces+%s@%s" % (subscriber, DOMAIN)


def count_by(events, key, value):
    return sum(1 for e in events if e.get(key) == value)


def run(h):
    h.start_redis()
    h.start_listmonk()
    config = h.write_milter_config()
    r = subprocess.run([os.path.join(h.build, "bounce-milter"), "--check-config", "-c", config],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("config rejected: " + r.stdout + r.stderr)
    h.start_milter(config)
    h.start_postfix()
    expected = {}  # subscriber uuid -> bounced address

    # 1. DSNs over SMTP, one of them twice.
    discarded = []
    # Receiving sides: the fixture's own host twice, a Gmail address, a domain whose MX is Microsoft 365.
    receivers = [{}, {"recipient": "reader.%s@gmail.com"},
                 {"recipient": "reader.%s@contoso-example.com",
                  "remote_mta": "contoso-example-com.mail.protection.outlook.com"}, {}]
    for place in receivers:
        sub = str(uuid.uuid4())
        if "recipient" in place:
            place = dict(place, recipient=place["recipient"] % sub[:8])
        dsn, rcpt = make_dsn(sub, **place)
        discarded.append(h.send("", [verp(sub)], dsn))
        expected[sub] = rcpt
        if len(expected) == 1:
            duplicate = (sub, dsn)
    discarded.append(h.send("", [verp(duplicate[0])], duplicate[1]))
    for qid in discarded:
        wait_until("milter-discard of %s" % qid,
                   lambda: any("milter-discard" in l for l in h.maillog_lines(qid)))
    log("ok 1 - %d DSNs (one repeated) discarded by the milter" % len(discarded))

    # 2. Human reply delivered; mixed recipients: only the ordinary recipient gets it.
    with open(HUMAN) as f:
        human = f.read().replace("\r\n", "\n").replace("\n", "\r\n")
    qid = h.send("alice@dest.example", [verp(str(uuid.uuid4()))], human)
    wait_until("delivery of the human reply %s" % qid,
               lambda: any("status=sent" in l for l in h.maillog_lines(qid)))
    if any("milter-discard" in l for l in h.maillog_lines(qid)):
        raise Failure("the human reply was discarded")
    sub = str(uuid.uuid4())
    dsn, rcpt = make_dsn(sub)
    expected[sub] = rcpt
    qid = h.send("", [verp(sub), "postmaster@%s" % DOMAIN], dsn)
    wait_until("delivery of the mixed message %s" % qid,
               lambda: any("to=<postmaster@%s>" % DOMAIN in l and "status=sent" in l for l in h.maillog_lines(qid)))
    time.sleep(0.5)
    if any("to=<%s>" % verp(sub) in l for l in h.maillog_lines(qid)):
        raise Failure("the bounce copy of a mixed-recipient message was delivered: %s" % h.maillog_lines(qid))
    log("ok 2 - human reply delivered; mixed recipients: only the ordinary recipient got it")

    # Metrics so far: 5 DSNs discarded (one a repeat), 1 DSN with an ordinary recipient, 1 human reply.
    m = h.metrics()
    want = {
        'bounce_milter_messages_total{outcome="recorded",action="discard"}': 5,
        'bounce_milter_messages_total{outcome="recorded",action="deliver_others"}': 1,
        'bounce_milter_messages_total{outcome="not_bounce",action="accept"}': 1,
        'bounce_milter_duplicate_events_total': 1,
        'bounce_milter_parse_seconds_count': 7,
        'bounce_milter_parse_seconds_bucket{le="+Inf"}': 7,
    }
    wrong = {k: (m.get(k), v) for k, v in want.items() if m.get(k) != v}
    hard = sum(v for k, v in m.items() if k.startswith('bounce_milter_bounces_total{type="hard",'))
    other = sum(v for k, v in m.items() if k.startswith("bounce_milter_bounces_total{") and 'type="hard"' not in k)
    if wrong or hard != 6 or other != 0:
        raise Failure("metrics (got, want): %s; hard bounces %s (want 6), others %s" % (wrong, hard, other))
    by_receiver = {}
    for k, v in m.items():
        if k.startswith("bounce_milter_bounces_total{"):
            found = re.search(r'receiver="([^"]*)"', k)
            if not found:
                raise Failure("a bounce counter without a receiver label: " + k)
            by_receiver[found.group(1)] = by_receiver.get(found.group(1), 0) + v
    if by_receiver != {"google": 1, "microsoft": 1, "other": 4}:
        raise Failure("bounces by receiver: %s (want google 1, microsoft 1, other 4 with the repeat)" % by_receiver)
    wait_until("the file sink to have the 5 distinct events", lambda: len(h.file_events()) == 5)
    file_receivers = sorted(e.get("meta", {}).get("receiver", "") for e in h.file_events())
    if file_receivers != ["google", "microsoft", "other", "other", "other"]:
        raise Failure("meta.receiver of the file events: %s" % file_receivers)
    log("ok 2m - /metrics: 7 messages by outcome, 6 hard bounces (1 duplicate), 7 parse times; "
        "bounces by receiver %s, the same in the events' meta" % by_receiver)

    # 3. listmonk down for a while.
    wait_until("listmonk to have the first events", lambda: len(h.listmonk_bounces()) == len(expected))
    # 500s, as from a crashed or restarting listmonk behind a proxy: retried with the normal backoff.
    h.listmonk("/__admin", {"mode": "error500"})
    down_subs = []
    for _ in range(2):
        sub = str(uuid.uuid4())
        dsn, rcpt = make_dsn(sub)
        h.send("", [verp(sub)], dsn)
        expected[sub] = rcpt
        down_subs.append(sub)
    wait_until("Redis and the file while listmonk is down",
               lambda: all(count_by(h.redis_entries(), "subscriber_uuid", s) == 1 and
                         count_by(h.file_events(), "subscriber_uuid", s) == 1 for s in down_subs))
    wait_until("/metrics to show listmonk's 2 held-back events",
               lambda: h.metrics().get('bounce_outbox_depth{sink="listmonk"}') == 2 and
               h.metrics().get('bounce_outbox_depth{sink="file"}') == 0 and
               h.metrics().get('bounce_outbox_oldest_pending_age_seconds{sink="listmonk"}', 0) > 0)
    time.sleep(2.0)
    got = h.listmonk_bounces()
    if any(count_by(got, "subscriber_uuid", s) for s in down_subs):
        raise Failure("listmonk was down but recorded an event")
    if h.listmonk("/__admin/count")["requests"] <= len(got):
        raise Failure("no delivery attempt reached listmonk while it was down")
    h.listmonk("/__admin", {"mode": "normal"})
    wait_until("listmonk to receive the held-back events after it is back",
               lambda: all(count_by(h.listmonk_bounces(), "subscriber_uuid", s) == 1 for s in down_subs), timeout=60)
    wait_until("/metrics to show listmonk's queue empty",
               lambda: h.metrics().get('bounce_outbox_depth{sink="listmonk"}') == 0 and
               h.metrics().get('bounce_outbox_deliveries{sink="listmonk",state="delivered"}') == len(expected))
    log("ok 3 - listmonk outage: events held back and delivered after recovery (outbox gauges followed)")

    # 4. Postfix's own bounce, through non_smtpd_milters.
    sub = str(uuid.uuid4())
    original = ("From: News <news@%(d)s>\r\nTo: <user@dead.example>\r\nSubject: campaign\r\n"
                "Message-ID: <%(mid)s@%(d)s>\r\nX-Listmonk-Campaign: %(camp)s\r\nX-Listmonk-Subscriber: %(sub)s\r\n"
                "\r\nHello.\r\n") % {"d": DOMAIN, "mid": uuid.uuid4().hex, "camp": DSN_FIXTURE_CAMPAIGN, "sub": sub}
    def discards_from_null_sender():
        return sum("milter-discard" in l and "from=<>" in l for l in h.maillog_text().splitlines())
    discards_before = discards_from_null_sender()
    h.send(verp(sub), ["user@dead.example"], original)
    expected[sub] = "user@dead.example"
    wait_until("Postfix's own bounce to be captured",
               lambda: count_by(h.file_events(), "subscriber_uuid", sub) == 1)
    wait_until("the internal bounce to be discarded",
               lambda: "sender non-delivery notification" in h.maillog_text() and
               discards_from_null_sender() > discards_before)
    log("ok 4 - Postfix's own bounce captured via non_smtpd_milters and discarded")

    # 5. Milter down: 4xx, nothing accepted; after a restart the retry is captured.
    rc = h.stop("milter", timeout=60)
    if rc != 0:
        raise Failure("bounce-milter exited with %s on SIGTERM" % rc)
    sub = str(uuid.uuid4())
    dsn, rcpt = make_dsn(sub)
    try:
        h.send("", [verp(sub)], dsn)
        raise Failure("Postfix accepted a message while the milter was down")
    except smtplib.SMTPResponseException as e:
        if not 400 <= e.smtp_code < 500:
            raise Failure("expected a 4xx while the milter is down, got %s %s" % (e.smtp_code, e.smtp_error))
        log("ok 5a - milter down: Postfix answered %d %s" % (e.smtp_code, e.smtp_error.decode(errors="replace")))
    except smtplib.SMTPRecipientsRefused as e:
        codes = [c for c, _ in e.recipients.values()]
        if not all(400 <= c < 500 for c in codes):
            raise Failure("expected 4xx while the milter is down, got %s" % e.recipients)
        log("ok 5a - milter down: Postfix answered %s" % codes)
    h.start_milter(config)
    h.send("", [verp(sub)], dsn)  # the sending MTA's retry
    expected[sub] = rcpt
    log("ok 5b - after a restart the retried DSN was accepted")

    # Every event exactly once in every sink.
    def all_delivered():
        lm, rd, fl = h.listmonk_bounces(), h.redis_entries(), h.file_events()
        return len(lm) == len(rd) == len(fl) == len(expected) and \
            all(count_by(x, "subscriber_uuid", s) == 1 for s in expected for x in (lm, rd, fl))
    try:
        wait_until("every event exactly once in listmonk, Redis and the file", all_delivered, timeout=60)
    except Failure:
        lm, rd, fl = h.listmonk_bounces(), h.redis_entries(), h.file_events()
        raise Failure("expected %d events; listmonk %d, redis %d, file %d" % (len(expected), len(lm), len(rd), len(fl)))
    for e in h.listmonk_bounces():
        address = expected[e["subscriber_uuid"]]
        # The fixture DSNs are 5.1.1 user-unknown (hard); the failer transport's "/bin/false" is a
        # 5.3.0 mailer error, which is soft.
        want_type = "soft" if address == "user@dead.example" else "hard"
        if e.get("type") != want_type or e.get("email") not in (address, None, ""):
            raise Failure("unexpected listmonk body (want type %s, email %s): %s" % (want_type, address, e))
    queued = subprocess.run(["postqueue", "-c", os.path.join(h.pfx, "etc"), "-j"], capture_output=True, text=True)
    if queued.stdout.strip():
        raise Failure("mail left in the Postfix queue: %s" % queued.stdout)
    log("ok 6 - %d events, each exactly once in listmonk, Redis and the file; queue empty" % len(expected))

    # 7. A clean stop after all that mail: main() returns, so in a sanitized build LeakSanitizer checks
    # the whole run here, and a leak (or any report) makes the exit status non-zero.
    rc = h.stop("milter", timeout=60)
    if rc != 0:
        raise Failure("bounce-milter exited with %s on its final SIGTERM" % rc)
    log("ok 7 - bounce-milter stopped cleanly (exit 0) after %d messages" % len(expected))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    args = ap.parse_args()
    status = preflight("private Postfix instance", ("postfix", "postconf", "redis-server", "redis-cli", "script"))
    if status is not None:
        return status
    h = Harness(os.path.abspath(args.build))
    started = time.monotonic()
    try:
        run(h)
        log("all end-to-end checks passed in %.1fs" % (time.monotonic() - started))
        return 0
    except (Exception, SystemExit) as e:  # noqa: BLE001 - any failure should print the logs
        log("FAIL: %s: %s" % (type(e).__name__, e))
        h.show_logs()
        return 1
    finally:
        h.cleanup()


if __name__ == "__main__":
    sys.exit(main())
