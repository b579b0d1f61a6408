"""A private Sendmail for the tests: Debian's sendmail-bin, sendmail-cf and sendmail-base unpacked into a
kit under the build tree (never installed: they conflict with the Postfix package the other tests need),
and instances that run from a temporary directory with their own .cf, queue, aliases and loopback port.
/etc/mail is never read or written.

Facts this module is built on (issue 16):
  * The .debs come from Debian's mirror with `apt-get download` and are unpacked with `dpkg-deb -x`
    once; the kit is reused by later runs and guarded by a lock so parallel tests build it once.
  * The sendmail binary is setgid, so the dynamic loader ignores LD_PRELOAD; the kit's copy has the bit
    dropped. libnss_wrapper is preloaded to give Sendmail a dotted host name and a private hosts file:
    with an unqualified host name Sendmail sleeps 60 s at start.
  * Sendmail logs only to syslog; `-X FILE` traces every SMTP and milter-visible exchange instead.
  * A unix milter socket under /tmp needs DontBlameSendmail=TrustStickyBit.
"""

import fcntl
import glob
import os
import shutil
import socket
import subprocess
import time

from e2e_support import free_port

PACKAGES = ("sendmail-bin", "sendmail-cf", "sendmail-base")
KIT_LAYOUT_VERSION = "1"
NSS_WRAPPER_CANDIDATES = ("/usr/lib/x86_64-linux-gnu/libnss_wrapper.so", "/usr/lib/aarch64-linux-gnu/libnss_wrapper.so",
                          "/usr/lib/libnss_wrapper.so")


class KitError(Exception):
    pass


class SendmailKit:
    """The unpacked packages: `root` is the extracted file tree, `sendmail` the binary without setgid."""

    def __init__(self, directory):
        self.directory = directory
        self.root = os.path.join(directory, "root")
        self.sendmail = os.path.join(directory, "bin", "sendmail")
        self.cf_dir = os.path.join(self.root, "usr", "share", "sendmail", "cf")
        self.nss_wrapper = next((p for p in NSS_WRAPPER_CANDIDATES if os.path.exists(p)), None)

    def version(self):
        """The version line the binary itself reports, e.g. "8.17.1.9"."""
        # It resolves its own host name first, so it needs the private hosts file too.
        with open(os.path.join(self.directory, "hosts"), "w") as f:
            f.write("127.0.0.1 kit.sendmail.test kit localhost\n")
        r = subprocess.run([self.sendmail, "-d0.1", "-bt", "-C", os.devnull], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=30,
                           env=self.environment(self.directory, "kit.sendmail.test"))
        for line in r.stdout.splitlines():
            if line.startswith("Version "):
                return line.split(None, 1)[1].strip()
        raise KitError("sendmail -d0.1 printed no version: %r %r" % (r.stdout[:300], r.stderr[:300]))

    def environment(self, instance_dir, hostname="mx.sendmail.test"):
        """Environment for running the kit's binary; with `instance_dir`, its hosts file and host name."""
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
        if instance_dir is not None:
            if not self.nss_wrapper:
                raise KitError("libnss_wrapper.so not found (packaging/install-deps.sh installs libnss-wrapper)")
            env.update({"LD_PRELOAD": self.nss_wrapper, "NSS_WRAPPER_HOSTNAME": hostname,
                        "NSS_WRAPPER_HOSTS": os.path.join(instance_dir, "hosts")})
        return env


