#!/usr/bin/env python3
"""bounce-parse --explain: text naming, per event, the decoder, the evidence and the deciding rules;
the JSON output without the flag stays as it was (no new fields)."""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = sys.argv[1]
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "example-bounce.eml")

# A 5.7.1 refusal whose words name a block list: the generic code must yield to the wording.
GENERIC = """From: MAILER-DAEMON@example.org
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail system could not deliver your message.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; reader@example.net
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked
    using zen.spamhaus.org

--B
Content-Type: text/rfc822-headers

To: reader@example.net
X-Listmonk-Subscriber: 6f1c0a52-7d3e-4c1f-9a3b-2f0c6d4e8a11

--B--
"""


def run(*args):
    out = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        sys.exit(f"bounce-parse {' '.join(args)} exited {out.returncode}: {out.stderr}")
    return out.stdout


def expect(text, needle):
    if needle not in text:
        sys.exit(f"missing {needle!r} in:\n{text}")


plain = run(FIXTURE)
record = json.loads(plain)
event = record["events"][0]
if set(event) != {"recipient", "action", "status", "reply_code", "reason", "type", "diagnostic", "remote_mta",
                  "receiver", "subscriber_uuid", "campaign_uuid"}:
    sys.exit(f"JSON fields changed: {sorted(event)}")

explained = run("--explain", FIXTURE)
expect(explained, "reader.gone@recipient.example.net -> userunknown / hard")
expect(explained, "recipient found by: RFC 3464 delivery-status part")
expect(explained, "status: 5.1.1 (implies userunknown)")
expect(explained, "smtp command: RCPT")
expect(explained, 'matched phrases: "user unknown"')
expect(explained, "reason decided by: the status code and the wording agree")
expect(explained, "type decided by: hard")
if explained.lstrip().startswith("{"):
    sys.exit("--explain printed JSON")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "generic.eml")
    with open(path, "w") as fh:
        fh.write(GENERIC)
    explained = run("--explain", path)
    expect(explained, "reader@example.net -> blocked / soft")
    expect(explained, "status: 5.7.1 (implies securityerror), generic: wording outranks it")
    expect(explained, '"blocked using"')
    expect(explained, '"spamhaus"')
    expect(explained, "(a 5.x.x status makes it permanent for this message, not for the address)")
    if json.loads(run(path))["events"][0]["reason"] != "blocked":
        sys.exit("JSON and --explain disagree")
print("ok")
