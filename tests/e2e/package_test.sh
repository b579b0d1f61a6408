#!/usr/bin/env bash
# Builds the .deb with cpack, installs it with dpkg -i on this machine, checks its contents (conffiles,
# units, man pages, the system user), runs systemd-analyze verify on the units, runs each program's
# --check-config on the installed example configs, starts the daemons briefly from the installed files
# as the bouncemilter user, and purges the package again.
#   package_test.sh BUILD_DIR
# Exit 77 (skipped) when not root or when bounce-milter is already installed here (never touch an
# administrator's installation).
set -euo pipefail

BUILD=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)
PKG=bounce-milter
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "== $*"; }

[ "$(id -u)" -eq 0 ] || { echo "SKIP: dpkg -i needs root"; exit 77; }
for tool in cpack dpkg dpkg-deb; do command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 77; }; done

# Other people run this same test on this machine: one package test at a time.
exec 9>/tmp/bounce-milter-package-test.lock
flock -w 600 9 || fail "another package test holds the lock for 10 minutes"

if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; then
  echo "SKIP: $PKG is already installed on this machine; not replacing it"
  exit 77
fi

TMP=$(mktemp -d /tmp/bounce-package-test.XXXXXX)
PIDS=()
installed=0
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$installed" = 1 ]; then dpkg_retry -P "$PKG" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# dpkg has no lock timeout of its own; apt or another test may hold the lock for a moment.
dpkg_retry() {
  local i
  for i in $(seq 1 60); do
    if dpkg "$@" 2>"$TMP/dpkg.err"; then return 0; fi
    grep -q 'lock' "$TMP/dpkg.err" || { cat "$TMP/dpkg.err" >&2; return 1; }
    sleep 2
  done
  cat "$TMP/dpkg.err" >&2
  return 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

note "cpack -G DEB"
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/out" >"$TMP/cpack.log" 2>&1 || { cat "$TMP/cpack.log"; fail "cpack"; }
DEB=$(ls "$TMP"/out/*.deb | head -n1)
[ -f "$DEB" ] || fail "no .deb produced"
dpkg-deb -I "$DEB" >"$TMP/info"
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$TMP/contents"
echo "package: $(basename "$DEB"), $(grep -c . "$TMP/contents") entries"
grep -E '^ (Depends|Section):' "$TMP/info"

expect_file() { grep -qx "$1" "$TMP/contents" || fail "package lacks $1"; }
for conf in bounce-milter bounce-hooks bounce-drain; do expect_file "/etc/bounce-milter/$conf.toml"; done
expect_file /usr/share/man/man5/bounce-milter.toml.5.gz
expect_file /usr/share/doc/bounce-milter/main.cf.snippet
expect_file /usr/share/doc/bounce-milter/master.cf.snippet
expect_file /usr/share/doc/bounce-milter/bounce-milter.m4
expect_file /usr/share/bounce-milter/prometheus/bounce-milter.rules.yml
expect_file /usr/share/bounce-milter/prometheus/bounce-milter.rules.test.yml
expect_file /usr/share/doc/bounce-milter/copyright
expect_file /usr/share/doc/bounce-milter/changelog.Debian.gz
for doc in "$(dirname "$0")"/../../docs/*.md; do expect_file "/usr/share/doc/bounce-milter/docs/$(basename "$doc")"; done
# Programs and their units and man pages: whatever this build has.
DAEMONS=()
for prog in bounce-milter bounce-hooks bounce-drain; do
  if [ -x "$BUILD/$prog" ]; then
    DAEMONS+=("$prog")
    expect_file "/usr/sbin/$prog"
    expect_file "/lib/systemd/system/$prog.service"
    expect_file "/usr/share/man/man1/$prog.1.gz"
  fi
done
for prog in bounce-parse bounce-outbox; do
  if [ -x "$BUILD/$prog" ]; then expect_file "/usr/bin/$prog"; expect_file "/usr/share/man/man1/$prog.1.gz"; fi
done
dpkg-deb -e "$DEB" "$TMP/control"
for f in /etc/bounce-milter/bounce-milter.toml /etc/bounce-milter/bounce-drain.toml; do
  grep -qx "$f" "$TMP/control/conffiles" || fail "$f is not a conffile"
done

note "binaries are stripped"
dpkg-deb -x "$DEB" "$TMP/root"
for bin in "$TMP"/root/usr/sbin/* "$TMP"/root/usr/bin/*; do
  [ -f "$bin" ] || continue
  if readelf -S "$bin" | grep -q '\.debug_info'; then fail "$(basename "$bin") is not stripped"; fi
done

note "dpkg -i"
dpkg_retry -i "$DEB" >"$TMP/dpkg-i.log" || { cat "$TMP/dpkg-i.log"; fail "dpkg -i"; }
# The installed alert rules load in Prometheus and their shipped unit tests pass where they lie.
promtool check rules /usr/share/bounce-milter/prometheus/bounce-milter.rules.yml >/dev/null || fail "promtool check rules"
promtool test rules /usr/share/bounce-milter/prometheus/bounce-milter.rules.test.yml >/dev/null || fail "promtool test rules"
installed=1
getent passwd bouncemilter >/dev/null || fail "postinst did not create the bouncemilter user"
id -nG bouncemilter | grep -qw bouncemilter || fail "bouncemilter has no own group"
[ "$(stat -c '%U:%G %a' /etc/bounce-milter)" = "root:bouncemilter 750" ] || \
  fail "/etc/bounce-milter is $(stat -c '%U:%G %a' /etc/bounce-milter), want root:bouncemilter 750"
[ "$(stat -c '%U:%G %a' /var/lib/bouncemilter)" = "bouncemilter:bouncemilter 750" ] || \
  fail "postinst did not create /var/lib/bouncemilter (without systemd): $(stat -c '%U:%G %a' /var/lib/bouncemilter 2>&1)"
if getent group postfix >/dev/null; then
  [ "$(stat -c '%U:%G %a' /var/spool/postfix/bouncemilter)" = "bouncemilter:postfix 2750" ] || \
    fail "socket directory is $(stat -c '%U:%G %a' /var/spool/postfix/bouncemilter 2>&1), want bouncemilter:postfix 2750"
  id -nG bouncemilter | grep -qw postfix || fail "bouncemilter is not in group postfix"
fi
if command -v man >/dev/null; then man -w bounce-milter.toml >/dev/null 2>&1 || fail "man bounce-milter.toml not found"; fi

note "systemd-analyze verify"
if command -v systemd-analyze >/dev/null; then
  units=()
  for d in "${DAEMONS[@]}"; do units+=("/lib/systemd/system/$d.service"); done
  if [ ${#units[@]} -gt 0 ]; then
    # Works offline (no running systemd needed): parses the units, checks ExecStart binaries, users,
    # directives and man pages named in Documentation=.
    man_check=yes
    command -v man >/dev/null || man_check=no  # Documentation= pages are checked with man(1) when present
    if ! systemd-analyze verify --man="$man_check" "${units[@]}" >"$TMP/verify.log" 2>&1; then
      cat "$TMP/verify.log"; fail "systemd-analyze verify"
    fi
    # verify reports some problems only as messages; treat any line about our units as a failure.
    if grep -E 'bounce-(milter|hooks|drain)\.service' "$TMP/verify.log"; then fail "systemd-analyze verify complained"; fi
    echo "verified: ${units[*]}"
  fi
else
  echo "systemd-analyze not installed (packaging/install-deps.sh --package installs it); units not verified"
fi

note "--check-config on the installed examples (their change-me secrets refused, then replaced)"
for d in "${DAEMONS[@]}"; do
  if grep -q 'change-me' "/etc/bounce-milter/$d.toml"; then
    rc=0; "/usr/sbin/$d" --check-config >"$TMP/check.log" 2>&1 || rc=$?
    [ "$rc" -eq 1 ] && grep -q "^/etc/bounce-milter/$d.toml:[0-9]*: .*placeholder" "$TMP/check.log" || \
      fail "$d --check-config accepted the shipped change-me secret (rc=$rc): $(cat "$TMP/check.log")"
    sed -i 's/"change-me"/"pkg-test-9c2f7e1a"/' "/etc/bounce-milter/$d.toml"
  fi
  # Without -c: the program's own file under /etc/bounce-milter.
  "/usr/sbin/$d" --check-config || fail "$d --check-config on the installed example"
  # and as the unit's user, who must be able to read its configuration
  runuser -u bouncemilter -- "/usr/sbin/$d" --check-config -c "/etc/bounce-milter/$d.toml" >/dev/null || \
    fail "$d cannot read its configuration as bouncemilter"
done
for prog in bounce-milter bounce-hooks bounce-drain bounce-parse bounce-outbox; do
  for bin in /usr/sbin/$prog /usr/bin/$prog; do
    if [ -x "$bin" ]; then "$bin" --version >/dev/null || fail "$prog --version"; fi
  done
done
if [ -x /usr/bin/bounce-outbox ]; then /usr/bin/bounce-outbox --help >/dev/null || fail "bounce-outbox --help"; fi
if [ -x /usr/bin/bounce-parse ]; then
  fixture="$(dirname "$0")/../fixtures/example-bounce.eml"
  /usr/bin/bounce-parse "$fixture" | grep -q '"kind":"dsn"' || fail "installed bounce-parse does not parse the example bounce"
fi

note "daemons start from the installed configuration (as bouncemilter, in the unit's state directory)"
# systemd would create StateDirectory=; do the same by hand since no systemd runs here.
install -d -o bouncemilter -g bouncemilter -m 0750 /var/lib/bouncemilter
start_daemon() {  # name args...
  local name=$1; shift
  # setpriv execs the daemon itself (runuser would stay in between and answer SIGTERM with 143).
  (cd /var/lib/bouncemilter && exec setpriv --reuid bouncemilter --regid bouncemilter --init-groups -- "$@") \
    >"$TMP/$name.log" 2>&1 &
  PIDS+=("$!")
  sleep 1.5
  kill -0 "$!" 2>/dev/null || { cat "$TMP/$name.log"; fail "$name exited at start"; }
  kill -TERM "$!"
  local rc=0
  wait "$!" || rc=$?
  [ "$rc" -eq 0 ] || { cat "$TMP/$name.log"; fail "$name exited $rc on SIGTERM"; }
  echo "$name started and stopped cleanly"
}
for d in "${DAEMONS[@]}"; do
  case "$d" in
    bounce-milter)
      # The example's fixed TCP port may be taken by a concurrent test; only the port is overridden.
      start_daemon "$d" /usr/sbin/bounce-milter -f -c /etc/bounce-milter/bounce-milter.toml \
        --socket "inet:$(free_port)@127.0.0.1" ;;
    bounce-hooks)
      sed "s/^listen = .*/listen = \"127.0.0.1:$(free_port)\"/" /etc/bounce-milter/bounce-hooks.toml >"$TMP/hooks.toml"
      chmod 0644 "$TMP/hooks.toml"; chmod 0755 "$TMP"
      start_daemon "$d" /usr/sbin/bounce-hooks -f -c "$TMP/hooks.toml" ;;
    bounce-drain)
      # No Redis at the example's address is fine: the drain keeps retrying until stopped.
      start_daemon "$d" /usr/sbin/bounce-drain -c /etc/bounce-milter/bounce-drain.toml ;;
  esac
done

if [ -x /usr/sbin/bounce-milter ] && getent group postfix >/dev/null; then
  note "the Postfix socket recipe (docs/ops.md) from the installed package"
  sed -e 's|^socket = .*|socket = "unix:/var/spool/postfix/bouncemilter/bouncemilter.sock"|' \
      -e 's|^# socket_group = .*|socket_group = "postfix"|' /etc/bounce-milter/bounce-milter.toml >"$TMP/recipe.toml"
  chmod 0644 "$TMP/recipe.toml"; chmod 0755 "$TMP"
  runuser -u bouncemilter -- /usr/sbin/bounce-milter --check-config -c "$TMP/recipe.toml" >/dev/null || \
    fail "the recipe's configuration fails --check-config"
  (exec setpriv --reuid bouncemilter --regid bouncemilter --init-groups -- \
     /usr/sbin/bounce-milter -f -c "$TMP/recipe.toml") >"$TMP/recipe.log" 2>&1 &
  PIDS+=("$!")
  sock=/var/spool/postfix/bouncemilter/bouncemilter.sock
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  [ -S "$sock" ] || { cat "$TMP/recipe.log"; fail "no socket at $sock"; }
  [ "$(stat -c '%U:%G %a' "$sock")" = "bouncemilter:postfix 660" ] || \
    { cat "$TMP/recipe.log"; fail "socket is $(stat -c '%U:%G %a' "$sock"), want bouncemilter:postfix 660"; }
  # Postfix's smtpd (user postfix) can connect to it.
  runuser -u postfix -- python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$sock" || \
    fail "user postfix cannot connect to $sock"
  kill -TERM "$!"; wait "$!" || true
  echo "socket $sock: bouncemilter:postfix 660, reachable by postfix"
fi

note "dpkg -P"
dpkg_retry -P "$PKG" >"$TMP/dpkg-P.log" || { cat "$TMP/dpkg-P.log"; fail "dpkg -P"; }
installed=0
for gone in /etc/bounce-milter /lib/systemd/system/bounce-milter.service /usr/sbin/bounce-drain /var/lib/bouncemilter; do
  [ ! -e "$gone" ] || fail "$gone is still there after dpkg -P"
done
echo "PASS"
