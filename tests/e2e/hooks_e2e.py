#!/usr/bin/env python3
"""End-to-end test of build/bounce-hooks: genuine provider webhooks (public test keys, fresh timestamps,
signed here) reach the fake listmonk exactly once with the right type and campaign; forged variants are
refused with 401/403 and nothing of theirs is forwarded. Also: --check-config, the 413 body cap, the
404 for a provider that is not configured, and the refusal to run as root.

usage: hooks_e2e.py --build BUILD_DIR --source SOURCE_DIR
Needs python3 and the openssl command; no network beyond loopback; all ports are picked free.
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import free_port  # noqa: E402

CAMPAIGN = "d6da0074-1084-4aa1-9c62-65fde375d33c"
SENDGRID_PUBLIC_KEY = ("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPT"
                       "nlvFYPAZFceEu/1FwCM/QmGUhA==")
# Published by sendgrid-go with the key above (providers.md §2): lets this test sign fresh batches.
SENDGRID_PRIVATE_KEY_DER = ("MHcCAQEEIEQmZgBEh9DcU9zMl34czK3xov4AYvm9P3r7rNB2dNXtoAoGCCqGSM49AwEHoUQDQgAEEDr2LjtURuePQzply"
                            "bdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==")
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
SVIX_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FORWARDEMAIL_KEY = "test-forwardemail-key"
LETTERMINT_KEY = "test-webhook-key"
MANDRILL_KEY = "TEST_WEBHOOK_KEY"
MANDRILL_URL = "https://user:pass@hooks.example.com/webhooks/mandrill"
SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:listmonk-bounces"
SNS_CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)


def wait_for(predicate, seconds, step=0.05):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def http(method, url, body=b"", headers=None, timeout=10):
    req = urllib.request.Request(url, data=body if method != "GET" and method != "HEAD" else None,
                                 method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


class Keys:
    """Key material made at test time in `work`."""

    def __init__(self, work):
        self.work = work
        der = os.path.join(work, "sg.der")
        with open(der, "wb") as f:
            f.write(base64.b64decode(SENDGRID_PRIVATE_KEY_DER))
        self.sendgrid_key = os.path.join(work, "sg.pem")
        openssl("ec", "-inform", "DER", "-in", der, "-out", self.sendgrid_key)
        # A forger's own P-256 key: its signatures must be refused.
        self.forger_key = os.path.join(work, "forger.pem")
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", self.forger_key)
        # A self-signed sns.amazonaws.com certificate served through cert_cache_dir (no fetching).
        self.sns_key = os.path.join(work, "sns-key.pem")
        self.cert_dir = os.path.join(work, "sns-certs")
        os.mkdir(self.cert_dir)
        cert = os.path.join(self.cert_dir, SNS_CERT_URL.rsplit("/", 1)[1])
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.sns_key, "-out", cert,
                "-subj", "/CN=sns.amazonaws.com", "-days", "30")
        self.forger_rsa = os.path.join(work, "forger-rsa.pem")
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.forger_rsa)
        # A Postal mail server's signing key, and its public half as Postal shows it (base64 DER SPKI).
        self.postal_key = os.path.join(work, "postal.pem")
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.postal_key)
        self.postal_public = base64.b64encode(openssl("pkey", "-in", self.postal_key, "-pubout", "-outform", "DER")).decode()

    @staticmethod
    def sign(key, digest, data):
        return base64.b64encode(openssl("dgst", "-" + digest, "-sign", key, data=data)).decode()


# --- genuine and forged requests, one builder per provider -------------------------------------------
# Each builder returns (path, body bytes, headers, query) for a genuine request; forgeries are derived.

def sendgrid(keys, now, email, key=None):
    body = json.dumps([{"email": email, "event": "bounce", "type": "bounce", "status": "5.1.1",
                        "reason": "550 5.1.1 user unknown", "sg_event_id": "sg-" + email,
                        "timestamp": now, "XListmonkCampaign": CAMPAIGN},
                       {"email": "open-" + email, "event": "open", "sg_event_id": "sg-open-" + email,
                        "timestamp": now}]).encode() + b"\r\n"
    ts = str(now).encode()
    sig = Keys.sign(key or keys.sendgrid_key, "sha256", ts + body)
    return body, {"X-Twilio-Email-Event-Webhook-Signature": sig,
                  "X-Twilio-Email-Event-Webhook-Timestamp": ts.decode()}


def sns(keys, now, email, key=None, topic=SNS_TOPIC, cert_url=SNS_CERT_URL, version="2"):
    message = json.dumps({"notificationType": "Complaint",
                          "complaint": {"complainedRecipients": [{"emailAddress": email}],
                                        "complaintFeedbackType": "abuse",
                                        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now))},
                          "mail": {"messageId": "m-" + email, "headersTruncated": False,
                                   "headers": [{"name": "X-Listmonk-Campaign", "value": CAMPAIGN}],
                                   "destination": ["someone-else@example.com", email]}})
    env = {"Type": "Notification", "MessageId": "sns-" + email, "TopicArn": topic, "Message": message,
           "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now)), "SignatureVersion": version,
           "SigningCertURL": cert_url}
    to_sign = "".join(f"{k}\n{env[k]}\n" for k in ("Message", "MessageId", "Timestamp", "TopicArn", "Type"))
    env["Signature"] = Keys.sign(key or keys.sns_key, "sha256" if version == "2" else "sha1", to_sign.encode())
    return json.dumps(env).encode(), {"Content-Type": "text/plain; charset=UTF-8"}


def postmark(email, password="pm-pass"):
    body = json.dumps({"RecordType": "Bounce", "ID": int(hashlib.sha256(email.encode()).hexdigest()[:8], 16), "Type": "HardBounce", "TypeCode": 1,
                       "Email": email, "Details": "smtp;550 5.1.1 unknown", "BouncedAt": "2026-01-01T00:00:00Z",
                       "Metadata": {"X-Listmonk-Campaign": CAMPAIGN}}).encode()
    return body, {"Authorization": "Basic " + base64.b64encode(b"pm-user:" + password.encode()).decode()}


def mailgun(now, email, key=MAILGUN_KEY, token=None, ts=None):
    token = token or hashlib.sha256(email.encode()).hexdigest()[:50]
    ts = str(ts or now)
    sig = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    body = json.dumps({"signature": {"timestamp": ts, "token": token, "signature": sig},
                       "event-data": {"event": "failed", "severity": "temporary", "recipient": email,
                                      "timestamp": now, "delivery-status": {"code": 452, "message": "4.2.2 full"},
                                      "user-variables": {"X-Listmonk-Campaign": CAMPAIGN}}}).encode()
    return body, {"Content-Type": "application/json"}


def sparkpost(email, password="sp-pass"):
    body = json.dumps([{"msys": {"message_event": {"type": "bounce", "bounce_class": "10", "rcpt_to": email,
                                                   "event_id": "sp-" + email, "timestamp": "1790000000",
                                                   "raw_reason": "550 5.1.1 no such user",
                                                   "rcpt_meta": {"X-Listmonk-Campaign": CAMPAIGN}}}}]).encode()
    return body, {"Authorization": "Basic " + base64.b64encode(b"sp-user:" + password.encode()).decode()}


def mailjet(email, password="mj-pass"):
    body = json.dumps({"event": "spam", "time": 1790000000, "MessageID": 77, "email": email,
                       "CustomID": CAMPAIGN}).encode()
    return body, {"Authorization": "Basic " + base64.b64encode(b"mj-user:" + password.encode()).decode()}


def brevo(email, token="brevo-token"):
    body = json.dumps({"event": "soft_bounce", "email": email, "message-id": "<br-" + email + ">",
                       "reason": "452 4.2.2 mailbox full", "ts_epoch": 1790000000000,
                       "X-Mailin-custom": json.dumps({"X-Listmonk-Campaign": CAMPAIGN})}).encode()
    return body, {"Authorization": "Bearer " + token}


def mandrill(email, key=MANDRILL_KEY):
    events = json.dumps([{"event": "hard_bounce", "ts": 1790000000, "_id": "md-" + email,
                          "msg": {"email": email, "diag": "smtp;550 5.1.1 user unknown",
                                  "metadata": {"campaign_uuid": CAMPAIGN}}}], separators=(",", ":"))
    body = urllib.parse.urlencode({"mandrill_events": events}).encode()
    sig = base64.b64encode(hmac.new(key.encode(), (MANDRILL_URL + "mandrill_events" + events).encode(),
                                    hashlib.sha1).digest()).decode()
    return body, {"X-Mandrill-Signature": sig, "Content-Type": "application/x-www-form-urlencoded"}


def resend(now, email, secret=SVIX_SECRET, ts=None):
    body = json.dumps({"type": "email.bounced", "created_at": "2026-01-01T00:00:00.000Z",
                       "data": {"email_id": "rs-" + email, "to": ["Someone <" + email + ">"],
                                "headers": [{"name": "X-Listmonk-Campaign", "value": CAMPAIGN}],
                                "bounce": {"type": "Permanent", "subType": "General",
                                           "message": "550 5.1.1 unknown"}}}).encode()
    msg_id = "msg_" + hashlib.sha1(email.encode()).hexdigest()[:16]
    ts = str(ts or now)
    key = base64.b64decode(secret[len("whsec_"):])
    sig = base64.b64encode(hmac.new(key, msg_id.encode() + b"." + ts.encode() + b"." + body,
                                    hashlib.sha256).digest()).decode()
    return body, {"svix-id": msg_id, "svix-timestamp": ts, "svix-signature": "v1," + sig}


def forwardemail(email, key=FORWARDEMAIL_KEY):
    body = json.dumps({"email_id": "fe-" + email, "recipient": email,
                       "bounce": {"category": "recipient", "code": 550, "status": "5.1.1"},
                       "headers": {"X-Listmonk-Campaign": CAMPAIGN}}).encode()
    return body, {"X-Webhook-Signature": hmac.new(key.encode(), body, hashlib.sha256).hexdigest()}


def lettermint(now, email, key=LETTERMINT_KEY, ts=None):
    body = json.dumps({"id": "lm-" + email, "event": "message.soft_bounced", "timestamp": "2026-01-01T00:00:00Z",
                       "data": {"recipient": email, "headers": [{"name": "X-Listmonk-Campaign", "value": CAMPAIGN}],
                                "response": {"status_code": 452, "enhanced_status_code": "4.2.2"}}}).encode()
    ts = str(ts or now)
    sig = hmac.new(key.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {"X-Lettermint-Signature": f"t={ts},v1={sig}"}


def azure(email):
    body = json.dumps([{"id": "az-" + email, "eventType": "Microsoft.Communication.EmailDeliveryReportReceived",
                        "data": {"recipient": email, "messageId": "m", "status": "Bounced",
                                 "deliveryStatusDetails": {"statusMessage": "550 5.1.1 unknown"},
                                 "deliveryAttemptTimeStamp": "2026-01-01T00:00:00Z"}}]).encode()
    return body, {"aeg-event-type": "Notification"}


def postal(keys, now, email, event="MessageDeliveryFailed", status="HardFail", output="", key=None,
           signatures=("256", "1"), uuid=None):
    """Postal's webhook body ({event, timestamp, payload, uuid}) signed like Postal signs it: RSA over the
    raw body, SHA-256 in X-Postal-Signature-256 and SHA-1 in X-Postal-Signature."""
    message = {"id": 7, "token": "tok", "direction": "outgoing", "message_id": "m-" + email, "to": email,
               "from": "news@lists.example.com", "subject": "Issue 12", "timestamp": now - 60, "tag": None}
    if event == "MessageBounced":
        payload = {"original_message": message,
                   "bounce": {"id": 8, "token": "tok2", "direction": "incoming", "message_id": "b-" + email,
                              "to": "bounces@lists.example.com", "from": "MAILER-DAEMON@mx.example.net",
                              "subject": "Undelivered Mail Returned to Sender", "timestamp": now - 30}}
    else:
        payload = {"status": status, "details": f"Permanent SMTP delivery error when sending to mx.example.net",
                   "output": output, "sent_with_ssl": False, "timestamp": now - 10, "time": 0.2, "message": message}
    body = json.dumps({"event": event, "timestamp": now - 5 + 0.25, "payload": payload,
                       "uuid": uuid or "pw-" + hashlib.sha256(email.encode()).hexdigest()[:24]}).encode()
    headers = {"Content-Type": "application/json"}
    if "256" in signatures:
        headers["X-Postal-Signature-256"] = Keys.sign(key or keys.postal_key, "sha256", body)
    if "1" in signatures:
        headers["X-Postal-Signature"] = Keys.sign(key or keys.postal_key, "sha1", body)
    return body, headers


def write_config(path, work, listen, listmonk_port, keys, extra=""):
    with open(path, "w") as f:
        f.write(f"""
