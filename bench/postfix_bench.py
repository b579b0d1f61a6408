#!/usr/bin/env python3
"""Milter benchmarks on a private Postfix instance (never /etc/postfix), driven by
bench/milter_overhead.sh and bench/capture_rate.sh.

overhead  Normal (non-bounce) mail from smtp-source through Postfix alone, through the no-op
          libmilter milter (bench-noop-milter) accepting at MAIL and accepting at end of
          message, and through bounce-milter; messages/s of each.
capture   Distinct DSNs to a VERP bounce address over parallel SMTP connections, through Postfix
          alone (delivering them to discard:, for reference), with the no-op milter receiving and
          discarding them, and with bounce-milter (outbox on, file sink on; every event must reach
          the file); bounces/s of each.

Legs run interleaved, ROUNDS times, on one Postfix configuration each, and the best round counts.
Each milter setup is measured once per socket kind in --sockets (unix, inet: loopback TCP), and
ratios compare setups on the same kind of socket (docs/bench.md, "inet leg"). Postfix's in_flow_delay is 0: when every message is discarded, no delivery returns flow-control tokens and
the default 1 s delay throttles acceptance to about 20 messages/s.
Needs root, the postfix package (smtp-source) and the built programs.
"""

import argparse
import os
import re
import shlex
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

DOMAIN = "lists.example.com"
NOOP_AT_MAIL = "no-op milter, ACCEPT at MAIL"
NOOP_AT_END = "no-op milter, ACCEPT at end"
NOOP_DISCARD = "no-op milter, DISCARD"
BOUNCE_ADDRESS = "bounces@" + DOMAIN
BOUNCE_MILTER = "bounce-milter"
BASELINE = "bounce-milter (baseline)"
WAIT = 60.0

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from e2e_support import Failure, free_port, log, wait_until  # noqa: E402


def wait_for(what, condition, timeout=WAIT):
    return wait_until(what, condition, timeout, interval=0.05)


def can_connect(spec):
    """Whether a milter listens at `spec` (unix:/path or inet:PORT@HOST)."""
    if spec.startswith("inet:"):
        port, host = spec[len("inet:"):].split("@")
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
            return True
        except OSError:
            return False
    return can_connect_unix(spec[len("unix:"):])


def postfix_milter(spec):
    """A milter socket spec in Postfix's spelling (inet:HOST:PORT instead of inet:PORT@HOST)."""
    if spec.startswith("inet:"):
        port, host = spec[len("inet:"):].split("@")
        return "inet:%s:%s" % (host, port)
    return spec


