#!/usr/bin/env python3
"""Feeds bounce-parse thousands of freshly mutated messages and checks that it answers each one.

Mutations: truncation, byte flips, NUL bytes, lost or duplicated MIME boundaries, header floods,
deep multipart nesting, megabyte lines, odd line endings and garbage. Seeds are this project's
fixtures plus, when present, the shared corpus (read in place). Every input must produce exactly
one JSON line, within a per-message time limit, with no sanitizer report on stderr.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile


def seeds(paths):
    out = []
    for root in paths:
        if not os.path.isdir(root):
            continue
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith((".eml", ".txt")) or "mbox" in dirpath:
                    with open(os.path.join(dirpath, f), "rb") as fh:
                        out.append(fh.read())
    return out


def nested(depth):
    head = b""
    for i in range(depth):
        head += b"Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n" % (i, i)
    return head + b"Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\n"


def mutate(rng, data):
    kind = rng.randrange(12)
    if not data:
        data = b"From: x@example.com\n\nbody\n"
    if kind == 0:
        return data[: rng.randrange(len(data) + 1)]
    if kind == 1:
        b = bytearray(data)
        for _ in range(rng.randrange(1, 64)):
            i = rng.randrange(len(b))
            b[i] = rng.randrange(256)
        return bytes(b)
    if kind == 2:
        b = bytearray(data)
        for _ in range(rng.randrange(1, 32)):
            b.insert(rng.randrange(len(b) + 1), 0)
        return bytes(b)
    if kind == 3:
        return data.replace(b"--", b"", rng.randrange(1, 4))
    if kind == 4:
        i = data.find(b"\n--")
        return data if i < 0 else data[:i] + data[i:] * rng.randrange(2, 50)
    if kind == 5:
        flood = b"".join(b"X-Flood-%d: %s\n" % (i, b"v" * rng.randrange(200)) for i in range(rng.randrange(1000, 20000)))
        return flood + data
    if kind == 6:
        return nested(rng.randrange(10, 2000))
    if kind == 7:
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"x" * rng.randrange(1 << 18, 1 << 21) + data[i:]
    if kind == 8:
        eol = rng.choice([b"\r\n", b"\r", b"\r\r\n", b"\n\r", b""])
        return data.replace(b"\n", eol)
    if kind == 9:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    if kind == 10:
        return data.replace(b"Content-Transfer-Encoding: 7bit", b"Content-Transfer-Encoding: base64").replace(
            b"charset=", b"charset=x-unknown-")
    lines = data.split(b"\n")
    rng.shuffle(lines)
    return b"\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seeds", action="append", default=[])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--timeout-per-message", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    pool = seeds(args.seeds) or [b"From: a@example.com\n\nhello\n"]
    failures = 0
    done = 0
    with tempfile.TemporaryDirectory() as tmp:
        while done < args.count:
            n = min(args.batch, args.count - done)
            paths = []
            for i in range(n):
                p = os.path.join(tmp, "m%06d.eml" % (done + i))
                with open(p, "wb") as fh:
                    fh.write(mutate(rng, rng.choice(pool)))
                paths.append(p)
            try:
                proc = subprocess.run([args.bin, *paths], capture_output=True,
                                      timeout=args.timeout_per_message * n)
            except subprocess.TimeoutExpired:
                print(f"TIMEOUT in batch starting at {done}", file=sys.stderr)
                failures += 1
                done += n
                continue
            lines = proc.stdout.decode("utf-8", "replace").splitlines()
            answered = set()
            for line in lines:
                try:
                    answered.add(json.loads(line)["file"].split("#")[0])
                except (ValueError, KeyError):
                    print(f"bad output line: {line[:200]}", file=sys.stderr)
                    failures += 1
            missing = [p for p in paths if p not in answered]
            if proc.returncode != 0 or missing or b"Sanitizer" in proc.stderr or b"runtime error" in proc.stderr:
                failures += 1
                keep = os.path.join(tempfile.gettempdir(), "bounce-mutation-failure-%d" % done)
                os.makedirs(keep, exist_ok=True)
                for p in paths:
                    os.replace(p, os.path.join(keep, os.path.basename(p)))
                print(f"FAILURE rc={proc.returncode} missing={len(missing)} kept in {keep}\n"
                      f"{proc.stderr.decode('utf-8', 'replace')[:3000]}", file=sys.stderr)
            else:
                for p in paths:
                    os.remove(p)
            done += n
    print(f"{done} mutated messages, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
