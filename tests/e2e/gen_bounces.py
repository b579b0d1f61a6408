#!/usr/bin/env python3
"""Writes thousands of distinct RFC 3464 bounces (Postfix-style DSNs) for load and exactly-once tests.

Every DSN has its own Message-ID, original Message-ID, a random recipient and that subscriber's
X-Listmonk-Subscriber UUID in the returned headers (events without one are held, not forwarded), so each
one yields exactly one forwarded event with its own idempotency key. Output: PARTS mbox files out-1.mbox .. out-PARTS.mbox (messages
dealt round-robin), and a manifest (one recipient per line) to check what arrived.

  gen_bounces.py --count 10000 --parts 3 --out DIR [--seed 1] [--refuse-every 0] [--without-uuid]

--refuse-every K makes every K-th recipient start with "refuse-", for a fake listmonk in reject400 mode.
--without-uuid leaves the X-Listmonk-Subscriber header out: bounces an outsider could have written.
"""

import argparse
import os
import random
import string
import uuid

TEMPLATE = """\
From MAILER-DAEMON  Tue Jul 21 10:{minute:02d}:{second:02d} 2026
Return-Path: <>
Delivered-To: bounces@lists.example.com
Received: by mx.lists.example.com (Postfix, from userid 0) id {queue_id}; Tue, 21 Jul 2026 10:{minute:02d}:{second:02d} +0000
Date: Tue, 21 Jul 2026 10:{minute:02d}:{second:02d} +0000
From: MAILER-DAEMON@mx.lists.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces@lists.example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"
Message-Id: <{dsn_id}@mx.lists.example.com>

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.lists.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host mx.{domain}[192.0.2.{octet}] said: 550 5.1.1 <{rcpt}>: Recipient
    address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.lists.example.com
X-Postfix-Queue-ID: {queue_id}
Arrival-Date: Tue, 21 Jul 2026 10:00:00 +0000

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.{domain}
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <bounces@lists.example.com>
From: News <news@lists.example.com>
To: {rcpt}
Subject: Our newsletter
Message-Id: <{orig_id}@lists.example.com>
Date: Tue, 21 Jul 2026 09:59:00 +0000
{subscriber_header}
--{boundary}--

"""


def token(rng, n):
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def bounces(count, seed=1, refuse_every=0, with_uuid=True):
    """The distinct DSNs as (recipient, message text) pairs, LF line endings, each starting with its mbox
    "From " line (strip it before sending over SMTP)."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        refuse = refuse_every > 0 and i % refuse_every == refuse_every - 1
        local = ("refuse-" if refuse else "u") + token(rng, 10) + "-" + str(i)
        domain = rng.choice(["example.org", "example.net", "mail.example.com", "example.co.jp"])
        rcpt = local + "@" + domain
        out.append((rcpt, TEMPLATE.format(
            minute=(i // 60) % 60, second=i % 60, queue_id="%X" % rng.getrandbits(40), boundary="b-" + token(rng, 16),
            dsn_id="dsn-%d-%s" % (i, token(rng, 8)), orig_id="orig-%d-%s" % (i, token(rng, 8)), rcpt=rcpt,
            domain=domain, octet=rng.randint(1, 254), subscriber_header=("X-Listmonk-Subscriber: %s\n" % uuid.UUID(int=rng.getrandbits(128), version=4)
                               if with_uuid else ""))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--parts", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--refuse-every", type=int, default=0)
    ap.add_argument("--without-uuid", action="store_true")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    files = [open(os.path.join(args.out, "out-%d.mbox" % (p + 1)), "w", encoding="ascii", newline="\n")
             for p in range(args.parts)]
    recipients = []
    for i, (rcpt, text) in enumerate(bounces(args.count, args.seed, args.refuse_every, not args.without_uuid)):
        recipients.append(rcpt)
        files[i % args.parts].write(text)
    for f in files:
        f.close()
    with open(os.path.join(args.out, "manifest.txt"), "w", encoding="ascii") as f:
        f.write("\n".join(recipients) + "\n")


if __name__ == "__main__":
    main()
