#!/usr/bin/env python3
"""bounce-hooks throughput (issue 8, point 4): requests/s, verified events/s and latency of
build/bounce-hooks on loopback for signed SendGrid batches and for SNS notifications carrying SES
bounces, driven by wrk with pre-signed, all-distinct requests; against a floor measured in the same
run with the same wrk load: bench-hooks-floor, the same cpp-httplib setup answering 200 to
everything. After each bounce-hooks leg, every event of every 2xx answer must be in the outbox and
in the file sink. Run through bench/hooks_throughput.sh; see docs/bench.md.
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from e2e_support import Processes, free_port, wait_for  # noqa: E402
# The public SendGrid test key pair and the SNS names the e2e test already uses.
from hooks_e2e import (CAMPAIGN, SENDGRID_PRIVATE_KEY_DER, SENDGRID_PUBLIC_KEY, SNS_CERT_URL,  # noqa: E402
                       SNS_TOPIC)

TARGET_EVENTS_PER_SECOND = 5000
# SendGrid's signed timestamps must stay within bounce-hooks' 300 s window while they are sent.
SENDGRID_POOL_MAX_AGE = 150


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_keys(tmp):
    """The SendGrid private key (PEM) and a self-signed SNS certificate served through cert_cache_dir."""
    der = os.path.join(tmp, "sendgrid.der")
    with open(der, "wb") as f:
        f.write(base64.b64decode(SENDGRID_PRIVATE_KEY_DER))
    sendgrid_key = os.path.join(tmp, "sendgrid.pem")
    openssl("ec", "-inform", "DER", "-in", der, "-out", sendgrid_key)
    cert_dir = os.path.join(tmp, "sns-certs")
    os.mkdir(cert_dir)
    sns_key = os.path.join(tmp, "sns-key.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", sns_key, "-out",
            os.path.join(cert_dir, SNS_CERT_URL.rsplit("/", 1)[1]), "-subj", "/CN=sns.amazonaws.com", "-days", "2")
    return sendgrid_key, sns_key, cert_dir


def sign_all(signer, key, digest, messages, work):
    """Base64 signatures of `messages` (bytes), in order, from one bench-hooks-signer per core (RSA
    signing is the slow part of making the pools)."""
    parts = max(1, min(os.cpu_count() or 1, 8))
    share = (len(messages) + parts - 1) // parts
    chunks = [messages[i:i + share] for i in range(0, len(messages), share)]
    procs = []
    for chunk in chunks:
        records = os.path.join(work, "records-%d" % len(procs))
        with open(records, "wb") as f:
            f.write(b"".join(b"%d\n%s" % (len(m), m) for m in chunk))
        procs.append((subprocess.Popen([signer, key, digest], stdin=open(records, "rb"), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE), records))
    signatures = []
    for p, records in procs:
        out, err = p.communicate(timeout=600)
        os.unlink(records)
        if p.returncode != 0:
            raise SystemExit("bench-hooks-signer failed: " + err.decode(errors="replace"))
        signatures += out.decode().split("\n")[:-1]
    if len(signatures) != len(messages):
        raise SystemExit("bench-hooks-signer returned %d signatures for %d messages" % (len(signatures), len(messages)))
    return signatures


def raw_request(provider, headers, body):
    head = "POST /webhooks/service/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n" % (provider, len(body))
    head += "".join("%s: %s\r\n" % kv for kv in headers)
    return head.encode() + b"\r\n" + body


def write_pool(path, requests):
    with open(path, "wb") as f:
        for r in requests:
            f.write(b"%d\n" % len(r))
            f.write(r)


def sendgrid_pool(signer, key, path, count, batch):
    """`count` SendGrid batches of `batch` distinct bounce events, signed now."""
    now = int(time.time())
    run = uuid.uuid4().hex[:12]
    bodies = []
    for i in range(count):
        events = []
        for j in range(batch):
            n = "%s-%d-%d" % (run, i, j)
            events.append(
                '{"email":"user-%s@example.net","timestamp":%d,"smtp-id":"<%s@lists.example.com>",'
                '"event":"bounce","category":["newsletter"],"sg_event_id":"sg-%s",'
                '"sg_message_id":"msg-%s.filter0001","reason":"550 5.1.1 The email account that you tried to '
                'reach does not exist.","status":"5.1.1","type":"bounce","bounce_classification":'
                '"Invalid Address","XListmonkCampaign":"%s","XListmonkSubscriber":"%s"}'
                % (n, now, n, n, n, CAMPAIGN, uuid.UUID(int=i * batch + j)))
        # SendGrid ends the body with CRLF; it is part of what is signed.
        bodies.append(("[" + ",".join(events) + "]\r\n").encode())
    ts = str(now).encode()
    signatures = sign_all(signer, key, "sha256", [ts + b for b in bodies], os.path.dirname(path))
    write_pool(path, [raw_request("sendgrid", [("Content-Type", "application/json"),
                                               ("X-Twilio-Email-Event-Webhook-Signature", s),
                                               ("X-Twilio-Email-Event-Webhook-Timestamp", ts.decode())], b)
                      for b, s in zip(bodies, signatures)])
    return now


def sns_pool(signer, key, path, count):
    """`count` SNS Notifications (SignatureVersion 1, the AWS default), each one SES bounce."""
    now = time.gmtime()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", now)
    run = uuid.uuid4().hex[:12]
    envelopes = []
    for i in range(count):
        n = "%s-%d" % (run, i)
        address = "user-%s@example.net" % n
        message = json.dumps({
            "notificationType": "Bounce",
            "bounce": {"feedbackId": "fb-%s" % n, "bounceType": "Permanent", "bounceSubType": "General",
                       "bouncedRecipients": [{"emailAddress": address, "action": "failed", "status": "5.1.1",
                                              "diagnosticCode": "smtp; 550 5.1.1 user unknown"}],
                       "timestamp": stamp, "remoteMtaIp": "192.0.2.25", "reportingMTA": "dsn; a8-1.smtp-out.amazonses.com"},
            "mail": {"timestamp": stamp, "source": "news@lists.example.com", "sourceArn":
                     "arn:aws:ses:us-east-1:123456789012:identity/lists.example.com", "sendingAccountId": "123456789012",
                     "messageId": "ses-%s" % n, "destination": [address], "headersTruncated": False,
                     "headers": [{"name": "From", "value": "news@lists.example.com"},
                                 {"name": "To", "value": address},
                                 {"name": "X-Listmonk-Campaign", "value": CAMPAIGN},
                                 {"name": "X-Listmonk-Subscriber", "value": str(uuid.UUID(int=i))}],
                     "commonHeaders": {"from": ["news@lists.example.com"], "to": [address], "subject": "News"}}})
        envelopes.append({"Type": "Notification", "MessageId": str(uuid.uuid5(uuid.NAMESPACE_URL, n)),
                          "TopicArn": SNS_TOPIC, "Message": message, "Timestamp": stamp, "SignatureVersion": "1",
                          "SigningCertURL": SNS_CERT_URL,
                          "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&"
                                            "SubscriptionArn=" + SNS_TOPIC + ":" + run})
    to_sign = ["".join("%s\n%s\n" % (k, e[k]) for k in ("Message", "MessageId", "Timestamp", "TopicArn", "Type")).encode()
               for e in envelopes]
    for e, s in zip(envelopes, sign_all(signer, key, "sha1", to_sign, os.path.dirname(path))):
        e["Signature"] = s
    write_pool(path, [raw_request("ses", [("Content-Type", "text/plain; charset=UTF-8"),
                                          ("x-amz-sns-message-type", "Notification"),
                                          ("x-amz-sns-message-id", e["MessageId"]),
                                          ("x-amz-sns-topic-arn", SNS_TOPIC)], json.dumps(e).encode())
                      for e in envelopes])


def cpu_seconds(pid):
    """User + system CPU time of a live process, from /proc (clock ticks)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def healthy(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def run_wrk(args, port, pool, log):
    argv = ["wrk", "-t", str(args.wrk_threads), "-c", str(args.connections), "-d", "%ds" % args.duration,
            "--latency", "--timeout", "10s", "-s", os.path.join(ROOT, "bench", "hooks_wrk.lua"),
            "http://127.0.0.1:%d/" % port, "--", pool, str(args.wrk_threads)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + 120)
    with open(log, "a") as f:
        f.write(r.stdout + r.stderr)
    m = re.search(r"^HOOKS_BENCH (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not m:
        raise SystemExit("wrk failed (rc %d):\n%s%s" % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
    return {k: int(v) for k, v in (item.split("=") for item in m.group(1).split())}


def count_lines(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def count_outbox(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
    try:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        db.close()


class Leg:
    def __init__(self, name, provider, pool_name, events_per_request, hooks, binary=None):
        self.name, self.provider, self.pool_name = name, provider, pool_name
        self.events_per_request, self.hooks, self.binary = events_per_request, hooks, binary
        self.results = []  # one dict per round


def wrk_problems(w):
    """What wrk itself saw go wrong: answers other than 2xx/3xx, socket errors, timeouts."""
    problems = []
    if w["status_errors"]:
        problems.append("%d non-2xx answers" % w["status_errors"])
    socket_errors = w["connect_errors"] + w["read_errors"] + w["write_errors"]
    if socket_errors or w["timeouts"]:
        problems.append("%d socket errors, %d timeouts" % (socket_errors, w["timeouts"]))
    return problems


def run_floor(args, procs, tmp, leg, pool):
    port_file = os.path.join(tmp, "floor-%s.port" % leg.provider)
    if os.path.exists(port_file):
        os.unlink(port_file)
    p = procs.start([args.floor, str(args.server_threads), port_file], os.path.join(tmp, "floor.log"))
    port = wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 15, "bench-hooks-floor")
    port = int(port)
    wait_for(lambda: healthy(port), 15, "bench-hooks-floor /healthz")
    cpu_before = cpu_seconds(p.pid)
    w = run_wrk(args, port, pool, os.path.join(tmp, "wrk.log"))
    cpu = cpu_seconds(p.pid) - cpu_before
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=15)
    ok = w["requests"] - w["status_errors"]
    return {"wrk": w, "ok": ok, "events": ok * leg.events_per_request, "cpu": cpu, "problems": wrk_problems(w)}


def hooks_config(path, work, port, threads, cert_dir):
    with open(path, "w") as f:
        f.write("""[outbox]
path = "%(work)s/outbox.sqlite"

[file]
path = "%(work)s/events.jsonl"

[hooks]
listen = "127.0.0.1:%(port)d"
max_body_bytes = 1048576
threads = %(threads)d

[hooks.sendgrid]
public_key = "%(sg)s"

[hooks.ses]
topic_arns = ["%(topic)s"]
cert_cache_dir = "%(certs)s"
""" % {"work": work, "port": port, "threads": threads, "sg": SENDGRID_PUBLIC_KEY, "topic": SNS_TOPIC,
       "certs": cert_dir})


def run_hooks(args, procs, tmp, leg, pool, cert_dir, round_no):
    work = os.path.join(tmp, "hooks-%s-%d-%s" % (leg.provider, round_no, "baseline" if leg.binary != args.hooks else "this"))
    os.mkdir(work)
    config = os.path.join(work, "bounce-hooks.toml")
    for _ in range(5):
        port = free_port()
        hooks_config(config, work, port, args.server_threads, cert_dir)
        argv = [leg.binary, "-c", config, "-f"] + (["--allow-root"] if os.geteuid() == 0 else [])
        p = procs.start(argv, os.path.join(work, "bounce-hooks.log"))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and p.poll() is None and not healthy(port):
            time.sleep(0.05)
        if p.poll() is None and healthy(port):
            break
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)
    else:
        raise SystemExit("bounce-hooks did not start; see %s" % os.path.join(work, "bounce-hooks.log"))
    cpu_before = cpu_seconds(p.pid)
    w = run_wrk(args, port, pool, os.path.join(tmp, "wrk.log"))
    cpu = cpu_seconds(p.pid) - cpu_before
    # Requests in flight when wrk stopped are still being committed: count once the outbox stands still.
    outbox = os.path.join(work, "outbox.sqlite")
    stored, deadline = -1, time.monotonic() + 30
    while time.monotonic() < deadline:
        now_stored = count_outbox(outbox)
        if now_stored == stored:
            break
        stored = now_stored
        time.sleep(0.5)
    # Every stored event must also reach the file sink (fsynced batches); bounded wait.
    sink_file = os.path.join(work, "events.jsonl")
    deadline = time.monotonic() + 60 + stored / 500.0
    while time.monotonic() < deadline and count_lines(sink_file) < stored:
        time.sleep(0.2)
    stored = count_outbox(outbox)
    in_sink = count_lines(sink_file)
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "killed"

    ok = w["requests"] - w["status_errors"]
    answered_events = ok * leg.events_per_request
    problems = wrk_problems(w)
    if w["repeats"]:
        # Repeats are duplicates: answered 200 but stored once, so the events figure uses the outbox.
        problems.append("request pool too small: %d repeated requests (raise SENDGRID_REQUESTS or SNS_REQUESTS)" % w["repeats"])
        verified = min(answered_events, stored)
    else:
        verified = answered_events
        if stored < answered_events:
            problems.append("%d events answered 2xx but missing from the outbox" % (answered_events - stored))
        # Requests the server answered while wrk was stopping are stored but not counted by wrk.
        in_flight = args.connections * leg.events_per_request
        if stored > answered_events + in_flight:
            problems.append("%d more events in the outbox than answered" % (stored - answered_events))
    if in_sink != stored:
        problems.append("file sink has %d events, outbox %d" % (in_sink, stored))
    if rc != 0:
        problems.append("bounce-hooks exit code %s on SIGTERM" % rc)
    shutil.rmtree(work, ignore_errors=True)  # a SendGrid leg leaves hundreds of MB
    return {"wrk": w, "ok": ok, "events": verified, "stored": stored, "in_sink": in_sink, "cpu": cpu,
            "problems": problems}


def per_second(r):
    return r["ok"] / (r["wrk"]["duration_us"] / 1e6), r["events"] / (r["wrk"]["duration_us"] / 1e6)


def show_round(leg, r):
    rps, eps = per_second(r)
    w = r["wrk"]
    extra = ""
    if leg.hooks:
        extra = ", outbox %d, file sink %d" % (r["stored"], r["in_sink"])
    print("  %-30s %8.0f req/s %9.0f events/s  p50 %6.2f ms  p99 %6.2f ms  non-2xx %d  errors %d%s%s"
          % (leg.name, rps, eps, w["p50_us"] / 1000, w["p99_us"] / 1000, w["status_errors"],
             w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"], extra,
             "".join("  PROBLEM: " + p for p in r["problems"])), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--hooks", help="bounce-hooks binary (default BUILD/bounce-hooks)")
    ap.add_argument("--baseline", help="another bounce-hooks binary: one more leg per provider, same rounds (A/B)")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--server-threads", type=int, default=16)
    ap.add_argument("--sendgrid-requests", type=int, default=0, help="pool size; 0 = 3000 per second of DURATION")
    ap.add_argument("--sns-requests", type=int, default=0, help="pool size; 0 = 8000 per second of DURATION")
    args = ap.parse_args()
    args.hooks = args.hooks or os.path.join(args.build, "bounce-hooks")
    args.floor = os.path.join(args.build, "bench-hooks-floor")
    signer = os.path.join(args.build, "bench-hooks-signer")
    for binary in (args.hooks, args.floor, signer) + ((args.baseline,) if args.baseline else ()):
        if not os.access(binary, os.X_OK):
            raise SystemExit("%s is not built (cmake --build build --target bounce-hooks bench-hooks-floor "
                             "bench-hooks-signer)" % binary)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (packaging/install-deps.sh --bench)")
    if args.duration < 1 or args.rounds < 1 or args.batch < 1 or args.connections < args.wrk_threads:
        raise SystemExit("DURATION, ROUNDS and BATCH must be >= 1, CONNECTIONS >= WRK_THREADS")
    sendgrid_requests = args.sendgrid_requests or 3000 * args.duration
    sns_requests = args.sns_requests or 8000 * args.duration

    tmp = tempfile.mkdtemp(prefix="hooks-bench-")
    procs = Processes()
    failed = False
    try:
        sendgrid_key, sns_key, cert_dir = make_keys(tmp)
        sg_pool, sns_pool_file = os.path.join(tmp, "sendgrid.requests"), os.path.join(tmp, "sns.requests")
        started = time.monotonic()
        sns_pool(signer, sns_key, sns_pool_file, sns_requests)
        sg_signed = time.monotonic()
        sendgrid_pool(signer, sendgrid_key, sg_pool, sendgrid_requests, args.batch)
        print("pools: %d SendGrid batches of %d events, %d SNS notifications (made in %.1f s)"
              % (sendgrid_requests, args.batch, sns_requests, time.monotonic() - started), flush=True)
        print("wrk: %d threads, %d connections, %d s per leg; bounce-hooks and floor: %d worker threads; "
              "load before: %s" % (args.wrk_threads, args.connections, args.duration, args.server_threads,
                                   open("/proc/loadavg").read().split(" ", 3)[:3]), flush=True)
        legs = [Leg("floor, SendGrid bodies", "sendgrid", sg_pool, args.batch, False),
                Leg("bounce-hooks SendGrid x%d" % args.batch, "sendgrid", sg_pool, args.batch, True, args.hooks),
                Leg("floor, SNS bodies", "ses", sns_pool_file, 1, False),
                Leg("bounce-hooks SNS (SES bounce)", "ses", sns_pool_file, 1, True, args.hooks)]
        if args.baseline:
            legs.insert(2, Leg("baseline SendGrid x%d" % args.batch, "sendgrid", sg_pool, args.batch, True, args.baseline))
            legs.append(Leg("baseline SNS (SES bounce)", "ses", sns_pool_file, 1, True, args.baseline))
        floor_sg, hooks_sg, floor_sns, hooks_sns = legs[0], legs[1], legs[3 if args.baseline else 2], legs[-2 if args.baseline else -1]
        for round_no in range(1, args.rounds + 1):
            print("round %d" % round_no, flush=True)
            order = list(legs)
            if args.baseline and round_no % 2 == 0:
                # bounce-hooks and the baseline swap places every other round, so neither always runs
                # right after the floor.
                for hooks in (hooks_sg, hooks_sns):
                    i = order.index(hooks)
                    order[i], order[i + 1] = order[i + 1], order[i]
            for leg in order:
                if leg.pool_name == sg_pool and time.monotonic() - sg_signed > SENDGRID_POOL_MAX_AGE:
                    sendgrid_pool(signer, sendgrid_key, sg_pool, sendgrid_requests, args.batch)
                    sg_signed = time.monotonic()
                if leg.hooks:
                    r = run_hooks(args, procs, tmp, leg, leg.pool_name, cert_dir, round_no)
                else:
                    r = run_floor(args, procs, tmp, leg, leg.pool_name)
                failed |= bool(r["problems"])
                leg.results.append(r)
                show_round(leg, r)
        print("load after: %s" % open("/proc/loadavg").read().split(" ", 3)[:3])

        def med(values):
            return statistics.median(values)

        print()
        print("%-30s %10s %12s %9s %9s %8s %12s" % ("leg (median of %d round%s)" % (args.rounds, "s" if args.rounds > 1 else ""),
                                                   "req/s", "events/s", "p50 ms", "p99 ms", "non-2xx", "CPU us/req"))
        for leg in legs:
            rs = leg.results
            print("%-30s %10.0f %12.0f %9.2f %9.2f %8d %12.0f" % (
                leg.name, med([per_second(r)[0] for r in rs]), med([per_second(r)[1] for r in rs]),
                med([r["wrk"]["p50_us"] / 1000 for r in rs]), med([r["wrk"]["p99_us"] / 1000 for r in rs]),
                sum(r["wrk"]["status_errors"] for r in rs), med([r["cpu"] * 1e6 / max(r["ok"], 1) for r in rs])))
        print()
        for floor, hooks, what in ((floor_sg, hooks_sg, "SendGrid"), (floor_sns, hooks_sns, "SNS")):
            ratios = [per_second(h)[0] / per_second(f)[0] for f, h in zip(floor.results, hooks.results)]
            best = max(per_second(h)[0] for h in hooks.results) / max(per_second(f)[0] for f in floor.results)
            print("%-8s bounce-hooks / floor requests/s: %.2f (best / best %.2f)" % (what, med(ratios), best))
            eps = med([per_second(h)[1] for h in hooks.results])
            print("%-8s events/s / target %d: %.1fx" % (what, TARGET_EVENTS_PER_SECOND, eps / TARGET_EVENTS_PER_SECOND))
        if args.baseline:
            for hooks, baseline, what in ((hooks_sg, legs[2], "SendGrid"), (hooks_sns, legs[-1], "SNS")):
                ratios = [per_second(h)[0] / per_second(b)[0] for h, b in zip(hooks.results, baseline.results)]
                cpu = [(h["cpu"] / max(h["ok"], 1)) / (b["cpu"] / max(b["ok"], 1))
                       for h, b in zip(hooks.results, baseline.results)]
                print("%-8s bounce-hooks / baseline requests/s: %.2f, CPU per request: %.2f (medians of rounds)"
                      % (what, med(ratios), med(cpu)))
        if failed:
            print("\nPROBLEMS were reported above: some figures do not count as verified.")
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