def can_connect_unix(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class PrivatePostfix:
    """One private Postfix per milter setup (shared/reference/milter-postfix.md §4)."""

    def __init__(self, root, milter_socket):
        self.dir = root
        self.etc = os.path.join(root, "etc")
        self.port = free_port()
        self.started = False
        for d in ("etc", "spool", "data"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.chown(os.path.join(root, "data"), "postfix", "postfix")
        for f in ("master.cf", "dynamicmaps.cf"):
            shutil.copy(os.path.join("/etc/postfix", f), self.etc)
        master = os.path.join(self.etc, "master.cf")
        with open(master) as f:
            text = f.read()
        text, n = re.subn(r"(?m)^smtp\s+inet\s+n\s+-\s+\S+", "127.0.0.1:%d inet n - n" % self.port, text, count=1)
        if n != 1:
            raise Failure("no smtp inet line in /etc/postfix/master.cf")
        with open(master, "w") as f:
            f.write(text)
        subprocess.run(["postconf", "-c", self.etc, "-F", "*/*/chroot = n"], check=True)
        milters = postfix_milter(milter_socket) if milter_socket else ""
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write("""compatibility_level = 3.6
queue_directory = %(dir)s/spool
data_directory = %(dir)s/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.bench.local
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination = %(domain)s
local_recipient_maps =
local_transport = discard:delivered
alias_maps =
recipient_delimiter = +
default_transport = error:no outbound in benchmark
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
maillog_file = %(dir)s/maillog
maillog_file_prefixes = %(dir)s
smtpd_milters = %(milters)s
milter_default_action = tempfail
milter_protocol = 6
in_flow_delay = 0
""" % {"dir": root, "domain": DOMAIN, "milters": milters})

    def start(self):
        r = subprocess.run(["script", "-qc", "postfix -c %s start" % self.etc, "/dev/null"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Failure("postfix start failed: %s %s" % (r.stdout, r.stderr))
        self.started = True
        wait_for("postfix smtpd on port %d" % self.port, self.answers)

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                return s.recv(100).startswith(b"220")
        except OSError:
            return False

    def queue_empty(self):
        for sub in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(os.path.join(self.dir, "spool", sub)):
                if files:
                    return False
        return True

    def stop(self):
        if not self.started:
            return
        subprocess.run(["postfix", "-c", self.etc, "stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
        pid_file = os.path.join(self.dir, "spool", "pid", "master.pid")
        deadline = time.monotonic() + 15
        while os.path.exists(pid_file) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.started = False


class Leg:
    """A milter setup (or none) with its own Postfix instance."""

    def __init__(self, name, root, milter_argv=None, socket_path=None, events_file=None):
        self.name = name
        self.root = root
        self.milter_argv = milter_argv
        self.socket = socket_path
        self.events_file = events_file
        self.proc = None
        self.postfix = PrivatePostfix(os.path.join(root, "postfix"), socket_path)
        self.rates = []

    def start(self, sync_trace=False):
        if self.milter_argv:
            self.log_file = open(os.path.join(self.root, "milter.log"), "ab")
            argv = self.milter_argv
            if sync_trace:
                # perf trace runs the milter, so it follows every thread libmilter starts later.
                if not shutil.which("perf"):
                    raise Failure("--sync-trace needs perf (linux-perf)")
                self.trace_file = os.path.join(self.root, "sync-trace.txt")
                argv = ["perf", "trace", "-s", "-e", "fsync,fdatasync", "-o", self.trace_file, "--"] + argv
            self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT)
            self.pid = self.proc.pid
            if sync_trace:
                self.trace = self.proc
                self.pid = int(wait_for("%s under perf trace" % self.name, self.traced_child))
            wait_for("%s socket" % self.name, self.milter_ready)
        self.postfix.start()

    def traced_child(self):
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                return f.read().split()[0]
        except (OSError, IndexError):
            return None

    def stop_sync_trace(self):
        """Stops the traced milter (perf trace then writes its summary) and sums the per-thread
        figures: the delivery worker thread is named after its sink ("sink:file"); every other
        thread is a libmilter thread, whose syncs are the outbox's commits."""
        trace = getattr(self, "trace", None)
        if not trace:
            return
        os.kill(self.pid, signal.SIGTERM)
        try:
            trace.wait(30)
        except subprocess.TimeoutExpired:
            trace.kill()
            trace.wait(5)
        self.trace = None
        self.proc = None
        totals = {}
        thread = None
        try:
            with open(self.trace_file) as f:
                for line in f:
                    m = re.match(r"^\s*(\S.*?) \((\d+)\), \d+ events", line)
                    if m:
                        thread = "file sink" if m.group(1).startswith("sink:file") else "outbox commits"
                        continue
                    m = re.match(r"^\s*(fsync|fdatasync)\s+(\d+)\s+\d+\s+([\d.]+)", line)
                    if m and thread:
                        calls, ms = totals.get(thread, (0, 0.0))
                        totals[thread] = (calls + int(m.group(2)), ms + float(m.group(3)))
        except OSError:
            return
        self.sync_totals = totals

    def sync_summary(self, events):
        totals = getattr(self, "sync_totals", None)
        if not totals:
            return ""
        parts = []
        for what in ("outbox commits", "file sink"):
            calls, ms = totals.get(what, (0, 0.0))
            parts.append("%s %d syncs, %.0f ms (%.2f ms per event, %.1f events per sync)"
                         % (what, calls, ms, ms / events if events else 0.0, events / calls if calls else 0.0))
        return "fsync/fdatasync over all rounds: " + "; ".join(parts)

    def milter_ready(self):
        if self.proc.poll() is not None:
            raise Failure("%s exited with %s; log: %s" % (self.name, self.proc.returncode,
                                                          os.path.join(self.root, "milter.log")))
        return can_connect(self.socket)

    def cpu_seconds(self):
        """User+system CPU time the milter process (all its threads) has used so far, or None."""
        if not self.proc:
            return None
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self):
        self.postfix.stop()
        self.stop_sync_trace()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


# A unix socket must admit the postfix user; TCP has no permissions.
UNIX_SOCKET_ACCESS = 'socket_mode = "0660"\nsocket_group = "postfix"\n'


def bounce_milter_config(root, socket_path, events_file):
    path = os.path.join(root, "bounce-milter.toml")
    with open(path, "w") as f:
        f.write("""[milter]
socket = "%(sock)s"
bounce_addresses = ["%(bounce)s"]
on_bounce = "discard"
on_error = "tempfail"
%(access)s
[outbox]
path = "%(outbox)s"

[file]
path = "%(events)s"
""" % {"sock": socket_path, "bounce": BOUNCE_ADDRESS,
       "access": UNIX_SOCKET_ACCESS if socket_path.startswith("unix:") else "",
       "outbox": os.path.join(root, "outbox.sqlite"),
       "events": events_file})
    return path


def named(name, kind):
    return "%s (%s)" % (name, kind)


def milter_socket(root, kind):
    if kind == "inet":
        return "inet:%d@127.0.0.1" % free_port()
    return "unix:" + os.path.join(root, "milter.sock")


def make_legs(tmp, args, noops):
    """noops: (leg name, bench-noop-milter flags) for each no-op milter setup; each milter leg once per
    socket kind in args.sockets."""
    legs = []
    if args.with_postfix_alone:
        root = os.path.join(tmp, "alone")
        os.makedirs(root)
        legs.append(Leg("Postfix alone", root))
    for kind in args.sockets:
        for n, (name, flags) in enumerate(noops):
            root = os.path.join(tmp, "noop%d-%s" % (n, kind))
            os.makedirs(root)
            sock = milter_socket(root, kind)
            legs.append(Leg(named(name, kind), root, [args.noop] + flags + [sock], sock))
    builds = [(BOUNCE_MILTER, "bounce-milter", args.bounce_milter)]
    if args.baseline_milter:
        builds.append((BASELINE, "baseline", args.baseline_milter))
    for name, directory, command in builds:
        milter_argv = shlex.split(command)
        if not (milter_argv and shutil.which(milter_argv[0])):
            log("%s leg skipped: %r not found (build it, or set BOUNCE_MILTER)" % (name, command))
            continue
        for kind in args.sockets:
            root = os.path.join(tmp, "%s-%s" % (directory, kind))
            os.makedirs(root)
            sock = milter_socket(root, kind)
            events = os.path.join(root, "events.jsonl")
            config = bounce_milter_config(root, sock, events)
            legs.append(Leg(named(name, kind), root, milter_argv + ["-f", "--allow-root", "-c", config], sock,
                            events))
    for leg in legs:
        os.chmod(leg.root, 0o755)
    return legs


# --- overhead ------------------------------------------------------------------------------------
def run_overhead_round(leg, args):
    argv = ["smtp-source", "-d", "-s", str(args.sessions), "-m", str(args.messages), "-l", str(args.size),
            "-M", "client.bench.local", "-f", "sender@client.bench.local", "-t", "user@" + DOMAIN,
            "127.0.0.1:%d" % leg.postfix.port]
    start = time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    elapsed = time.monotonic() - start
    if r.returncode != 0:
        raise Failure("%s: smtp-source failed (%d): %s" % (leg.name, r.returncode, (r.stderr or r.stdout)[-500:]))
    return args.messages / elapsed


# --- capture -------------------------------------------------------------------------------------
DSN_TEMPLATE = """From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>
To: {bounce}
Subject: Undelivered Mail Returned to Sender
Date: Fri, 27 Nov 2026 10:00:00 +0000
Message-ID: <{dsn_id}@mx.remote.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b-{dsn_id}"

--b-{dsn_id}
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.remote.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: host mx.dest.example[192.0.2.10] said: 550 5.1.1
    <{recipient}>: Recipient address rejected: User unknown (in reply to RCPT TO command)

--b-{dsn_id}
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.remote.example
Arrival-Date: Fri, 27 Nov 2026 09:59:58 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.dest.example
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--b-{dsn_id}
Content-Type: text/rfc822-headers

From: Newsletter <news@{domain}>
To: {recipient}
Subject: Our November news
Date: Fri, 27 Nov 2026 09:59:50 +0000
Message-ID: <{original_id}@{domain}>
X-Listmonk-Subscriber: {subscriber}
X-Listmonk-Campaign: {campaign}
List-Unsubscribe: <https://{domain}/subscription/{campaign}/{subscriber}>

--b-{dsn_id}--
"""


def make_dsn(run_tag, i):
    subscriber = str(uuid.uuid4())
    return subscriber, DSN_TEMPLATE.format(
        bounce=BOUNCE_ADDRESS, dsn_id="%s.%d" % (run_tag, i), recipient="user%d.%s@dest.example" % (i, run_tag),
        domain=DOMAIN, original_id="%s.%d" % (run_tag, i), subscriber=subscriber,
        campaign="3f6b2c1d-9e8a-4b7c-8d6e-5f4a3b2c1d0e").replace("\n", "\r\n")


def send_dsns(port, messages, connections):
    """Sends the prepared (verp_recipient, bytes) list over `connections` parallel sessions."""
    errors = []
    chunks = [messages[i::connections] for i in range(connections)]

    def worker(chunk):
        try:
            with smtplib.SMTP("127.0.0.1", port, local_hostname="mx.remote.example", timeout=120) as smtp:
                for rcpt, data in chunk:
                    smtp.sendmail("", [rcpt], data)
        except Exception as e:  # reported after all threads end
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks if c]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise Failure("sending DSNs failed: %s" % errors[0])


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def run_capture_round(leg, args, round_no):
    tag = "r%d%s" % (round_no, uuid.uuid4().hex[:8])
    messages = []
    for i in range(args.bounces):
        subscriber, data = make_dsn(tag, i)
        messages.append(("bounces+%s@%s" % (subscriber, DOMAIN), data))
    before = count_lines(leg.events_file) if leg.events_file else 0
    start = time.monotonic()
    send_dsns(leg.postfix.port, messages, args.connections)
    sent = time.monotonic()
    if leg.events_file:
        # The run counts until the last event is in the file sink: each DSN carries one event.
        want = before + args.bounces
        wait_for("%d events in %s" % (args.bounces, leg.events_file),
                 lambda: count_lines(leg.events_file) >= want, timeout=max(WAIT, args.bounces / 20.0))
        got = count_lines(leg.events_file) - before
        if got != args.bounces:
            raise Failure("%s: %d events for %d bounces" % (leg.name, got, args.bounces))
    done = time.monotonic()
    leg.accept_rates = getattr(leg, "accept_rates", []) + [args.bounces / (sent - start)]
    return args.bounces / (done - start)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["overhead", "capture"])
    p.add_argument("--build", required=True, help="build directory with bench-noop-milter")
    p.add_argument("--bounce-milter", default="", help="bounce-milter command (program and arguments)")
    p.add_argument("--baseline-milter", default="",
                   help="another bounce-milter build measured as one more leg, in the same rounds (A/B)")
    p.add_argument("--sync-trace", action="store_true",
                   help="capture: count the bounce-milter legs' fsync/fdatasync calls and their time "
                        "with perf trace, per thread")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--messages", type=int, default=3000, help="overhead: messages per round")
    p.add_argument("--sessions", type=int, default=20, help="overhead: parallel SMTP sessions (reused)")
    p.add_argument("--size", type=int, default=1024, help="overhead: body bytes per message")
    p.add_argument("--bounces", type=int, default=2000, help="capture: DSNs per round")
    p.add_argument("--connections", type=int, default=10, help="capture: parallel SMTP connections")
    p.add_argument("--sockets", default="unix,inet",
                   help="comma-separated milter socket kinds, each a leg of every milter setup: unix, inet")
    args = p.parse_args()
    args.sockets = [k for k in args.sockets.split(",") if k]
    if not args.sockets or any(k not in ("unix", "inet") for k in args.sockets):
        sys.exit("--sockets: a comma-separated list of unix, inet")

    if os.geteuid() != 0:
        sys.exit("needs root (private Postfix instance)")
    for tool in ("postfix", "postconf", "smtp-source", "script"):
        if not shutil.which(tool):
            sys.exit("missing %s (packaging/install-deps.sh)" % tool)
    args.noop = os.path.join(args.build, "bench-noop-milter")
    if not os.access(args.noop, os.X_OK):
        sys.exit("missing %s: cmake --build %s --target bench-noop-milter" % (args.noop, args.build))

    tmp = tempfile.mkdtemp(prefix="bm-bench-")
    os.chmod(tmp, 0o755)  # the postfix user must traverse it
    legs = []
    try:
        if args.mode == "overhead":
            args.with_postfix_alone = True
            legs = make_legs(tmp, args, [(NOOP_AT_MAIL, ["--accept-at-mail"]), (NOOP_AT_END, [])])
            log("milter overhead: %d normal messages of %d bytes per round over %d reused SMTP sessions, "
                "best of %d rounds" % (args.messages, args.size, args.sessions, args.rounds))
        else:
            args.with_postfix_alone = True  # for reference: Postfix delivering the DSNs to discard:
            legs = make_legs(tmp, args, [(NOOP_DISCARD, ["--discard", "--content"])])
            log("bounce capture: %d distinct DSNs per round over %d parallel SMTP connections, best of %d rounds"
                % (args.bounces, args.connections, args.rounds))
        for leg in legs:
            leg.start(sync_trace=args.sync_trace and args.mode == "capture" and leg.events_file is not None)
        for round_no in range(1, args.rounds + 1):
            for leg in legs:
                wait_for("%s: empty queue" % leg.name, leg.postfix.queue_empty, timeout=120)
                cpu_before = leg.cpu_seconds()
                if args.mode == "overhead":
                    rate = run_overhead_round(leg, args)
                    count = args.messages
                else:
                    rate = run_capture_round(leg, args, round_no)
                    count = args.bounces
                leg.rates.append(rate)
                cpu_after = leg.cpu_seconds()
                cpu = ""
                if cpu_before is not None and cpu_after is not None:
                    per_message = 1000.0 * (cpu_after - cpu_before) / count
                    leg.cpu_ms = getattr(leg, "cpu_ms", []) + [per_message]
                    cpu = "  milter CPU %.2f ms/message" % per_message
                log("  round %d  %-30s %8.0f/s%s" % (round_no, leg.name, rate, cpu))
        for leg in legs:
            leg.stop_sync_trace()
            leg.sync_line = leg.sync_summary(args.rounds * args.bounces)
        report(args, legs)
    except Failure as e:
        log("FAILED: %s" % e)
        for leg in legs:
            for name in ("milter.log", "postfix/maillog"):
                path = os.path.join(leg.root, name)
                if os.path.exists(path):
                    with open(path, errors="replace") as f:
                        tail = f.read().splitlines()[-15:]
                    log("----- %s %s\n%s" % (leg.name, name, "\n".join(tail)))
        return 1
    finally:
        for leg in legs:
            leg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def median(values):
    values = sorted(values)
    n = len(values)
    return (values[n // 2] + values[(n - 1) // 2]) / 2.0


def report(args, legs):
    """Per leg: best and median rate. Ratios: the median of the per-round ratios (each round's legs
    ran back to back, so they shared the machine's load of that moment), then best / best."""
    unit = "messages/s" if args.mode == "overhead" else "bounces/s"
    log("%-30s %14s %10s %18s" % ("setup", "best " + unit, "median", "milter CPU ms/msg"))
    by_name = {leg.name: leg for leg in legs}
    for leg in legs:
        cpu = getattr(leg, "cpu_ms", [])
        log("%-30s %14.0f %10.0f %18s" % (leg.name, max(leg.rates), median(leg.rates),
                                          "%.2f" % median(cpu) if cpu else "-"))

    def ratio(name, floor, target=""):
        a, b = by_name[name], by_name[floor]
        per_round = [100.0 * x / y for x, y in zip(a.rates, b.rates)]
        log("%s / %s: %.1f%% (median of %d rounds; best/best %.1f%%)%s"
            % (name, floor, median(per_round), len(per_round), 100.0 * max(a.rates) / max(b.rates), target))

    measured = [(named(name, kind), kind) for kind in args.sockets for name in (BOUNCE_MILTER, BASELINE)
                if named(name, kind) in by_name]
    if not measured:
        log("no bounce-milter figures: its leg was skipped")
        return
    for name, kind in measured:
        if args.mode == "overhead":
            ratio(name, named(NOOP_AT_MAIL, kind), "  target >= 95%")
            ratio(name, named(NOOP_AT_END, kind))
        else:
            leg = by_name[name]
            log("%s accepted the DSNs over SMTP at %.0f/s (median; best %.0f/s); the rates above count until "
                "the last event reached the file sink" % (name, median(leg.accept_rates), max(leg.accept_rates)))
            ratio(name, named(NOOP_DISCARD, kind), "  target >= 80%")
        ratio(name, "Postfix alone")
    for kind in args.sockets:
        if named(BASELINE, kind) in by_name and named(BOUNCE_MILTER, kind) in by_name:
            ratio(named(BOUNCE_MILTER, kind), named(BASELINE, kind))
    for leg in legs:
        if getattr(leg, "sync_line", ""):
            log("%s: %s" % (leg.name, leg.sync_line))


if __name__ == "__main__":
    sys.exit(main())
