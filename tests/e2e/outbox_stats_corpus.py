#!/usr/bin/env python3
"""`bounce-outbox stats` over an outbox filled from the Sisimai sample corpus (read in place, never copied).

The corpus is backfilled with `bounce-parse --forward` into an outbox with a file sink. Then, for each
grouping (default, --by receiver, --by reason, --by campaign), the table and --json must tell the same
numbers: the totals block and every row's NOW and BEFORE, in the same order. The JSON's figures are
checked against what the file sink received (the events' meta.receiver and meta.reason, counted here
independently), flagged rows must be exactly those with reputation reasons and carry reply texts.
The window splits the corpus's bounce dates (2010s) so both columns hold data.

Usage: outbox_stats_corpus.py --build BUILD_DIR --corpus SISIMAI_DIR [--print]
Exit 77 when the corpus is absent.
"""

import argparse
import collections
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile


def run(argv):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit("%s exited %d:\n%s%s" % (" ".join(argv), r.returncode, r.stdout, r.stderr))
    return r.stdout


def table_numbers(text, columns):
    """Totals {name: (now, before)} and rows [(key tuple, now, before)] as the table prints them."""
    totals, rows = {}, []
    lines = text.splitlines()
    header = None
    for i, line in enumerate(lines):
        cells = line.split()
        if not cells:
            continue
        if cells[0] in ("total", "hard", "soft", "complaint", "reputation") and header is None and len(cells) == 4:
            totals[cells[0]] = (int(cells[1]), int(cells[2]))
        elif cells[:len(columns)] == [c.upper() for c in columns]:
            header = i
        elif header is not None and not line.startswith("    > ") and not line.startswith("reputation reasons:"):
            key = tuple(cells[:len(columns)])
            rows.append((key, int(cells[len(columns)]), int(cells[len(columns) + 1]), "<- reputation" in line))
    return totals, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--print", action="store_true", help="print the tables")
    args = ap.parse_args()
    eml = os.path.join(args.corpus, "eml")
    if not os.path.isdir(eml):
        print("corpus not found at %s: skipped" % eml)
        return 77
    parse = os.path.join(os.path.abspath(args.build), "bounce-parse")
    admin = os.path.join(os.path.abspath(args.build), "bounce-outbox")

    with tempfile.TemporaryDirectory(prefix="stats-corpus-") as tmp:
        outbox = os.path.join(tmp, "outbox.sqlite")
        sink = os.path.join(tmp, "bounces.jsonl")
        conf = os.path.join(tmp, "backfill.toml")
        with open(conf, "w") as f:
            # The corpus's bounces carry no listmonk subscriber UUID and some name many recipients: for
            # deliverability figures every one counts, so none is held back.
            f.write('[milter]\nbounce_addresses = ["bounces@lists.example.com"]\nforward_without_uuid = true\n'
                    'max_events_per_report = 100\n\n[outbox]\npath = "%s"\n\n[file]\npath = "%s"\n' % (outbox, sink))
        run([parse, "--forward", "-c", conf, "--no-progress", eml])
        with open(sink) as f:
            events = [json.loads(line) for line in f if line.strip()]
        if len(events) < 300:
            raise SystemExit("only %d events from the corpus" % len(events))

        # The window: the last 10 years against the 10 before, which splits the corpus's dates.
        since = "3650d"
        now = datetime.datetime.now(datetime.timezone.utc)
        start, previous_start = now - datetime.timedelta(days=3650), now - datetime.timedelta(days=7300)

        def bounced(event):
            return datetime.datetime.strptime(event["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.timezone.utc)

        current = [e for e in events if start <= bounced(e) < now]
        previous = [e for e in events if previous_start <= bounced(e) < start]
        if not current or not previous:
            raise SystemExit("the window does not split the corpus: %d now, %d before" % (len(current), len(previous)))

        groupings = {None: ["receiver", "reason", "type"], "receiver": ["receiver"], "reason": ["reason"],
                     "campaign": ["campaign"]}
        reputation = None
        for by, columns in groupings.items():
            extra = ["--by", by] if by else []
            text = run([admin, "--outbox", outbox, "stats", "--since", since] + extra)
            doc = json.loads(run([admin, "--outbox", outbox, "stats", "--since", since, "--json"] + extra))
            if args.print:
                print("$ bounce-outbox stats --since %s%s\n%s" % (since, " --by " + by if by else "", text))
            reputation = set(doc["reputation_reasons"])
            totals, rows = table_numbers(text, columns)
            for name in ("total", "hard", "soft", "complaint", "reputation"):
                if totals.get(name) != (doc["current"][name], doc["previous"][name]):
                    raise SystemExit("%s: table %s, json %s/%s" % (name, totals.get(name), doc["current"][name],
                                                                   doc["previous"][name]))
            json_rows = [(tuple(r[c] for c in columns), r["current"]["total"], r["previous"]["total"], r["flagged"])
                         for r in doc["rows"]]
            if rows != json_rows:
                raise SystemExit("rows differ (--by %s):\ntable %s\njson  %s" % (by, rows[:5], json_rows[:5]))
            if sum(r[1] for r in rows) != doc["current"]["total"] or sum(r[2] for r in rows) != doc["previous"]["total"]:
                raise SystemExit("rows do not add up to the totals (--by %s)" % by)

            # The same figures counted here from what the file sink received.
            if doc["current"]["total"] != len(current) or doc["previous"]["total"] != len(previous):
                raise SystemExit("totals %d/%d, the file sink's events %d/%d" % (
                    doc["current"]["total"], doc["previous"]["total"], len(current), len(previous)))
            if by == "receiver":
                want = collections.Counter(e["meta"].get("receiver", "-") for e in current)
                got = {r["receiver"]: r["current"]["total"] for r in doc["rows"] if r["current"]["total"]}
                if got != dict(want):
                    raise SystemExit("by receiver %s, file sink %s" % (got, dict(want)))
                if len(got) < 5 or "other" not in got:
                    raise SystemExit("too few receiver families recognised in the corpus: %s" % got)
            if by == "reason":
                want = collections.Counter(e["meta"].get("reason", "-") for e in current)
                got = {r["reason"]: r["current"]["total"] for r in doc["rows"] if r["current"]["total"]}
                if got != dict(want):
                    raise SystemExit("by reason %s, file sink %s" % (got, dict(want)))
                for r in doc["rows"]:
                    if r["flagged"] != (r["reason"] in reputation and r["current"]["total"] > 0):
                        raise SystemExit("flag of %s is %s" % (r["reason"], r["flagged"]))
            for r in doc["rows"]:
                if r["flagged"] and not r["samples"]:
                    raise SystemExit("flagged row without a reply text: %s" % r)
                if len(r["samples"]) > 2 or len(set(r["samples"])) != len(r["samples"]):
                    raise SystemExit("samples: %s" % r["samples"])
            if by is None and not any(r["flagged"] for r in doc["rows"]):
                raise SystemExit("no reputation row in the corpus")
        wanted_reputation = {"blocked", "spamdetected", "badreputation", "authfailure", "requireptr", "toomanyconn",
                             "speeding"}
        if not wanted_reputation <= reputation:
            raise SystemExit("reputation reasons %s miss some of %s" % (reputation, wanted_reputation))
        print("ok - %d corpus events: table and --json agree for 4 groupings; %d now, %d before" % (
            len(events), len(current), len(previous)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
