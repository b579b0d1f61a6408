#!/usr/bin/env bash
# Builds the .deb with cpack, installs it with dpkg -i on this machine, checks its contents (conffiles,
# units, man pages, stripped binaries, docs, copyright, changelog), what postinst sets up without
# systemd (the bouncemilter user, /var/lib/bouncemilter, the Postfix socket directory and group), runs
# systemd-analyze verify on the units, runs each program's --check-config on the installed example
# configs, starts the daemons briefly from the installed files as the bouncemilter user, follows the
# Postfix socket recipe (docs/ops.md "Socket for Postfix") with the installed milter, reinstalls the
# package as an upgrade would, and purges it again.
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

# Binaries without symbols or debug information (CPACK_STRIP_FILES): the debug info stays in the build tree.
dpkg-deb -x "$DEB" "$TMP/root"
binaries=0
for bin in "$TMP"/root/usr/sbin/* "$TMP"/root/usr/bin/* "$TMP"/root/usr/lib/bounce-milter/*; do
  [ -f "$bin" ] || continue
  binaries=$((binaries + 1))
  if readelf -S -W "$bin" | grep -qE '\] \.(symtab|debug_[a-z]+) '; then fail "${bin#"$TMP"/root} is not stripped"; fi
  if command -v file >/dev/null && ! file -b "$bin" | grep -q ', stripped'; then fail "file(1) says ${bin#"$TMP"/root} is not stripped"; fi
done
[ "$binaries" -gt 0 ] || fail "no binaries in the package"
echo "stripped: $binaries binaries; package size $(du -k "$DEB" | cut -f1) KiB"

# Every document, the copyright file (machine-readable, DEP-5) and the changelog (gzip -9n).
DOC=/usr/share/doc/bounce-milter
SRC=$(cd "$(dirname "$0")/../.." && pwd)
expect_file "$DOC/README.md"
for doc in "$SRC"/docs/*.md; do expect_file "$DOC/docs/$(basename "$doc")"; done
expect_file "$DOC/copyright"
expect_file "$DOC/changelog.Debian.gz"
head -n1 "$TMP/root$DOC/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' || \
  fail "copyright is not a machine-readable (DEP-5) file"
grep -qE '^License: ' "$TMP/root$DOC/copyright" || fail "copyright names no license"
gzip -t "$TMP/root$DOC/changelog.Debian.gz" || fail "changelog.Debian.gz is not valid gzip"
version=$(dpkg-deb -f "$DEB" Version)
zcat "$TMP/root$DOC/changelog.Debian.gz" | head -n1 | grep -q "^bounce-milter ($version)" || \
  fail "the changelog's first entry is not version $version"

dpkg-deb -e "$DEB" "$TMP/control"
for f in /etc/bounce-milter/bounce-milter.toml /etc/bounce-milter/bounce-drain.toml; do
  grep -qx "$f" "$TMP/control/conffiles" || fail "$f is not a conffile"
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
if command -v man >/dev/null; then man -w bounce-milter.toml >/dev/null 2>&1 || fail "man bounce-milter.toml not found"; fi
# postinst creates the state directory itself (no systemd runs here to make StateDirectory=).
[ "$(stat -c '%U:%G %a' /var/lib/bouncemilter)" = "bouncemilter:bouncemilter 750" ] || \
  fail "/var/lib/bouncemilter is $(stat -c '%U:%G %a' /var/lib/bouncemilter 2>&1), want bouncemilter:bouncemilter 750"
# ... and, Postfix being installed here (install-deps.sh), the socket directory inside its chroot.
getent group postfix >/dev/null || fail "no postfix group: packaging/install-deps.sh installs Postfix for this test"
[ "$(stat -c '%U:%G %a' /var/spool/postfix/bouncemilter)" = "bouncemilter:postfix 2750" ] || \
  fail "/var/spool/postfix/bouncemilter is $(stat -c '%U:%G %a' /var/spool/postfix/bouncemilter 2>&1), want bouncemilter:postfix 2750"
id -nG bouncemilter | grep -qw postfix || fail "bouncemilter is not in group postfix"
echo "postinst: /var/lib/bouncemilter, /var/spool/postfix/bouncemilter and group postfix are in place"

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

note "--check-config on the installed examples"
SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
for d in "${DAEMONS[@]}"; do
  # An example with "change-me" secrets must not pass as shipped; the administrator's edit (done here
  # as they would, in the conffile itself) makes it pass, and the upgrade below must keep it.
  if grep -v '^[[:space:]]*#' "/etc/bounce-milter/$d.toml" | grep -q '"change-me"'; then
    rc=0; "/usr/sbin/$d" --check-config -c "/etc/bounce-milter/$d.toml" >"$TMP/check.log" 2>&1 || rc=$?
    [ "$rc" -eq 1 ] && grep -q "^/etc/bounce-milter/$d.toml:[0-9]*: .*placeholder" "$TMP/check.log" || \
      fail "$d --check-config did not refuse the shipped change-me secret with its line (rc=$rc): $(cat "$TMP/check.log")"
    sed -i "/^[[:space:]]*#/!s/\"change-me\"/\"$SECRET\"/" "/etc/bounce-milter/$d.toml"
    echo "$d: shipped placeholders refused; secrets set as an administrator would"
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

note "Postfix socket recipe (docs/ops.md \"Socket for Postfix\") from the installed package"
# The installed example carries the recipe's lines (commented out); the recipe is those lines switched
# on, the inet socket switched off. Nothing else of the example changes.
EXAMPLE=/etc/bounce-milter/bounce-milter.toml
RECIPE_SOCKET='socket = "unix:/var/spool/postfix/bouncemilter/bouncemilter.sock"'
for line in "$RECIPE_SOCKET" 'socket_mode = "0660"' 'socket_group = "postfix"' 'user = "bouncemilter"'; do
  grep -qxF -e "$line" -e "# $line" -e "#$line" "$EXAMPLE" || fail "$EXAMPLE lacks the recipe line: $line"
done
grep -qx 'smtpd_milters = unix:/bouncemilter/bouncemilter.sock' "$DOC/main.cf.snippet" || \
  fail "main.cf.snippet does not name the recipe's socket (unix:/bouncemilter/bouncemilter.sock in the chroot)"
SOCK=/var/spool/postfix/bouncemilter/bouncemilter.sock
recipe_config() {  # out-file user-line ('' keeps user commented out: no privilege drop)
  awk -v sock="$RECIPE_SOCKET" -v user_line="$2" '
    /^socket = "inet:/ { print "# " $0; next }
    { line = $0; sub(/^# ?/, "", line) }
    line == sock || line == "socket_mode = \"0660\"" || line == "socket_group = \"postfix\"" { print line; next }
    line == "user = \"bouncemilter\"" && user_line != "" { print user_line; next }
    { print }' "$EXAMPLE" >"$1"
  chmod 0644 "$1"
  grep -qx "$RECIPE_SOCKET" "$1" && grep -qx 'socket_group = "postfix"' "$1" || fail "could not apply the recipe to $EXAMPLE"
}
chmod 0755 "$TMP"
# Postfix's side: smtpd/cleanup run as postfix (group postfix) and must reach the socket.
check_socket() {  # how
  [ -S "$SOCK" ] || fail "$1: no socket at $SOCK"
  # socket_mode never narrows what bind() made under the umask, so the mode is 0660 under the unit's
  # UMask=0007 and 0664 under a shell's 022: what matters is group rw and no write for others.
  local mode
  mode=$(stat -c '%a' "$SOCK")
  [ "$(stat -c '%U:%G' "$SOCK")" = "bouncemilter:postfix" ] && [ $((8#$mode & 8#060)) -eq $((8#060)) ] && \
    [ $((8#$mode & 8#002)) -eq 0 ] || fail "$1: $SOCK is $(stat -c '%U:%G %a' "$SOCK"), want bouncemilter:postfix, group rw, others no w"
  # Debian's python3 by path: one found first in root's PATH (pyenv under /root) is not postfix's to run.
  setpriv --reuid postfix --regid postfix --init-groups -- /usr/bin/python3 -c \
    'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()' "$SOCK" || \
    fail "$1: user postfix cannot connect to $SOCK"
  echo "$1: socket bouncemilter:postfix $mode, postfix connects"
}
run_recipe() {  # how config start-command...
  local how=$1 config=$2; shift 2
  "$@" --check-config -c "$config" >/dev/null || fail "$how: --check-config refuses the recipe"
  (cd / && umask "$RECIPE_UMASK" && exec "$@" -f -c "$config") >"$TMP/recipe.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local i
  for i in $(seq 1 50); do [ -S "$SOCK" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { cat "$TMP/recipe.log"; fail "$how: the milter exited at start"; }
  check_socket "$how"
  kill -TERM "$pid"
  local rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || { cat "$TMP/recipe.log"; fail "$how: exited $rc on SIGTERM"; }
  [ ! -e "$SOCK" ] || rm -f "$SOCK"
}
if [ -x /usr/sbin/bounce-milter ]; then
  # As the systemd unit runs it: already bouncemilter, with the user's groups (systemd applies them
  # for User=), no privilege drop. This is the case the chgrp to postfix used to fail in.
  recipe_config "$TMP/recipe-unit.toml" ''
  RECIPE_UMASK=0007  # the unit's UMask=
  run_recipe "as bouncemilter (the unit)" "$TMP/recipe-unit.toml" \
    setpriv --reuid bouncemilter --regid bouncemilter --init-groups -- /usr/sbin/bounce-milter
  # Without systemd: started as root, dropping to user = "bouncemilter" after creating the socket.
  recipe_config "$TMP/recipe-root.toml" 'user = "bouncemilter"'
  RECIPE_UMASK=0022  # an administrator's shell
  run_recipe "as root with user = bouncemilter" "$TMP/recipe-root.toml" /usr/sbin/bounce-milter
fi

note "dpkg -i again (an upgrade: postinst configure with the old version, no systemd to restart)"
echo "kept" >/var/lib/bouncemilter/upgrade-marker
dpkg_retry -i "$DEB" >"$TMP/dpkg-upgrade.log" || { cat "$TMP/dpkg-upgrade.log"; fail "dpkg -i over the installed package"; }
[ -f /var/lib/bouncemilter/upgrade-marker ] || fail "the upgrade lost /var/lib/bouncemilter's contents"
if [ -x /usr/sbin/bounce-hooks ]; then
  grep -q "$SECRET" /etc/bounce-milter/bounce-hooks.toml || fail "the upgrade replaced the administrator's edited bounce-hooks.toml"
fi
[ "$(stat -c '%U:%G %a' /var/spool/postfix/bouncemilter)" = "bouncemilter:postfix 2750" ] || fail "the upgrade changed the socket directory"

if command -v dpkg-reconfigure >/dev/null; then
  # docs/ops.md: Postfix installed after the package -> dpkg-reconfigure creates the socket directory.
  rmdir /var/spool/postfix/bouncemilter
  dpkg-reconfigure -f noninteractive "$PKG" >"$TMP/reconfigure.log" 2>&1 || { cat "$TMP/reconfigure.log"; fail "dpkg-reconfigure"; }
  [ "$(stat -c '%U:%G %a' /var/spool/postfix/bouncemilter 2>&1)" = "bouncemilter:postfix 2750" ] || \
    fail "dpkg-reconfigure did not recreate /var/spool/postfix/bouncemilter"
  echo "dpkg-reconfigure recreates the socket directory"
fi

note "dpkg -P"
dpkg_retry -P "$PKG" >"$TMP/dpkg-P.log" || { cat "$TMP/dpkg-P.log"; fail "dpkg -P"; }
installed=0
for gone in /etc/bounce-milter /lib/systemd/system/bounce-milter.service /usr/sbin/bounce-drain /var/lib/bouncemilter \
    /var/spool/postfix/bouncemilter; do
  [ ! -e "$gone" ] || fail "$gone is still there after dpkg -P"
done
echo "PASS"
