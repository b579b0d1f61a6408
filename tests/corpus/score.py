#!/usr/bin/env python3
"""Scores bounce-parse against the Sisimai sample corpus (../shared/corpus/sisimai).

Runs the CLI over eml/, dos/, mac/ and negatives/, compares each event with expected.tsv and
prints recall, precision, type, reason and status accuracy per family (the file-name prefix
before the number), and how many events ended in `onhold`/`undefined` (nothing decided them).
With --require, exits 1 when a figure falls below its floor, so CTest can guard against
regressions. The corpus is read in place; nothing is copied.
"""
import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys


def family_of(name):
    base = os.path.basename(name)
    m = re.match(r"(.+?)-\d+\.eml$", base)
    return m.group(1) if m else base.replace(".eml", "")


def load_expected(path):
    rows = collections.defaultdict(list)
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rows[row["file"]].append(row)
    return rows


def run_parser(binary, paths):
    out = subprocess.run([binary, *paths], capture_output=True, text=True, timeout=600)
    results = {}
    for line in out.stdout.splitlines():
        obj = json.loads(line)
        results[obj["file"]] = obj
    return results


def status_matches(expected, got):
    if re.match(r"^\d\.0\.9\d\d$", expected or ""):
        return None  # Sisimai's invented pseudo-codes are not graded
    return (expected or "") == (got or "")


class Tally:
    def __init__(self):
        self.c = collections.Counter()

    def add(self, key, n=1):
        self.c[key] += n

    def pct(self, num, den):
        return 100.0 * self.c[num] / self.c[den] if self.c[den] else 100.0


def score(corpus, binary, sets):
    expected = load_expected(os.path.join(corpus, "expected.tsv"))
    per_family = collections.defaultdict(Tally)
    overall = Tally()
    misses = []
    for subset in sets:
        folder = os.path.join(corpus, subset)
        if not os.path.isdir(folder):
            continue
        files = sorted(os.listdir(folder))
        results = run_parser(binary, [os.path.join(folder, f) for f in files])
        for f in files:
            path = os.path.join(folder, f)
            got = results.get(path)
            fam = "negatives" if subset == "negatives" else family_of(f)
            tallies = (per_family[fam], overall)
            if got is None:
                for t in tallies:
                    t.add("missing_output")
                misses.append(f"{subset}/{f}: no output line")
                continue
            events = got.get("events", [])
            if subset == "negatives":
                for t in tallies:
                    t.add("none_rows")
                    t.add("none_ok", 1 if not events else 0)
                if events:
                    misses.append(f"{subset}/{f}: events on a negative")
                continue
            rows = expected.get(f, [])
            by_rcpt = {e["recipient"]: e for e in events}
            wanted = [r for r in rows if r["type"] != "none"]
            unwanted = [r for r in rows if r["type"] == "none"]
            for r in unwanted:
                for t in tallies:
                    t.add("none_rows")
                ok = (not events) if not r["recipient"] else (r["recipient"].lower() not in by_rcpt)
                for t in tallies:
                    t.add("none_ok", 1 if ok else 0)
                if not ok:
                    misses.append(f"{subset}/{f}: events for a none row ({r['reason']})")
            wanted_rcpts = set()
            for r in wanted:
                rcpt = r["recipient"].lower()
                wanted_rcpts.add(rcpt)
                for t in tallies:
                    t.add("rows")
                e = by_rcpt.get(rcpt)
                if e is None:
                    misses.append(f"{subset}/{f}: missed {rcpt} ({r['reason']})")
                    continue
                for t in tallies:
                    t.add("found")
                    t.add("type_ok", 1 if e["type"] == r["type"] else 0)
                    t.add("reason_ok", 1 if e["reason"] == r["reason"] else 0)
                    # A verdict of ignorance: nothing in the evidence decided the reason.
                    t.add("undecided", 1 if e["reason"] in ("onhold", "undefined") else 0)
                sm = status_matches(r["status"], e.get("status"))
                if sm is not None:
                    for t in tallies:
                        t.add("status_rows")
                        t.add("status_ok", 1 if sm else 0)
                if e["type"] != r["type"] or e["reason"] != r["reason"] or sm is False:
                    misses.append(
                        f"{subset}/{f}: {rcpt} type {e['type']}/{r['type']} reason {e['reason']}/{r['reason']} "
                        f"status {e.get('status')}/{r['status']}"
                    )
            for e in events:
                for t in tallies:
                    t.add("events")
                    t.add("true_events", 1 if e["recipient"] in wanted_rcpts else 0)
                if e["recipient"] not in wanted_rcpts and not unwanted:
                    misses.append(f"{subset}/{f}: invented {e['recipient']}")
    return per_family, overall, misses


def figures(t):
    return {
        "rows": t.c["rows"],
        "recall": t.pct("found", "rows"),
        "precision": t.pct("true_events", "events"),
        "type": t.pct("type_ok", "rows"),
        "reason": t.pct("reason_ok", "rows"),
        "status": t.pct("status_ok", "status_rows"),
        "none_ok": t.pct("none_ok", "none_rows") if t.c["none_rows"] else 100.0,
        "undecided": t.c["undecided"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True, help="path to bounce-parse")
    ap.add_argument("--corpus", required=True, help="path to shared/corpus/sisimai")
    ap.add_argument("--sets", default="eml,dos,mac,negatives")
    ap.add_argument("--families", default="", help="comma-separated family prefixes to include in the total")
    ap.add_argument("--require", default="", help="floors, e.g. recall=99,precision=99,type=98")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()

    if not os.path.isdir(args.corpus):
        print(f"corpus not found at {args.corpus}; skipping")
        return 0
    per_family, overall, misses = score(args.corpus, args.bin, args.sets.split(","))
    if args.families:
        prefixes = tuple(p for p in args.families.split(",") if p)
        selected = Tally()
        for fam, t in per_family.items():
            if fam.startswith(prefixes) or fam == "negatives":
                selected.c.update(t.c)
        overall = selected
        misses = [m for m in misses if os.path.basename(m.split(":")[0]).startswith(prefixes) or m.startswith("negatives")]

    print(f"{'family':24} {'rows':>5} {'recall':>7} {'prec':>7} {'type':>7} {'reason':>7} {'status':>7} {'onhold':>6}")
    for fam in sorted(per_family):
        f = figures(per_family[fam])
        print(f"{fam:24} {f['rows']:5d} {f['recall']:7.1f} {f['precision']:7.1f} {f['type']:7.1f} "
              f"{f['reason']:7.1f} {f['status']:7.1f} {f['undecided']:6d}")
    total = figures(overall)
    print(f"{'TOTAL':24} {total['rows']:5d} {total['recall']:7.1f} {total['precision']:7.1f} {total['type']:7.1f} "
          f"{total['reason']:7.1f} {total['status']:7.1f} {total['undecided']:6d}   none-rows ok {total['none_ok']:.1f}%")
    if args.show_misses:
        for m in misses:
            print("  " + m)

    failed = []
    for item in filter(None, args.require.split(",")):
        key, floor = item.split("=")
        if total[key] < float(floor):
            failed.append(f"{key} {total[key]:.1f} < {floor}")
    if failed:
        print("BELOW FLOOR: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
