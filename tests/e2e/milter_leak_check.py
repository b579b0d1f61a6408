#!/usr/bin/env python3
"""Leak check of bounce-milter's end-to-end flow per message: the milter runs under valgrind memcheck behind
a private Postfix; smtp-source sends N distinct DSNs (each twice: recorded, then a duplicate) plus plain
mail and human replies to the bounce address; then SIGTERM. Done for each N of --counts (default 50 and
500), it shows that nothing is definitely or indirectly lost, that "possibly lost" is only the
thread-local storage of libmilter's own threads still running at exit (one block per thread, however
many messages), and that "still reachable" does not grow with the number of messages.

Needs root, the postfix package and valgrind. About 5 minutes on 2 busy cores (50 + 500 DSNs).
Usage: milter_leak_check.py --build BUILD_DIR [--counts 50,500] [--sessions 4]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import PrivatePostfix, wait_for, log, preflight  # noqa: E402
from milter_load_e2e import DOMAIN, Load, can_connect_unix, file_events, read, write_milter_config  # noqa: E402

LEAK_KINDS = ("definitely lost", "indirectly lost", "possibly lost", "still reachable")


def leak_summary(valgrind_log):
    """{kind: (bytes, blocks)} from valgrind's LEAK SUMMARY; kinds not listed are 0."""
    out = {k: (0, 0) for k in LEAK_KINDS}
    for kind in LEAK_KINDS:
        m = re.search(r"%s: ([\d,]+) bytes in ([\d,]+) blocks" % kind, valgrind_log)
        if m:
            out[kind] = (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")))
    return out


def possibly_lost_outside_libmilter_threads(valgrind_log):
    """'possibly lost' records other than the thread-local storage of libmilter's own threads (its signal
    thread, its worker pool), which are still running when the process exits. Their number follows the
    number of pool workers, not the number of messages. Returns the other records' first lines."""
    others = []
    for record in re.split(r"==\d+== \n", valgrind_log):
        if "are possibly lost in loss record" not in record:
            continue
        if "allocate_dtv" in record and "pthread_create" in record and "libmilter.so" in record:
            continue
        others.append(record.strip().splitlines()[0])
    return others


def one_run(args, dsns, tmp):
    """Returns (leak summary, error count, seconds) for `dsns` distinct DSNs."""
    sock = os.path.join(tmp, "milter.sock")
    events_path = os.path.join(tmp, "events.jsonl")
    config = write_milter_config(tmp, sock, os.path.join(tmp, "outbox.sqlite"), events_path)
    vg_log = os.path.join(tmp, "valgrind.log")
    argv = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect", "--num-callers=40", "--log-file=" + vg_log,
            os.path.join(args.build, "bounce-milter"), "-f", "--allow-root", "-c", config]
    started = time.monotonic()
    with open(os.path.join(tmp, "milter.log"), "ab") as out:
        milter = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    postfix = None
    try:
        def ready():
            if milter.poll() is not None:
                raise AssertionError("bounce-milter under valgrind exited with %s:\n%s"
                                     % (milter.returncode, read(vg_log)[-3000:]))
            return can_connect_unix(sock)
        wait_for(ready, 120, "the milter socket (under valgrind)")
        # Under valgrind the milter is many times slower: give Postfix's milter timeouts room.
        postfix = PrivatePostfix(os.path.join(tmp, "postfix"), DOMAIN, sock,
                                 {"milter_command_timeout": "120s", "milter_content_timeout": "300s"})
        postfix.start()

        args.copies, args.plain_per_session, args.human_per_session = 2, 5, 2
        load = Load(args, postfix.port, tmp)
        todo = iter(range(dsns))
        todo_lock = threading.Lock()

        def worker():
            while True:
                with todo_lock:
                    n = next(todo, None)
                if n is None:
                    return
                load.send_dsn()
                if n % 10 == 0:
                    load.send_plain()
                    load.send_human()
        threads = [threading.Thread(target=worker) for _ in range(args.sessions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if load.errors:
            raise AssertionError("smtp-source errors: %s" % load.errors[:5])
        wait_for(lambda: len(file_events(events_path)) >= dsns, 300, "%d events in the file sink" % dsns, 0.5)
        if len(file_events(events_path)) != dsns or len(load.dsns) != dsns:
            raise AssertionError("%d events for %d DSNs" % (len(file_events(events_path)), dsns))
        wait_for(postfix.queue_empty, 120, "the Postfix queue to empty", 0.5)
        postfix.stop()
        postfix = None
        milter.send_signal(signal.SIGTERM)
        rc = milter.wait(300)
        text = read(vg_log)
        if rc != 0:
            raise AssertionError("bounce-milter under valgrind exited with %s after SIGTERM:\n%s" % (rc, text[-3000:]))
        if "LEAK SUMMARY" not in text and "All heap blocks were freed" not in text:
            raise AssertionError("no leak report from valgrind:\n%s" % text[-3000:])
        m = re.search(r"ERROR SUMMARY: ([\d,]+) errors", text)
        errors = int(m.group(1).replace(",", "")) if m else -1
        sent = sum(load.sent.values())
        return leak_summary(text), errors, time.monotonic() - started, sent, text
    finally:
        if postfix:
            postfix.stop()
        if milter.poll() is None:
            milter.kill()
            milter.wait(30)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("--counts", default="50,500", help="distinct DSNs per run, comma-separated")
    ap.add_argument("--sessions", type=int, default=4, help="parallel SMTP sessions")
    ap.add_argument("--keep-log", help="copy the last run's valgrind log here")
    args = ap.parse_args()
    status = preflight("private Postfix instance", ("postfix", "smtp-source", "valgrind", "script"))
    if status is not None:
        return status
    args.build = os.path.abspath(args.build)


    results = []
    failed = []
    for dsns in [int(c) for c in args.counts.split(",")]:
        tmp = tempfile.mkdtemp(prefix="bm-leak-")
        os.chmod(tmp, 0o755)  # the postfix user must traverse it
        try:
            summary, errors, seconds, sent, text = one_run(args, dsns, tmp)
        except (Exception, SystemExit) as e:  # noqa: BLE001 - report and clean up
            log("FAIL: %d DSNs: %s: %s" % (dsns, type(e).__name__, e))
            return 1
        finally:
            if args.keep_log and os.path.exists(os.path.join(tmp, "valgrind.log")):
                shutil.copy(os.path.join(tmp, "valgrind.log"), args.keep_log)
            shutil.rmtree(tmp, ignore_errors=True)
        results.append((dsns, summary))
        log("%4d distinct DSNs (%d messages) in %.0f s: %s; memcheck errors: %d"
            % (dsns, sent, seconds, ", ".join("%s %d bytes in %d blocks" % ((k,) + summary[k]) for k in LEAK_KINDS),
               errors))
        for kind in ("definitely lost", "indirectly lost"):
            if summary[kind][0]:
                failed.append("%d DSNs: %s %d bytes" % (dsns, kind, summary[kind][0]))
        others = possibly_lost_outside_libmilter_threads(text)
        if others:
            failed.append("%d DSNs: possibly lost outside libmilter's thread-local storage: %s" % (dsns, others[:3]))
        else:
            log("      'possibly lost' is only the thread-local storage of %d libmilter threads alive at exit"
                % summary["possibly lost"][1])
        if errors:
            failed.append("%d DSNs: %d memcheck errors (see the valgrind log)" % (dsns, errors))
            log("\n".join([l for l in text.splitlines() if l.startswith("==")][-80:]))
    if len(results) > 1:
        (n0, first), (n1, last) = results[0], results[-1]
        # Allocations kept for the process's lifetime (GMime's and SQLite's tables, the config) are still
        # reachable; a cache or list growing per message would show as more blocks at the larger count.
        if last["still reachable"][1] > first["still reachable"][1] + 16:
            failed.append("still reachable grows with the message count: %d blocks at %d DSNs, %d at %d"
                          % (first["still reachable"][1], n0, last["still reachable"][1], n1))
    if failed:
        log("FAIL: " + "; ".join(failed))
        return 1
    log("ok - no leak per message: nothing definitely or indirectly lost, and nothing grows with the count")
    return 0


if __name__ == "__main__":
    sys.exit(main())
