"""A private Exim from Debian's own package, run without installing it.

Debian's exim4 conflicts with the installed Postfix, so the package is fetched with `apt-get download`
and unpacked with `dpkg-deb -x` into a kit directory under the build tree (kept between runs). It runs
with its own configuration (-C), spool and log in a temporary directory, relays everything to loopback
ports, and never listens itself: messages are submitted on the command line (-odi, delivered before the
command returns). The binary's compiled-in exim user "Debian-exim" is given to it by libnss-wrapper's
passwd file, mapped to nobody's uid; the kit binary loses its setuid bit, so every Exim process (also
the ones that deliver the bounces it generates) keeps the environment that loads the wrapper."""
import os
import subprocess

from deb_kit import KitError, kit_env, unpack_debs  # noqa: F401 (KitError: raised to the caller)

# The daemon and the one library it needs that a Postfix machine lacks (checked with ldd after unpacking).
KIT_PACKAGES = ["exim4-daemon-light", "libidn12"]
EXIM_UID = 65534  # nobody: the uid the wrapper's "Debian-exim" gets


def ensure_kit(kit_dir):
    """Unpacked Exim under kit_dir/root; downloads the packages on first use. Returns the exim binary."""
    return unpack_debs(kit_dir, KIT_PACKAGES, os.path.join("usr", "sbin", "exim4"))


class PrivateExim:
    """Exim relaying every domain to 127.0.0.1:`port`, and `silent_domain` to 127.0.0.1:`silent_port`.
    There are no retry rules, so a temporary refusal fails the address at once (with a bounce), as a
    message reaching the end of its retry period would."""

    def __init__(self, kit_dir, run_dir, port, silent_domain, silent_port, timeout_s=3):
        self.kit_dir = kit_dir
        self.run_dir = run_dir
        self.exim = ensure_kit(kit_dir)
        for d in ("spool", "log"):
            os.makedirs(os.path.join(run_dir, d), exist_ok=True)
            os.chown(os.path.join(run_dir, d), EXIM_UID, EXIM_UID)
        os.chmod(run_dir, 0o755)
        with open(os.path.join(run_dir, "passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\nDebian-exim:x:%d:%d:exim:/nonexistent:/usr/sbin/nologin\n"
                    % (EXIM_UID, EXIM_UID))
        with open(os.path.join(run_dir, "group"), "w") as f:
            f.write("root:x:0:\nDebian-exim:x:%d:\n" % EXIM_UID)
        self.config = os.path.join(run_dir, "exim.conf")
        with open(self.config, "w") as f:
            f.write(f"""primary_hostname = mx-exim.test.local
qualify_domain = test.local
exim_path = {self.exim}
spool_directory = {run_dir}/spool
log_file_path = {run_dir}/log/%slog
keep_environment = LD_LIBRARY_PATH : LD_PRELOAD : NSS_WRAPPER_PASSWD : NSS_WRAPPER_GROUP
deliver_drop_privilege = true
host_lookup =
rfc1413_hosts =

begin routers
slow_mx:
  driver = manualroute
  domains = {silent_domain}
  route_list = * 127.0.0.1
  transport = to_silent
  self = send
everything:
  driver = manualroute
  route_list = * 127.0.0.1
  transport = to_receiver
  self = send

begin transports
to_receiver:
  driver = smtp
  port = {port}
  allow_localhost
  hosts_avoid_tls = *
to_silent:
  driver = smtp
  port = {silent_port}
  allow_localhost
  connect_timeout = {timeout_s}s
  command_timeout = {timeout_s}s

begin retry
""")
        self.env = kit_env(kit_dir, run_dir)

    def submit(self, sender, recipient, message_bytes):
        r = subprocess.run([self.exim, "-C", self.config, "-odi", "-oi", "-f", sender, recipient],
                           input=message_bytes, capture_output=True, env=self.env, timeout=60)
        # A failed delivery is what the test wants (Exim then mails the bounce and exits 0 or 1); anything
        # Exim prints is a problem of the kit or the configuration.
        if r.returncode not in (0, 1) or r.stderr.strip():
            raise AssertionError("exim submission failed (%d): %s" % (r.returncode, r.stderr.decode(errors="replace")))

    def mainlog(self):
        try:
            with open(os.path.join(self.run_dir, "log", "mainlog"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def paniclog(self):
        try:
            with open(os.path.join(self.run_dir, "log", "paniclog"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""
