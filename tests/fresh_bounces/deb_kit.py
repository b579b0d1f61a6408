"""MTAs from Debian packages that conflict with the installed Postfix, used without installing them:
`apt-get download` the .debs into a kit directory under the build tree and `dpkg-deb -x` them there
(kept between runs, so only the first run needs the package mirror)."""
import os
import shutil
import subprocess


class KitError(Exception):
    pass


def nss_wrapper_library():
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"):
        path = os.path.join(d, "libnss_wrapper.so")
        if os.path.exists(path):
            return path
    raise KitError("libnss_wrapper.so not found (packaging/install-deps.sh installs libnss-wrapper)")


def unpack_debs(kit_dir, packages, binary):
    """kit_dir/root holds the unpacked packages; returns kit_dir/root/`binary`, checked with ldd."""
    root = os.path.join(kit_dir, "root")
    path = os.path.join(root, binary)
    if not os.path.exists(path):
        debs = os.path.join(kit_dir, "debs")
        os.makedirs(debs, exist_ok=True)
        r = subprocess.run(["apt-get", "download", *packages], cwd=debs, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            # A fresh machine may not have read the package lists yet.
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=300)
            r = subprocess.run(["apt-get", "download", *packages], cwd=debs, capture_output=True, text=True,
                               timeout=300)
        if r.returncode != 0:
            raise KitError("apt-get download %s failed: %s" % (" ".join(packages), r.stderr.strip()[-500:]))
        staging = root + ".tmp"
        shutil.rmtree(staging, ignore_errors=True)
        for deb in sorted(os.listdir(debs)):
            if deb.endswith(".deb"):
                subprocess.run(["dpkg-deb", "-x", os.path.join(debs, deb), staging], check=True, timeout=120)
        # No setuid bit: a setuid binary would drop LD_PRELOAD/LD_LIBRARY_PATH in the processes it re-executes.
        os.chmod(os.path.join(staging, binary), 0o755)
        os.rename(staging, root)
    r = subprocess.run(["ldd", path], capture_output=True, text=True, env=kit_env(kit_dir, None))
    missing = [line.strip() for line in r.stdout.splitlines() if "not found" in line]
    if missing:
        raise KitError("the kit in %s lacks libraries: %s" % (kit_dir, "; ".join(missing)))
    return path


def kit_env(kit_dir, run_dir):
    """The environment a kit program runs in: its own libraries first, and with a run_dir, the users of
    run_dir/passwd and run_dir/group through libnss-wrapper."""
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(kit_dir, "root", "usr", "lib", "x86_64-linux-gnu")
    if run_dir:
        env["LD_PRELOAD"] = nss_wrapper_library()
        env["NSS_WRAPPER_PASSWD"] = os.path.join(run_dir, "passwd")
        env["NSS_WRAPPER_GROUP"] = os.path.join(run_dir, "group")
    return env
