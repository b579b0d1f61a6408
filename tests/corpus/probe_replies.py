#!/usr/bin/env python3
"""How bounce-parse classifies a list of reply texts, one per line, each put as the remote reply of a
minimal Postfix DSN at a given SMTP stage with a given status. Prints the texts that do not get the
expected reason, then a count. Used to check a catalogue of real replies against the tables before
and after a change (what is missing, what a new row would collide with); not a test.

  python3 tests/corpus/probe_replies.py --bin build/bounce-parse REASON FILE [--stage "RCPT TO"] [--status 5.0.0]
"""
import argparse
import json
import os
import subprocess
import tempfile

TEMPLATE = """From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
To: bounces@lists.example.com
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host mx.example.com.

<rcpt@example.net>: host mx.example.net[192.0.2.1] said: {code} {text} (in reply to {stage} command)

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; rcpt@example.net
Action: failed
Status: {status}
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; {code} {text}

--B--
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="path to bounce-parse")
    ap.add_argument("reason", help="the reason every text should get")
    ap.add_argument("file", help="reply texts, one per line")
    ap.add_argument("--stage", default="RCPT TO", help="SMTP command the reply answered (default RCPT TO)")
    ap.add_argument("--status", default="5.0.0", help="enhanced status of the report (default 5.0.0, generic)")
    args = ap.parse_args()
    code = "450" if args.status.startswith("4") else "550"
    texts = [line.strip() for line in open(args.file, encoding="utf-8") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, text in enumerate(texts):
            path = os.path.join(tmp, "%04d.eml" % i)
            with open(path, "w", encoding="utf-8") as out:
                out.write(TEMPLATE.format(text=text, stage=args.stage, status=args.status, code=code))
            files.append(path)
        got = {}
        for i in range(0, len(files), 200):
            run = subprocess.run([args.bin] + files[i:i + 200], capture_output=True, text=True, timeout=300)
            for line in run.stdout.splitlines():
                report = json.loads(line)
                events = report.get("events", [])
                got[report.get("file")] = events[0]["reason"] if events else None
    wrong = [(text, got.get(path)) for path, text in zip(files, texts) if got.get(path) != args.reason]
    for text, reason in wrong:
        print("  %-72s -> %s" % (text[:72], reason))
    print("%s at %s: %d of %d texts not %s" % (args.reason, args.stage, len(wrong), len(texts), args.reason))


if __name__ == "__main__":
    main()
