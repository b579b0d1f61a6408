#!/usr/bin/env python3
"""Feeds bounce-parse thousands of freshly mutated messages and checks that it answers each one.

Every mutation class below is used in turn (so a short run still covers all of them, each from a
randomly chosen seed): truncation, byte flips, NUL bytes, lost or duplicated MIME boundaries, header
floods (up to 100,000 headers), deep multipart and message/rfc822 nesting (up to 10,000 levels),
megabyte lines (up to 8 MB in one line), odd line endings (CR only, LF only, CRLF, mixed), broken
encodings, shuffled lines, splices of two messages, tiny inputs and garbage. Seeds are this
project's fixtures plus, when present, the shared corpus (read in place).

Each input must be answered by exactly one JSON line naming it (with "file", "kind" and "events"),
within the per-message time limit, with exit status 0 and no sanitizer report on stderr. Inputs
that cannot be read (a missing path, a read error, a directory entry that vanished) must be
answered by one JSON line with an "error" member and exit status 1. A failing batch is kept for
replay and the seed printed, so any failure reproduces with the same --seed.
"""
import argparse
import json
import math
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time

MAX_NESTING = 10_000
MAX_HEADERS = 100_000
MAX_LINE = 8 << 20


def seed_paths(roots):
    out = []
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, _, files in os.walk(root):
            out += [os.path.join(dirpath, f) for f in sorted(files)
                    if f.endswith((".eml", ".txt")) or "mbox" in dirpath]
    return out


def read_all(paths):
    out = []
    for path in paths:
        with open(path, "rb") as fh:
            out.append(fh.read())
    return out


def extreme(rng, low, high):
    """A size from low to high, log-uniform, and exactly `high` one time in eight, so that every
    run of a few hundred messages meets the documented limits themselves."""
    if rng.randrange(8) == 0:
        return high
    return int(low * (high / low) ** rng.random())


def truncate(rng, data):
    return data[: rng.randrange(len(data) + 1)]


def byte_flips(rng, data):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 64)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def nul_bytes(rng, data):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 32)):
        b.insert(rng.randrange(len(b) + 1), 0)
    if rng.randrange(4) == 0:  # a run of NULs, as from a zero-filled disk block
        i = rng.randrange(len(b) + 1)
        b[i:i] = bytes(rng.randrange(1, 1 << 16))
    return bytes(b)


def lost_boundaries(rng, data):
    how = rng.randrange(4)
    if how == 0:  # delimiter lines damaged
        return data.replace(b"--", b"", rng.randrange(1, 4))
    if how == 1:  # the boundary parameter gone: the parts are never split
        return data.replace(b"boundary=", b"x-boundary=", rng.randrange(1, 3))
    if how == 2:  # the closing delimiter gone
        i = data.rfind(b"--\n")
        return data if i < 0 else data[:i] + data[i + 2:]
    i = data.find(b"boundary=")  # the header names a boundary the body never uses
    return data if i < 0 else data[: i + 9] + b"\"never-used\"; x-old-" + data[i + 9:]


def duplicated_parts(rng, data):
    i = data.find(b"\n--")
    return data if i < 0 else data[:i] + data[i:] * rng.randrange(2, 50)


def header_flood(rng, data):
    count = extreme(rng, 1000, MAX_HEADERS)
    width = rng.randrange(1, 200) if count < MAX_HEADERS else 40
    flood = b"".join(b"X-Flood-%d: %s\n" % (i, b"v" * width) for i in range(count))
    if rng.randrange(2):  # after the real headers instead of before them
        i = data.find(b"\n\n")
        if i >= 0:
            return data[: i + 1] + flood + data[i + 1:]
    return flood + data