def _download_and_unpack(directory):
    # Built next to its final place and renamed into it, so an interrupted run leaves no half kit.
    staging = directory + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(os.path.join(staging, "debs"))
    # apt drops to the _apt user to write the files unless told otherwise; a build tree may not be
    # writable by it.
    download = ["apt-get", "download", "-o", "APT::Sandbox::User=root"] + list(PACKAGES)
    r = subprocess.run(download, cwd=os.path.join(staging, "debs"), capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and os.geteuid() == 0:
        # A fresh machine may have no package lists yet.
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=600)
        r = subprocess.run(download, cwd=os.path.join(staging, "debs"), capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise KitError("apt-get download %s failed: %s" % (" ".join(PACKAGES), r.stderr.strip()[-800:]))
    for deb in sorted(glob.glob(os.path.join(staging, "debs", "*.deb"))):
        subprocess.run(["dpkg-deb", "-x", deb, os.path.join(staging, "root")], check=True, timeout=120)
    binary = os.path.join(staging, "root", "usr", "libexec", "sendmail", "sendmail")
    if not os.path.exists(binary):
        raise KitError("no usr/libexec/sendmail/sendmail in the unpacked packages")
    os.makedirs(os.path.join(staging, "bin"))
    shutil.copyfile(binary, os.path.join(staging, "bin", "sendmail"))
    os.chmod(os.path.join(staging, "bin", "sendmail"), 0o755)  # no setgid: LD_PRELOAD must work
    with open(os.path.join(staging, "ready"), "w") as f:
        f.write(KIT_LAYOUT_VERSION + "\n")
    shutil.rmtree(directory, ignore_errors=True)
    os.rename(staging, directory)


def ensure_kit(build_dir):
    """The kit in BUILD/sendmail-kit, fetched and unpacked on first use. Raises KitError with the reason
    when it cannot be built or its shared libraries are missing."""
    directory = os.path.join(os.path.abspath(build_dir), "sendmail-kit")
    os.makedirs(os.path.dirname(directory), exist_ok=True)
    with open(directory + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(os.path.join(directory, "ready")) as f:
                ready = f.read().strip() == KIT_LAYOUT_VERSION
        except OSError:
            ready = False
        if not ready:
            _download_and_unpack(directory)
    kit = SendmailKit(directory)
    missing = [l.split()[0] for l in subprocess.run(["ldd", kit.sendmail], capture_output=True, text=True).stdout
               .splitlines() if "not found" in l]
    if missing:
        raise KitError("the kit's sendmail needs %s (packaging/install-deps.sh installs them)" % ", ".join(missing))
    return kit


class PrivateSendmail:
    """One Sendmail daemon in `directory` on 127.0.0.1:`port`, named `hostname`.

    `smart_host_port`: every non-local recipient goes to [127.0.0.1] on that port (the esmtp mailer).
    `routes`: {domain: port} sent to [127.0.0.1] on their own port instead (a mailertable with one
    relay mailer per port). `relay_domains`: recipient domains accepted from anyone (the MX role).
    `mc_tail`: more .mc lines (an INPUT_MAIL_FILTER or an include of one) appended before MAILER()."""

    def __init__(self, kit, directory, hostname, smart_host_port=None, routes=None, relay_domains=(), mc_tail=""):
        self.kit = kit
        self.directory = directory
        self.hostname = hostname
        self.port = free_port()
        self.queue = os.path.join(directory, "mqueue")
        self.cf = os.path.join(directory, "sendmail.cf")
        self.trace = os.path.join(directory, "smtp-trace.log")
        self.process = None
        os.makedirs(self.queue, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o755)
        with open(os.path.join(directory, "hosts"), "w") as f:
            f.write("127.0.0.1 %s %s localhost\n" % (hostname, hostname.split(".")[0]))
        with open(os.path.join(directory, "service.switch"), "w") as f:
            f.write("hosts files\naliases files\n")
        with open(os.path.join(directory, "aliases"), "w") as f:
            f.write("postmaster: root\nMAILER-DAEMON: postmaster\n")
        self._write_mc(smart_host_port, routes or {}, relay_domains, mc_tail)
        self._build_cf()
        r = subprocess.run([kit.sendmail, "-C", self.cf, "-bi"], capture_output=True, text=True, timeout=60,
                           env=self.env())
        if r.returncode != 0:
            raise KitError("newaliases failed: %s %s" % (r.stdout, r.stderr))

    def env(self):
        return self.kit.environment(self.directory, self.hostname)

    def _write_mc(self, smart_host_port, routes, relay_domains, mc_tail):
        d = self.directory
        lines = [
            "divert(-1)",
            "divert(0)dnl",
            "VERSIONID(`bounce-milter test instance')dnl",
            "OSTYPE(`linux')dnl",
            "define(`confDOMAIN_NAME', `%s')dnl" % self.hostname,
            "define(`confSERVICE_SWITCH_FILE', `%s/service.switch')dnl" % d,
            "define(`ALIAS_FILE', `%s/aliases')dnl" % d,
            "define(`QUEUE_DIR', `%s')dnl" % self.queue,
            "define(`STATUS_FILE', `%s/statistics')dnl" % d,
            "define(`confPID_FILE', `%s/sendmail.pid')dnl" % d,
            "define(`confHELP_FILE', `%s/helpfile')dnl" % d,
            "define(`confDONT_PROBE_INTERFACES', `True')dnl",
            "define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl",
            "define(`confTO_IDENT', `0s')dnl",
            # The machine running the suite is busy: never refuse or merely queue because of the load.
            "define(`confQUEUE_LA', `999')dnl",
            "define(`confREFUSE_LA', `999')dnl",
            "define(`confDELAY_LA', `0')dnl",
            "FEATURE(`no_default_msa')dnl",
            "FEATURE(`nocanonify')dnl",
            "FEATURE(`accept_unresolvable_domains')dnl",
            "DAEMON_OPTIONS(`Port=%d, Addr=127.0.0.1, Name=MTA')dnl" % self.port,
        ]
        for domain in relay_domains:
            lines.append("RELAY_DOMAIN(`%s')dnl" % domain)
        if smart_host_port:
            lines.append("define(`SMART_HOST', `esmtp:[127.0.0.1]')dnl")
            lines.append("define(`ESMTP_MAILER_ARGS', `TCP $h %d')dnl" % smart_host_port)
        if routes:
            if len(set(routes.values())) > 1:
                raise KitError("routes to more than one port need more relay mailers")
            table = os.path.join(d, "mailertable")
            with open(table, "w") as f:
                f.write("".join("%s relay:[127.0.0.1]\n" % domain for domain in routes))
            lines.append("define(`RELAY_MAILER_ARGS', `TCP $h %d')dnl" % next(iter(routes.values())))
            lines.append("FEATURE(`mailertable', `text -k0 -v1 %s')dnl" % table)
        lines.append(mc_tail.rstrip("\n"))
        lines += ["MAILER(`local')dnl", "MAILER(`smtp')dnl", ""]
        with open(os.path.join(d, "sendmail.mc"), "w") as f:
            f.write("\n".join(lines))

    def _build_cf(self):
        cf_m4 = os.path.join(self.kit.cf_dir, "m4", "cf.m4")
        with open(self.cf, "w") as out:
            r = subprocess.run(["m4", "-D_CF_DIR_=%s/" % self.kit.cf_dir, cf_m4, os.path.join(self.directory, "sendmail.mc")],
                               stdout=out, stderr=subprocess.PIPE, text=True, timeout=60)
        if r.returncode != 0 or "ERROR" in r.stderr:
            raise KitError("m4 could not build sendmail.cf: %s" % r.stderr)
        os.chmod(self.cf, 0o644)
        open(os.path.join(self.directory, "helpfile"), "w").close()

    def start(self, log_path, timeout=30):
        log = open(log_path, "ab")
        # -bD: the daemon in the foreground, so the test owns the process; -X: the SMTP trace.
        self.process = subprocess.Popen([self.kit.sendmail, "-C", self.cf, "-bD", "-X", self.trace, "-q5s"],
                                        stdout=log, stderr=subprocess.STDOUT, env=self.env(), cwd=self.directory)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KitError("sendmail exited with %s (see %s)" % (self.process.returncode, log_path))
            if self.answers():
                return
            time.sleep(0.1)
        raise KitError("sendmail on port %d did not greet within %d s" % (self.port, timeout))

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                return s.recv(200).startswith(b"220")
        except OSError:
            return False

    def queued(self):
        """Queue files still in the queue (qf* are messages waiting for delivery)."""
        return sorted(f for f in os.listdir(self.queue) if f.startswith("qf"))

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def trace_text(self):
        try:
            with open(self.trace, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""
