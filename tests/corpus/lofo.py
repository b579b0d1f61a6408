#!/usr/bin/env python3
"""Leave-one-family-out report over the Sisimai training corpus (../shared/corpus/sisimai, read in place).

A family is the `<kind>-<engine>` prefix of a file name (lhost-postfix, rhost-google, arf, ...). For each
family it prints rows, recall, type and reason accuracy and the share of verdicts that ended in
onhold/undefined (the parser's "don't know"), next to how much of that family's result rests on rules
that no other family ever triggers: the decoders, phrase-table rows, status rows and remote-host provider
tables whose evidence occurs in that family only. Held out, such a family would lose those rules, so

  lofo-reason = rows whose reason is right AND is supported by at least one rule another family triggers
  lofo-recall = rows found by a decoder another family also uses (rfc3464 counts for every family)

estimate what the family would score had its own samples never been seen. They are estimates: a rule
fitted to one family may still be general, and a verdict may have other support than the rules listed.
The rules come from `rule_trace` (tests/corpus/rule_trace.cpp), which re-derives them from the parser's
tables; a rule "agrees" when its reason is the verdict.

Scores use bounce-parse's own JSON output (the CLI contract), joined with the trace by file and recipient.
--require-sane fails only on a broken run (no rows, no rules, recall far below the corpus test's floor):
this is a report, not a floor.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from score import family_of, load_expected  # noqa: E402

UNSURE = ("onhold", "undefined")
# A decoder every DSN family shares: RFC 3464 alone is the standard, not a fitted rule.
SHARED_DECODERS = ("decoder:rfc3464", "decoder:arf")


def run_json_lines(cmd, files, batch=200):
    out = []
    for i in range(0, len(files), batch):
        r = subprocess.run(cmd + files[i:i + batch], capture_output=True, text=True, timeout=600)
        if r.returncode not in (0, 1):
            raise SystemExit("%s failed (%d): %s" % (cmd[0], r.returncode, r.stderr[-2000:]))
        out.extend(json.loads(line) for line in r.stdout.splitlines() if line.strip())
    return out


def trace_rules(trace_bin, files):
    """{(file, recipient): [rule, ...]} from rule_trace. Rules are 'decoder:NAME', 'phrase+REASON:TEXT',
    'status+CODE->REASON', 'rhost+PROVIDER->REASON'; '+' agrees with the verdict, '-' does not."""
    rules = {}
    for obj in run_json_lines([trace_bin], files):
        split = []
        for rule in obj["rules"]:
            # "decoder:rfc3464+postfix" is two rules: the standard decoder and the dialect that enriched it.
            if rule.startswith("decoder:"):
                split += ["decoder:" + name for name in rule[len("decoder:"):].split("+")]
            else:
                split.append(rule)
        rules[(obj["file"], obj["recipient"])] = split
    return rules


def explain_supported(parse_bin):
    r = subprocess.run([parse_bin, "--help"], capture_output=True, text=True, timeout=60)
    return "--explain" in r.stdout


def explain_rules(text, base_dir=""):
    """{(file, recipient): [rule, ...]} from `bounce-parse --explain` text (issue 13 item 6): a line
    "LABEL: kind, N events" per message, then per event "  RCPT -> REASON / TYPE" and indented
    "label: value" lines. Read here: 'recipient found by' (decoder, "enriched by dialect X"),
    'matched phrases' (the decided reason's phrases) and 'reason decided by' (the rule, in words).
    Every rule read here decided or supported the verdict, so each is marked as agreeing."""
    rules, label, key = {}, None, None
    for line in text.splitlines():
        if line and not line.startswith(" ") and ": " in line:
            label = line.rsplit(": ", 1)[0]
            key = None
        elif line.startswith("  ") and not line.startswith("    ") and " -> " in line and label is not None:
            rcpt, _, verdict = line.strip().partition(" -> ")
            key = (os.path.join(base_dir, label) if base_dir else label, rcpt)
            rules[key] = {"reason": verdict.split(" / ")[0].strip(), "rules": []}
        elif line.startswith("    ") and key is not None and ": " in line:
            name, _, value = line.strip().partition(": ")
            if value == "(none)":
                continue
            entry = rules[key]
            if name == "recipient found by":
                decoder, _, enriched = value.partition(", enriched by dialect ")
                entry["rules"].append("decoder:" + decoder.strip())
                if enriched:
                    entry["rules"].append("decoder:" + enriched.strip())
            elif name == "matched phrases":
                for phrase in value.split('", "'):
                    entry["rules"].append("phrase+%s:%s" % (entry["reason"], phrase.strip('"')))
            elif name == "reason decided by":
                entry["rules"].append("decided+" + value)
    return {k: v["rules"] for k, v in rules.items()}


def explain_trace(parse_bin, files, batch=200):
    out = {}
    for i in range(0, len(files), batch):
        r = subprocess.run([parse_bin, "--explain", *files[i:i + batch]], capture_output=True, text=True, timeout=600)
        out.update(explain_rules(r.stdout))
    return out


def rule_key(rule):
    """The rule without its agreement mark, so a row is one rule whatever verdict it met."""
    if rule.startswith("decoder:"):
        return rule
    for prefix in ("phrase", "status", "rhost", "decided"):
        if rule.startswith(prefix):
            return prefix + ":" + rule[len(prefix) + 1:]
    return rule


def agrees(rule):
    return rule[:7] in ("phrase+", "status+") or rule.startswith(("rhost+", "decided+"))


def collect(corpus, parse_bin, trace_bin, sets, source):
    expected = load_expected(os.path.join(corpus, "expected.tsv"))
    files = []
    for subset in sets:
        folder = os.path.join(corpus, subset)
        if os.path.isdir(folder):
            files += [os.path.join(folder, f) for f in sorted(os.listdir(folder))]
    parsed = {obj["file"]: obj for obj in run_json_lines([parse_bin], files)}
    rules = explain_trace(parse_bin, files) if source == "explain" else trace_rules(trace_bin, files)
    rows = []  # one per expected failed recipient: (family, expected row, event or None, rules)
    events_by_family = collections.defaultdict(list)
    for path in files:
        fam = family_of(path)
        events = parsed.get(path, {}).get("events", [])
        by_rcpt = {e["recipient"]: e for e in events}
        for e in events:
            events_by_family[fam].append((e, rules.get((path, e["recipient"]), [])))
        for r in expected.get(os.path.basename(path), []):
            if r["type"] == "none":
                continue
            rcpt = r["recipient"].lower()
            e = by_rcpt.get(rcpt)
            rows.append((fam, r, e, rules.get((path, rcpt), []) if e else []))
    return rows, events_by_family


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="path to bounce-parse")
    ap.add_argument("--trace", help="path to rule_trace")
    ap.add_argument("--rules-from", choices=("auto", "trace", "explain"), default="auto",
                    help="rule_trace (matched evidence) or bounce-parse --explain (the deciding rule); "
                         "auto: explain when bounce-parse has it, else the trace")
    ap.add_argument("--corpus", required=True, help="path to shared/corpus/sisimai")
    ap.add_argument("--sets", default="eml", help="subfolders to read (dos/ and mac/ repeat eml/ with other line ends)")
    ap.add_argument("--rules", action="store_true", help="list every rule only one family triggers")
    ap.add_argument("--require-sane", action="store_true", help="exit 1 on a broken run (not a quality floor)")
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        print("corpus not found at %s; skipping" % args.corpus)
        return 0

    source = args.rules_from
    if source == "auto":
        source = "explain" if explain_supported(args.bin) else "trace"
    if source == "trace" and not args.trace:
        ap.error("--trace is needed when bounce-parse has no --explain")
    rows, events_by_family = collect(args.corpus, args.bin, args.trace, args.sets.split(","), source)

    # Which families trigger each rule (matched evidence, whatever the verdict).
    families_of = collections.defaultdict(set)
    uses = collections.Counter()
    for fam, events in events_by_family.items():
        for _, rules in events:
            for rule in rules:
                families_of[rule_key(rule)].add(fam)
                uses[rule_key(rule)] += 1
    private = {k for k, fams in families_of.items() if len(fams) == 1 and k not in SHARED_DECODERS}

    stats = collections.defaultdict(collections.Counter)
    for fam, r, e, rules in rows:
        s = stats[fam]
        s["rows"] += 1
        if e is None:
            continue
        s["found"] += 1
        s["type_ok"] += e["type"] == r["type"]
        reason_ok = e["reason"] == r["reason"]
        s["reason_ok"] += reason_ok
        s["unsure"] += e["reason"] in UNSURE
        decoders = [x for x in rules if x.startswith("decoder:")]
        # Found without a private decoder: RFC 3464 (or ARF) read it, or a dialect other families also need.
        shared_decoder = any(d in SHARED_DECODERS or d not in private for d in decoders)
        s["lofo_found"] += shared_decoder
        # What supports the verdict: the agreeing table rows; the named deciding rule only when no row
        # is known (a rule named in words, "status code", is shared by every family).
        support = [rule_key(x) for x in rules if agrees(x) and not x.startswith("decided+")] or \
            [rule_key(x) for x in rules if x.startswith("decided+")]
        s["private_support"] += bool(support) and all(k in private for k in support)
        s["lofo_reason"] += reason_ok and shared_decoder and not (support and all(k in private for k in support))

    def pct(a, b):
        return 100.0 * a / b if b else 100.0

    print("Leave-one-family-out estimate (rules from %s; see tests/corpus/lofo.py)" % (
        "bounce-parse --explain" if source == "explain" else "rule_trace"))
    header = "%-24s %5s %7s %7s %7s %7s %8s %8s %8s" % (
        "family", "rows", "recall", "type", "reason", "unsure%", "private", "lofo-rc", "lofo-rs")
    print(header)
    total = collections.Counter()
    for fam in sorted(stats):
        s = stats[fam]
        total.update(s)
        print("%-24s %5d %7.1f %7.1f %7.1f %7.1f %8d %8.1f %8.1f" % (
            fam, s["rows"], pct(s["found"], s["rows"]), pct(s["type_ok"], s["rows"]), pct(s["reason_ok"], s["rows"]),
            pct(s["unsure"], s["found"]), s["private_support"], pct(s["lofo_found"], s["rows"]),
            pct(s["lofo_reason"], s["rows"])))
    print("%-24s %5d %7.1f %7.1f %7.1f %7.1f %8d %8.1f %8.1f" % (
        "TOTAL", total["rows"], pct(total["found"], total["rows"]), pct(total["type_ok"], total["rows"]),
        pct(total["reason_ok"], total["rows"]), pct(total["unsure"], total["found"]), total["private_support"],
        pct(total["lofo_found"], total["rows"]), pct(total["lofo_reason"], total["rows"])))
    print("unsure% = verdicts onhold/undefined among found rows; private = rows whose agreeing rules all belong "
          "to this family alone; lofo-rc/lofo-rs = recall/reason estimated with the family held out")

    by_kind = collections.Counter(k.split(":")[0] for k in private)
    all_kind = collections.Counter(k.split(":")[0] for k in families_of)
    print("rules triggered by exactly one family: " + ", ".join(
        "%s %d of %d" % (kind, by_kind[kind], all_kind[kind]) for kind in sorted(all_kind)))
    once = collections.Counter(k.split(":")[0] for k in private if uses[k] == 1)
    print("of those, triggered by one event only: " + ", ".join(
        "%s %d" % (kind, once[kind]) for kind in sorted(all_kind)))
    if args.rules:
        for k in sorted(private, key=lambda k: (next(iter(families_of[k])), k)):
            print("  %-22s %3d x %s" % (next(iter(families_of[k])), uses[k], k))

    if args.require_sane:
        broken = []
        if total["rows"] < 100:
            broken.append("only %d rows read" % total["rows"])
        if not families_of:
            broken.append("rule_trace reported no rules")
        if pct(total["found"], total["rows"]) < 90:
            broken.append("recall %.1f %% (the corpus test holds 98)" % pct(total["found"], total["rows"]))
        if broken:
            print("BROKEN RUN: " + "; ".join(broken))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
