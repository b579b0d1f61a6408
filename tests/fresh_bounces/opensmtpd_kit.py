"""A private OpenSMTPD from Debian's own package, run without installing it.

opensmtpd conflicts with the installed Postfix, so its .deb (and libevent, which a Postfix machine may
lack) is unpacked under the build tree (deb_kit.py). smtpd has its spool (/var/spool/smtpd), chroot
(/var/lib/opensmtpd/empty) and control socket (/run) compiled in, so it runs in a private mount
namespace (`unshare -m`) where temporary directories are bound over /var/spool, /var/lib and /run: the
machine's own directories are never written. Its privilege-separation users come from libnss-wrapper.
It listens on a free loopback port and relays everything to the scripted receiver."""
import os
import shlex
import signal
import socket
import subprocess
import time

from deb_kit import kit_env, nss_wrapper_library, unpack_debs

KIT_PACKAGES = ["opensmtpd", "libevent-2.1-7"]
SMTPD_UID, SMTPQ_UID = 65533, 65532  # otherwise unused uids for the wrapper's opensmtpd/opensmtpq users


class PrivateOpenSMTPD:
    def __init__(self, kit_dir, run_dir, listen_port, port, silent_domain, silent_port):
        self.smtpd = unpack_debs(kit_dir, KIT_PACKAGES, os.path.join("usr", "sbin", "smtpd"))
        self.run_dir = run_dir
        self.port = listen_port
        for d in ("spool", "lib/opensmtpd/empty", "run"):
            os.makedirs(os.path.join(run_dir, d), exist_ok=True)
        os.chmod(run_dir, 0o755)
        users = [("opensmtpd", SMTPD_UID), ("opensmtpq", SMTPQ_UID)]
        with open(os.path.join(run_dir, "passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\n")
            f.writelines("%s:x:%d:%d:%s:/nonexistent:/usr/sbin/nologin\n" % (n, u, u, n) for n, u in users)
        with open(os.path.join(run_dir, "group"), "w") as f:
            f.write("root:x:0:\n")
            f.writelines("%s:x:%d:\n" % (n, u) for n, u in users)
        self.config = os.path.join(run_dir, "smtpd.conf")
        with open(self.config, "w") as f:
            f.write(f"""listen on 127.0.0.1 port {listen_port}
action "slow" relay host smtp://127.0.0.1:{silent_port}
action "receiver" relay host smtp://127.0.0.1:{port}
match from local for domain "{silent_domain}" action "slow"
match from local for any action "receiver"
""")
        os.chmod(self.config, 0o644)
        self.env = kit_env(kit_dir, run_dir)
        self.env["LD_PRELOAD"] = nss_wrapper_library()
        binds = " && ".join("mount --bind %s %s" % (shlex.quote(os.path.join(run_dir, src)), dst)
                            for src, dst in (("spool", "/var/spool"), ("lib", "/var/lib"), ("run", "/run")))
        self.script = "%s && exec %s -f %s -d" % (binds, shlex.quote(self.smtpd), shlex.quote(self.config))
        self.proc = None

    def start(self, timeout=30):
        self.log = open(os.path.join(self.run_dir, "smtpd.log"), "ab")
        self.proc = subprocess.Popen(["unshare", "-m", "sh", "-c", self.script], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("smtpd exited: %s" % self.log_text()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    if s.recv(100).startswith(b"220"):
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("smtpd did not answer on port %d: %s" % (self.port, self.log_text()[-2000:]))

    def log_text(self):
        try:
            with open(os.path.join(self.run_dir, "smtpd.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            # smtpd runs in its own session; its privilege-separated children go with the group.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()