def deep_multipart(rng, data):
    depth = extreme(rng, 10, MAX_NESTING)
    parts = [b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i) for i in range(depth)]
    tail = b"Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\n"
    if rng.randrange(2):  # every level closed properly, innermost first
        tail += b"".join(b"--b%d--\n" % i for i in reversed(range(depth)))
    return b"From: MAILER-DAEMON@example.com\nMIME-Version: 1.0\n" + b"".join(parts) + tail


def deep_rfc822(rng, data):
    depth = extreme(rng, 10, MAX_NESTING)
    head = b"From: MAILER-DAEMON@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n--r\n"
    head += b"Content-Type: message/rfc822\n\n" * depth
    return head + b"Subject: innermost\n\n" + (data[:4096] if rng.randrange(2) else b"") + b"\n--r--\n"


def megabyte_line(rng, data):
    i = rng.randrange(len(data) + 1)
    size = extreme(rng, 1 << 18, MAX_LINE)
    filler = rng.choice([b"x", b"a@b ", b"550 5.1.1 ", b"=?utf-8?B?QUJD?= ", b"\t"])
    return data[:i] + (filler * (size // len(filler) + 1))[:size] + data[i:]


def line_endings(rng, data):
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    how = rng.randrange(5)
    if how == 0:
        return b"\r".join(lines)  # CR only (old Mac)
    if how == 1:
        return b"\n".join(lines)  # LF only
    if how == 2:
        return b"\r\n".join(lines)
    if how == 3:  # mixed, line by line
        choices = [b"\n", b"\r\n", b"\r", b"\r\r\n", b"\n\r"]
        out = bytearray()
        for line in lines:
            out += line + rng.choice(choices)
        return bytes(out)
    return b"".join(lines)  # no line ends at all


def broken_encodings(rng, data):
    out = data.replace(b"Content-Transfer-Encoding: 7bit", b"Content-Transfer-Encoding: base64")
    out = out.replace(b"charset=", b"charset=x-unknown-")
    if rng.randrange(2):
        out = out.replace(b"Subject: ", b"Subject: =?iso-2022-jp?B?GyRC" + b"%" * rng.randrange(1, 64) + b"?= ", 1)
    if rng.randrange(2):
        out += b"\n=" + b"=0" * rng.randrange(1, 4096)  # dangling quoted-printable
    return out


def shuffled_lines(rng, data):
    lines = data.split(b"\n")
    rng.shuffle(lines)
    return b"\n".join(lines)


def splice(rng, data, pool):
    other = rng.choice(pool)
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]


def tiny(rng, data):
    return rng.choice([b"", b"\n", b"\r\n\r\n", b"\0", b"From ", b"From x\nFrom y\n", b":", b"--", data[:1]])


def garbage(rng, data):
    size = rng.randrange(1, 1 << rng.choice([4, 8, 12, 16, 20]))
    return bytes(rng.getrandbits(8) for _ in range(size)) if size < 4096 else os.urandom(size)


MUTATIONS = {
    "truncate": truncate,
    "byte_flips": byte_flips,
    "nul_bytes": nul_bytes,
    "lost_boundaries": lost_boundaries,
    "duplicated_parts": duplicated_parts,
    "header_flood": header_flood,
    "deep_multipart": deep_multipart,
    "deep_rfc822": deep_rfc822,
    "megabyte_line": megabyte_line,
    "line_endings": line_endings,
    "broken_encodings": broken_encodings,
    "shuffled_lines": shuffled_lines,
    "splice": None,  # needs the pool
    "tiny": tiny,
    "garbage": garbage,
}


def mutate(rng, kind, pool):
    data = rng.choice(pool) or b"From: x@example.com\n\nbody\n"
    if kind == "splice":
        return splice(rng, data, pool)
    return MUTATIONS[kind](rng, data)


def check_answers(proc, paths, want_error, mbox_ok=False):
    """Problems with one run's output: every path answered by exactly one well-formed JSON line
    (with mbox_ok, an mbox file may instead be answered by one line per message, named path#N)."""
    problems = []
    whole = {p: 0 for p in paths}
    parts = {p: 0 for p in paths}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        try:
            obj = json.loads(line)
            name = obj["file"]
            if not isinstance(obj["events"], list) or not isinstance(obj["kind"], str):
                raise ValueError("bad members")
        except (ValueError, KeyError, TypeError):
            problems.append("bad output line: %s" % line[:200])
            continue
        if name in whole:
            whole[name] += 1
        elif mbox_ok and name.rsplit("#", 1)[0] in parts:
            parts[name.rsplit("#", 1)[0]] += 1
        else:
            problems.append("line for an input not given: %s" % name[:200])
            continue
        if want_error and not obj.get("error"):
            problems.append("no error member for unreadable %s" % name)
        if not want_error and "error" in obj:
            problems.append("error for readable %s: %s" % (name, obj["error"]))
    for p in paths:
        if not (whole[p] == 1 and parts[p] == 0) and not (whole[p] == 0 and parts[p] >= 2):
            problems.append("%d lines (%d mbox parts) for %s" % (whole[p], parts[p], p))
    if want_error and proc.returncode != 1:
        problems.append("exit status %d with an unreadable input (want 1)" % proc.returncode)
    if not want_error and proc.returncode != 0:
        problems.append("exit status %d" % proc.returncode)
    if b"Sanitizer" in proc.stderr or b"runtime error" in proc.stderr:
        problems.append("sanitizer report on stderr")
    return problems


def run_unreadable(binary, tmp, timeout, cpu_limit):
    """Inputs that cannot be read still get one JSON line each, with an error member."""
    missing = os.path.join(tmp, "does-not-exist.eml")
    # /proc/self/mem opens fine but reading offset 0 fails (EIO): a read error, not an open error.
    paths = [missing] + (["/proc/self/mem"] if os.path.exists("/proc/self/mem") else [])
    try:
        proc, _ = run_parser([binary, *paths], timeout, cpu_limit)
    except subprocess.TimeoutExpired:
        return ["TIMEOUT: over %.0f s" % timeout]
    return check_answers(proc, paths, want_error=True)


def child_cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_parser(argv, limit, cpu_limit):
    """Runs bounce-parse within `limit` seconds; returns (process, CPU seconds it used). With cpu_limit
    the limit is on CPU time (RLIMIT_CPU: SIGXCPU ends the process) and wall time is bounded only at
    20 times the limit, which still catches a hang that burns no CPU."""
    preexec, wall = None, limit
    if cpu_limit:
        seconds = max(1, math.ceil(limit))

        def preexec():
            resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        wall = limit * 20
    before = child_cpu_seconds()
    proc = subprocess.run(argv, capture_output=True, timeout=wall, preexec_fn=preexec)
    return proc, child_cpu_seconds() - before


def replay_seeds(binary, paths, timeout, cpu_limit):
    """The seeds themselves, unmutated, one process per file: a corpus run as an outside check does it."""
    failures, slowest = 0, (0.0, "")
    for path in paths:
        try:
            proc, cpu = run_parser([binary, path], timeout, cpu_limit)
            problems = check_answers(proc, [path], want_error=False, mbox_ok=True)
        except subprocess.TimeoutExpired:
            proc, cpu, problems = None, 0.0, ["TIMEOUT: over %.0f s" % timeout]
        slowest = max(slowest, (cpu, path))
        if problems:
            failures += 1
            print("FAILURE (seed file %s):\n  %s\n%s" % (path, "\n  ".join(problems[:20]),
                  proc.stderr.decode("utf-8", "replace")[:3000] if proc else ""), file=sys.stderr)
    print("%d seed files replayed one per process, %d failures, most CPU %.2f s (%s)" % (
        len(paths), failures, slowest[0], slowest[1]))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seeds", action="append", default=[])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=50, help="messages per bounce-parse process (1: one process "
                    "per message, so the time limit is exactly per message)")
    ap.add_argument("--timeout-per-message", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--suffix", default=".eml", help="file name ending of the mutated messages")
    ap.add_argument("--cpu-limit", action="store_true",
                    help="apply the per-message limit to CPU time (RLIMIT_CPU) instead of wall time, with "
                    "a wall bound of 20 times that: on a machine loaded by others, wall time measures the "
                    "load; CPU time is what the limit means on an idle machine")
    ap.add_argument("--replay-seeds", action="store_true",
                    help="first run every seed file unmutated, one process per file, same time limit")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    paths_of_seeds = seed_paths(args.seeds)
    pool = read_all(paths_of_seeds) or [b"From: a@example.com\n\nhello\n"]
    kinds = list(MUTATIONS)
    per_kind = {k: 0 for k in kinds}
    failures = 0
    done = 0
    slowest = most_cpu = (0.0, "")
    started = time.monotonic()
    if args.replay_seeds:
        failures += replay_seeds(args.bin, paths_of_seeds, args.timeout_per_message, args.cpu_limit)
    with tempfile.TemporaryDirectory() as tmp:
        problems = run_unreadable(args.bin, tmp, args.timeout_per_message, args.cpu_limit)
        for p in problems:
            print("FAILURE (unreadable inputs): %s" % p, file=sys.stderr)
        failures += bool(problems)
        order = []
        while done < args.count:
            n = min(args.batch, args.count - done)
            paths = []
            for i in range(n):
                if not order:  # each class once per round, in a fresh order
                    order = kinds[:]
                    rng.shuffle(order)
                kind = order.pop()
                per_kind[kind] += 1
                p = os.path.join(tmp, "m%06d-%s%s" % (done + i, kind, args.suffix))
                with open(p, "wb") as fh:
                    fh.write(mutate(rng, kind, pool))
                paths.append(p)
            t0 = time.monotonic()
            proc, cpu = None, 0.0
            try:
                proc, cpu = run_parser([args.bin, *paths], args.timeout_per_message * n, args.cpu_limit)
                problems = check_answers(proc, paths, want_error=False)
                if proc.returncode == -signal.SIGXCPU:
                    problems.append("over %.0f s of CPU time for %d message(s)" % (args.timeout_per_message * n, n))
            except subprocess.TimeoutExpired:
                problems = ["TIMEOUT: over %.0f s for %d message(s)" % (args.timeout_per_message * n, n)]
            elapsed = time.monotonic() - t0
            what = os.path.basename(paths[0]) if n == 1 else "batch at %d" % done
            slowest = max(slowest, (elapsed, what))
            most_cpu = max(most_cpu, (cpu, what))
            if problems:
                failures += 1
                keep = os.path.join(tempfile.gettempdir(), "bounce-mutation-failure-%d-%d" % (seed, done))
                os.makedirs(keep, exist_ok=True)
                for p in paths:
                    os.replace(p, os.path.join(keep, os.path.basename(p)))
                stderr = proc.stderr.decode("utf-8", "replace")[:3000] if proc else ""
                print("FAILURE (seed %d, messages %d..%d, kept in %s):\n  %s\n%s" % (
                    seed, done, done + n - 1, keep, "\n  ".join(problems[:20]), stderr), file=sys.stderr)
            else:
                for p in paths:
                    os.remove(p)
            done += n
            if done % 250 < n:  # a long run shows it is alive, and how far a stopped one got
                print("... %d messages, %d failing runs, %.0f s" % (done, failures, time.monotonic() - started),
                      flush=True)
    print("%d mutated messages (seed %d, %s), %d failing runs; %.0f s, slowest run %.2f s wall (%s), "
          "most CPU %.2f s (%s)" % (done, seed, ", ".join("%s %d" % kv for kv in per_kind.items()), failures,
                                    time.monotonic() - started, slowest[0], slowest[1], most_cpu[0], most_cpu[1]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