[outbox]
path = "{work}/outbox.sqlite"

[listmonk]
url = "http://127.0.0.1:{listmonk_port}"
username = "bounce-milter"
token = "secret-token"

[hooks]
listen = "{listen}"
max_body_bytes = 65536
threads = 4

[hooks.ses]
topic_arns = ["{SNS_TOPIC}"]
cert_cache_dir = "{keys.cert_dir}"

[hooks.sendgrid]
public_key = "{SENDGRID_PUBLIC_KEY}"

[hooks.postmark]
username = "pm-user"
password = "pm-pass"

[hooks.mailgun]
signing_key = "{MAILGUN_KEY}"

[hooks.sparkpost]
username = "sp-user"
password = "sp-pass"

[hooks.mailjet]
username = "mj-user"
password = "mj-pass"

[hooks.brevo]
token = "brevo-token"

[hooks.mandrill]
key = "{MANDRILL_KEY}"
url = "{MANDRILL_URL}"

[hooks.resend]
secret = "{SVIX_SECRET}"

[hooks.forwardemail]
key = "{FORWARDEMAIL_KEY}"

[hooks.lettermint]
key = "{LETTERMINT_KEY}"

[hooks.azure]
secret = "azure-secret"

[hooks.postal]
public_key = "{keys.postal_public}"
{extra}
""")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    hooks_bin = os.path.join(args.build, "bounce-hooks")
    fake = os.path.join(args.source, "tests", "e2e", "fake_listmonk.py")
    work = tempfile.mkdtemp(prefix="bounce-hooks-e2e-")
    procs = []
    try:
        keys = Keys(work)
        port_file = os.path.join(work, "listmonk.port")
        procs.append(subprocess.Popen([sys.executable, fake, "--port", "0", "--port-file", port_file,
                                       "--user", "bounce-milter", "--token", "secret-token"],
                                      stdout=subprocess.DEVNULL))
        if not wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 10):
            raise RuntimeError("fake listmonk did not start")
        listmonk = f"http://127.0.0.1:{int(open(port_file).read().strip())}"

        hooks_port = free_port()
        config = os.path.join(work, "hooks.toml")
        write_config(config, work, f"127.0.0.1:{hooks_port}", listmonk.rsplit(":", 1)[1], keys)

        # --check-config: a good file passes; a broken one names file:line and exits 1.
        r = subprocess.run([hooks_bin, "-c", config, "--check-config"], capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, f"--check-config on a good file: rc={r.returncode} {r.stderr}")
        bad = os.path.join(work, "bad.toml")
        write_config(bad, work, "127.0.0.1:1", "1", keys, extra='\n[hooks.nosuchprovider]\nkey = "x"\n')
        r = subprocess.run([hooks_bin, "-c", bad, "--check-config"], capture_output=True, text=True, timeout=30)
        check(r.returncode == 1 and "bad.toml:" in r.stderr, f"--check-config on a bad file: rc={r.returncode} {r.stderr}")

        if os.geteuid() == 0:
            r = subprocess.run([hooks_bin, "-c", config, "-f"], capture_output=True, text=True, timeout=30)
            check(r.returncode != 0 and "root" in r.stderr, f"refuses root without --user: rc={r.returncode}")

        log = open(os.path.join(work, "hooks.log"), "w")
        cmd = [hooks_bin, "-c", config, "-f"] + (["--allow-root"] if os.geteuid() == 0 else [])
        hooks = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        procs.append(hooks)
        base = f"http://127.0.0.1:{hooks_port}"
        if not wait_for(lambda: hooks.poll() is None and _healthy(base), 15):
            raise RuntimeError("bounce-hooks did not become healthy; log:\n" + open(log.name).read())

        now = int(time.time())
        expected = {}  # email -> (type, campaign)
        forged_statuses = []

        def genuine(provider, body, headers, email, kind, query=""):
            status, reply = http("POST", f"{base}/webhooks/service/{provider}{query}", body, headers)
            check(status == 200, f"{provider}: genuine request answered {status} {reply[:200]!r}")
            expected[email] = (kind, CAMPAIGN if provider not in ("azure", "postal") else None)

        def forged(provider, body, headers, what, query=""):
            status, reply = http("POST", f"{base}/webhooks/service/{provider}{query}", body, headers)
            check(status in (401, 403), f"{provider}: forgery ({what}) answered {status} {reply[:200]!r}")
            forged_statuses.append(status)

        # Genuine requests, fresh timestamps, signed with the public test keys.
        genuine("sendgrid", *sendgrid(keys, now, "sg@example.com"), "sg@example.com", "hard")
        genuine("ses", *sns(keys, now, "ses@example.com"), "ses@example.com", "complaint")
        genuine("ses", *sns(keys, now, "ses1@example.com", version="1"), "ses1@example.com", "complaint")
        genuine("postmark", *postmark("pm@example.com"), "pm@example.com", "hard")
        genuine("mailgun", *mailgun(now, "mg@example.com"), "mg@example.com", "soft")
        genuine("sparkpost", *sparkpost("sp@example.com"), "sp@example.com", "hard")
        genuine("mailjet", *mailjet("mj@example.com"), "mj@example.com", "complaint")
        genuine("brevo", *brevo("br@example.com"), "br@example.com", "soft")
        genuine("mandrill", *mandrill("md@example.com"), "md@example.com", "hard")
        genuine("resend", *resend(now, "rs@example.com"), "rs@example.com", "hard")
        genuine("forwardemail", *forwardemail("fe@example.com"), "fe@example.com", "hard")
        genuine("lettermint", *lettermint(now, "lm@example.com"), "lm@example.com", "soft")
        genuine("azure", *azure("az@example.com"), "az@example.com", "hard", query="?code=azure-secret")
        # Postal: the reply decides the type before Postal's HardFail; SHA-256 and SHA-1 each suffice alone.
        genuine("postal", *postal(keys, now, "pl-hard@example.com",
                                  output="550 5.1.1 <pl-hard@example.com>: Recipient address rejected: User unknown"),
                "pl-hard@example.com", "hard")
        genuine("postal", *postal(keys, now, "pl-soft@example.com", status="SoftFail", output="451 4.3.0 try later"),
                "pl-soft@example.com", "soft")
        genuine("postal", *postal(keys, now, "pl-block@example.com",
                                  output="554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using "
                                         "zen.spamhaus.org"), "pl-block@example.com", "soft")
        genuine("postal", *postal(keys, now, "pl-bounced@example.com", event="MessageBounced"),
                "pl-bounced@example.com", "soft")
        genuine("postal", *postal(keys, now, "pl-sha256@example.com", output="550 5.1.1 user unknown",
                                  signatures=("256",)), "pl-sha256@example.com", "hard")
        genuine("postal", *postal(keys, now, "pl-sha1@example.com", output="550 5.1.1 user unknown",
                                  signatures=("1",)), "pl-sha1@example.com", "hard")
        status, _ = http("POST", f"{base}/webhooks/service/postal",
                         *postal(keys, now, "pl-held@example.com", event="MessageHeld", status="Held"))
        check(status == 200, f"postal MessageHeld answered {status}")
        # The public vectors that carry no timestamp verify as they are.
        mandrill_vector = ("mandrill_events=%5B%7B%22event%22%3A%22hard_bounce%22%2C%22ts%22%3A1700000000%2C%22msg%22%3A"
                           "%7B%22email%22%3A%22bounce%40example.com%22%2C%22bounce_description%22%3A%22bad_mailbox%22%2C"
                           "%22diag%22%3A%22smtp%3B550+5.1.1+user+unknown%22%2C%22metadata%22%3A%7B%22campaign_uuid%22%3A"
                           "%22d6da0074-1084-4aa1-9c62-65fde375d33c%22%7D%7D%7D%5D").encode()
        genuine("mandrill", mandrill_vector, {"X-Mandrill-Signature": "IXkxdgDLvbVCsfLm49fEvPoMXZ8="},
                "bounce@example.com", "hard")
        fe_vector = (b'{"recipient":"User@Example.com","bounce":{"category":"recipient","action":"reject","code":550,'
                     b'"status":"5.1.1"},"headers":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"},'
                     b'"bounced_at":"2025-01-09T10:00:00.000Z"}')
        genuine("forwardemail", fe_vector,
                {"X-Webhook-Signature": "1680317df3669278e3f357f992c1a74e3352c75d84ad0638c6aa891f5d605b50"},
                "user@example.com", "hard")

        # Retries of genuine requests are answered 200 and not forwarded twice (outbox dedup).
        status, _ = http("POST", f"{base}/webhooks/service/forwardemail", *forwardemail("fe@example.com"))
        check(status == 200, f"forwardemail retry answered {status}")
        # A Mailgun token is single-use: the exact replay is refused.
        mg_body, mg_headers = mailgun(now, "mg@example.com")
        status, _ = http("POST", f"{base}/webhooks/service/mailgun", mg_body, mg_headers)
        check(status == 403, f"mailgun replay answered {status}")

        # Postal's first request posted again: 200 (so Postal stops retrying), nothing forwarded twice.
        status, _ = http("POST", f"{base}/webhooks/service/postal",
                         *postal(keys, now, "pl-hard@example.com",
                                 output="550 5.1.1 <pl-hard@example.com>: Recipient address rejected: User unknown"))
        check(status == 200, f"postal replay answered {status}")

        # Forgeries: wrong keys, tampered bodies, stale timestamps, missing headers, foreign topics.
        forged("sendgrid", *sendgrid(keys, now, "f-sg@example.com", key=keys.forger_key), "own key")
        body, headers = sendgrid(keys, now, "f-sg2@example.com")
        forged("sendgrid", body.replace(b"5.1.1", b"5.1.2"), headers, "tampered body")
        forged("sendgrid", *sendgrid(keys, now - 3600, "f-sg3@example.com"), "stale timestamp")
        forged("sendgrid", body, {}, "missing headers")
        forged("ses", *sns(keys, now, "f-ses@example.com", key=keys.forger_rsa), "own RSA key")
        forged("ses", *sns(keys, now, "f-ses2@example.com", topic="arn:aws:sns:us-east-1:999999999999:evil"),
               "foreign topic")
        forged("ses", *sns(keys, now, "f-ses3@example.com",
                           cert_url="https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-01.pem"),
               "foreign certificate URL")
        forged("postmark", *postmark("f-pm@example.com", password="guess"), "wrong password")
        forged("mailgun", *mailgun(now, "f-mg@example.com", key="key-wrong"), "wrong key")
        forged("mailgun", *mailgun(now, "f-mg2@example.com", ts=now - 3600), "stale timestamp")
        forged("sparkpost", *sparkpost("f-sp@example.com", password="guess"), "wrong password")
        forged("mailjet", *mailjet("f-mj@example.com", password="guess"), "wrong password")
        forged("brevo", *brevo("f-br@example.com", token="guess"), "wrong token")
        forged("mandrill", *mandrill("f-md@example.com", key="wrong"), "wrong key")
        forged("resend", *resend(now, "f-rs@example.com", secret="whsec_" + base64.b64encode(b"wrong").decode()),
               "wrong secret")
        forged("resend", *resend(now, "f-rs2@example.com", ts=now - 3600), "stale timestamp")
        forged("forwardemail", *forwardemail("f-fe@example.com", key="wrong"), "wrong key")
        body, headers = forwardemail("f-fe2@example.com")
        forged("forwardemail", body + b" ", headers, "changed byte")
        forged("lettermint", *lettermint(now, "f-lm@example.com", key="wrong"), "wrong key")
        forged("lettermint", *lettermint(now, "f-lm2@example.com", ts=now - 3600), "stale timestamp")
        body, headers = postal(keys, now, "f-pl@example.com", output="550 5.1.1 user unknown")
        forged("postal", body.replace(b"f-pl@", b"f-pL@"), headers, "changed byte")
        forged("postal", body, {"Content-Type": "application/json"}, "no signature")
        forged("postal", *postal(keys, now, "f-pl2@example.com", output="550 5.1.1 x", key=keys.forger_rsa),
               "another key")
        forged("postal", *postal(keys, now, "f-pl3@example.com", output="550 5.1.1 x", key=keys.forger_rsa,
                                 signatures=("1",)), "another key, SHA-1")
        forged("postal", *postal(keys, now - 7200, "f-pl4@example.com", output="550 5.1.1 x"), "stale timestamp")
        forged("azure", *azure("f-az@example.com"), "missing secret")
        forged("azure", *azure("f-az2@example.com"), "wrong secret", query="?code=guess")

        # Limits and routing.
        status, _ = http("POST", f"{base}/webhooks/service/forwardemail", b"x" * 70000, {})
        check(status == 413, f"oversized body answered {status}")
        status, _ = http("HEAD", f"{base}/webhooks/service/mandrill")
        check(status == 200, f"Mandrill HEAD answered {status}")

        # Every genuine event arrives exactly once; nothing forged does.
        def arrived():
            status, reply = http("GET", f"{listmonk}/__admin/bounces")
            return json.loads(reply) if status == 200 else []

        wait_for(lambda: len(arrived()) >= len(expected), 30, step=0.2)
        time.sleep(1.5)  # anything extra (duplicates, forgeries) would show up now
        bounces = arrived()
        seen = {}
        for b in bounces:
            seen.setdefault(b.get("email"), []).append(b)
        for email, (kind, campaign) in expected.items():
            got = seen.get(email, [])
            check(len(got) == 1, f"{email}: forwarded {len(got)} times, expected once")
            if got:
                check(got[0].get("type") == kind, f"{email}: type {got[0].get('type')} != {kind}")
                if campaign:
                    check(got[0].get("campaign_uuid") == campaign, f"{email}: campaign {got[0].get('campaign_uuid')}")
        extra = [e for e in seen if e not in expected]
        check(not extra, f"unexpected forwarded addresses: {extra}")
        check("someone-else@example.com" not in seen, "SES complaint blamed destination[0]")

        status, metrics = http("GET", f"{base}/metrics")
        check(status == 200 and b"bounce_hooks_verification_failures_total" in metrics, "metrics exposed")
        text = metrics.decode()
        check('bounce_outbox_depth{sink="listmonk"} 0\n' in text, "outbox depth 0 once everything was forwarded")
        delivered = f'bounce_outbox_deliveries{{sink="listmonk",state="delivered"}} {len(bounces)}\n'
        check(delivered in text, f"outbox gauges count the {len(bounces)} events listmonk got")

        hooks.terminate()
        try:
            rc = hooks.wait(10)
            check(rc == 0, f"bounce-hooks exit code on SIGTERM: {rc}")
        except subprocess.TimeoutExpired:
            check(False, "bounce-hooks did not stop on SIGTERM within 10 s")
        print(f"genuine events: {len(expected)}, forgeries refused: {len(forged_statuses)}, "
              f"forwarded: {len(bounces)}", flush=True)
        if failures:
            print("--- bounce-hooks log ---\n" + open(log.name).read()[-4000:])
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def _healthy(base):
    try:
        return http("GET", base + "/healthz", timeout=1)[0] == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
