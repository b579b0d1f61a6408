"""bounce-milter as a child process of a fault-injection test, and a read-only look into its outbox.

The milter runs as an unprivileged user through its own privilege drop ([milter] user), as in
production. Its log (stderr) goes through a pipe that a thread copies to a file: a pipe is not subject
to the process's file-size limit, so the milter's error lines survive a "disk full" fault injected
with RLIMIT_FSIZE. Python3 stdlib only.
"""

import json
import os
import pwd
import signal
import socket
import sqlite3
import subprocess
import threading
import time

from e2e_support import wait_for

UNPRIVILEGED_USER = "nobody"


class MilterProcess:
    def __init__(self, binary, state_dir, domain, sinks_toml, user=UNPRIVILEGED_USER):
        """`state_dir` holds the socket, the outbox and the config; it is handed to `user`.
        `sinks_toml` is the [listmonk]/[redis]/[file] part of the configuration."""
        self.binary = binary
        self.state_dir = state_dir
        self.user = user
        self.socket_path = os.path.join(state_dir, "milter.sock")
        self.outbox = os.path.join(state_dir, "outbox.sqlite")
        self.config = os.path.join(state_dir, "bounce-milter.toml")
        self.log_path = os.path.join(state_dir, "milter.log")
        self.proc = None
        self.copier = None
        os.makedirs(state_dir, exist_ok=True)
        entry = pwd.getpwnam(user)
        os.chown(state_dir, entry.pw_uid, entry.pw_gid)
        os.chmod(state_dir, 0o755)
        with open(self.config, "w") as f:
            f.write("""[milter]
socket = "unix:%(sock)s"
# Postfix's user must connect; the milter runs as another unprivileged user without the postfix group.
socket_mode = "0666"
user = "%(user)s"
bounce_addresses = ["bounces@%(domain)s"]
on_bounce = "discard"
on_error = "tempfail"

[outbox]
path = "%(outbox)s"
# Short backoff: the test waits for deliveries after a sink comes back.
retry_initial = 0.2
retry_max = 1
poll_interval = 0.2

%(sinks)s
""" % {"sock": self.socket_path, "user": user, "domain": domain, "outbox": self.outbox, "sinks": sinks_toml})
        r = subprocess.run([binary, "--check-config", "-c", self.config], capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError("config rejected: " + r.stdout + r.stderr)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _spawn(self):
        # -f: stay in the foreground so the pid is the milter's own (prlimit and SIGKILL target it).
        self.proc = subprocess.Popen([self.binary, "-f", "-c", self.config], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.copier = threading.Thread(target=self._copy_log, args=(self.proc.stdout,), daemon=True)
        self.copier.start()

    def start(self, timeout=30):
        self._spawn()
        wait_for(self._listening, timeout, "bounce-milter to listen on %s" % self.socket_path)
        return self

    def start_expecting_refusal(self, timeout=30):
        """Starts the milter where it must refuse to run; returns (exit code, its log lines of this start)."""
        log_before = len(self.log_text())
        self._spawn()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("bounce-milter kept running although it must refuse to start")
        self.copier.join(10)
        return self.proc.returncode, self.log_text()[log_before:]

    def _copy_log(self, pipe):
        with open(self.log_path, "ab") as log:
            for line in iter(pipe.readline, b""):
                log.write(line)
                log.flush()
        pipe.close()

    def _listening(self):
        if self.proc.poll() is not None:
            raise AssertionError("bounce-milter exited with %s:\n%s" % (self.proc.returncode, self.log_tail()))
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(self.socket_path)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def kill(self):
        """SIGKILL: no cleanup at all, as after an OOM kill or a crash."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.copier.join(10)
        return self.proc.returncode

    def stop(self):
        """SIGTERM, bounded; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.copier is not None:
            self.copier.join(10)
        return self.proc.returncode

    def set_file_size_limit(self, soft):
        """Changes RLIMIT_FSIZE of the running milter (soft limit only; the hard one stays unlimited).
        prlimit(2) on another process needs the same user ids (or CAP_SYS_RESOURCE, which a
        container's root may lack), so prlimit runs as the milter's user."""
        value = "unlimited" if soft is None else str(soft)
        subprocess.run(["setpriv", "--reuid", self.user, "--regid", str(pwd.getpwnam(self.user).pw_gid),
                        "--clear-groups", "prlimit", "--pid", str(self.pid), "--fsize=%s:unlimited" % value],
                       check=True, capture_output=True, timeout=10)

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, n=60):
        return "\n".join(self.log_text().splitlines()[-n:])


class OutboxView:
    """Reads the outbox file directly (as `bounce-outbox` would), also after the milter was killed."""

    def __init__(self, path):
        self.path = path

    def _query(self, sql):
        db = sqlite3.connect(self.path, timeout=30)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def emails(self):
        """The bounced address of every event, one entry per event row."""
        return [json.loads(body).get("email", "") for (body,) in self._query("SELECT body FROM events")]

    def keys(self):
        return [k for (k,) in self._query("SELECT key FROM events")]

    def delivery_states(self):
        return dict(self._query("SELECT state, COUNT(*) FROM deliveries GROUP BY state"))

    def delivery_states_by_sink(self):
        return self._query("SELECT sink, state, COUNT(*), MIN(next_attempt_at) - CAST(strftime('%s','now') AS INTEGER)"
                           " * 1000 FROM deliveries GROUP BY sink, state")

    def integrity(self):
        return [r for (r,) in self._query("PRAGMA integrity_check")]

    def leased_beyond(self, seconds):
        """Pending deliveries not due for another `seconds` (leased by a worker that may have died)."""
        now_ms = int(time.time() * 1000)
        return self._query("SELECT COUNT(*) FROM deliveries WHERE state = 'pending' AND next_attempt_at > %d"
                           % (now_ms + seconds * 1000))[0][0]
