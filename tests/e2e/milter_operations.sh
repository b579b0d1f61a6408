#!/usr/bin/env bash
# Operations of build/bounce-milter: --check-config reports every error with its line, running as root
# is refused without a user to drop to, SIGUSR1 reloads (a broken file keeps the old configuration),
# and SIGTERM stops it cleanly. Usage: milter_operations.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
MILTER=$BUILD/bounce-milter
TMP=$(mktemp -d)
MILTER_PID=
cleanup() {
  if [ -n "$MILTER_PID" ] && kill -0 "$MILTER_PID" 2>/dev/null; then
    kill "$MILTER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$MILTER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$MILTER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP
fail() { echo "FAIL: $*"; [ -f "$TMP/milter.log" ] && { echo "--- milter log"; cat "$TMP/milter.log"; }; exit 1; }

write_config() {  # $1 = bounce address
  cat > "$TMP/milter.toml" <<TOML
[milter]
socket = "unix:$TMP/milter.sock"
bounce_addresses = ["$1"]

[outbox]
path = "$TMP/outbox.sqlite"

[file]
path = "$TMP/events.jsonl"
TOML
}

# 1. --check-config: every error, each with file:line, exit 1; a good file exits 0.
cat > "$TMP/bad.toml" <<'TOML'
[milter]
socket = "inet:8895@127.0.0.1"
on_bounce = "explode"
on_error = "shrug"
bounce_addresses = ["bounces@lists.example.com"]
TOML
set +e
timeout 20 "$MILTER" --check-config -c "$TMP/bad.toml" > "$TMP/check.log" 2>&1; rc=$?
out=$(cat "$TMP/check.log")
set -e
[ "$rc" -eq 1 ] || fail "--check-config on a bad file exited $rc: $out"
echo "$out" | grep -q "bad.toml:3:" || fail "no error for line 3: $out"
echo "$out" | grep -q "bad.toml:4:" || fail "no error for line 4: $out"
write_config "bounces@lists.example.com"
"$MILTER" --check-config -c "$TMP/milter.toml" >/dev/null || fail "--check-config rejected a good file"
(cd "$TMP" && "$MILTER" --demo --check-config >/dev/null) || fail "--check-config rejected the demo"
# Without -c the program reads /etc/bounce-milter/bounce-milter.toml, never a file of the current directory.
cp "$TMP/milter.toml" "$TMP/bounce-milter.toml"
(cd "$TMP" && "$MILTER" --check-config) > "$TMP/check.log" 2>&1 || true
grep -q "^/etc/bounce-milter/bounce-milter.toml:" "$TMP/check.log" || \
  fail "without -c, not the file under /etc: $(cat "$TMP/check.log")"
# Configurations that lose data or open the service: each refused with its file:line.
check_refused() {  # what, expected message, toml
  printf '%b\n' "$3" > "$TMP/refused.toml"  # %b: the \n of every quoted piece
  set +e
  timeout 20 "$MILTER" --check-config -c "$TMP/refused.toml" > "$TMP/check.log" 2>&1; rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "$1 passed --check-config (rc=$rc): $(cat "$TMP/check.log")"
  grep -qE "^$TMP/refused.toml:[0-9]+: .*$2" "$TMP/check.log" || fail "$1: no file:line '$2': $(cat "$TMP/check.log")"
}
SINK=$'[file]\npath = "'"$TMP"'/events.jsonl"'
check_refused "no sink" "no sink configured" $'[milter]\nsocket = "unix:'"$TMP"'/x.sock"'
check_refused "inet:PORT" "listens on every interface" $'[milter]\nsocket = "inet:18899"\n'"$SINK"
check_refused "wildcard" "listens on every interface" $'[milter]\nsocket = "inet:18899@0.0.0.0"\n'"$SINK"
check_refused "change-me" "placeholder" $'[milter]\nsocket = "unix:'"$TMP"'/x.sock"\n[listmonk]\nurl = "http://127.0.0.1:9"\nusername = "u"\ntoken = "change-me"'
check_refused "relative outbox" "relative path" $'[milter]\nsocket = "unix:'"$TMP"'/x.sock"\n[outbox]\npath = "bounce-outbox.sqlite"\n'"$SINK"
check_refused "missing outbox directory" "does not exist" $'[milter]\nsocket = "unix:'"$TMP"'/x.sock"\n[outbox]\npath = "'"$TMP"'/nope/o.sqlite"\n'"$SINK"
check_refused "missing socket directory" "does not exist" $'[milter]\nsocket = "unix:'"$TMP"'/nope/x.sock"\n'"$SINK"
check_refused "unknown user" "does not exist on this system" $'[milter]\nsocket = "unix:'"$TMP"'/x.sock"\nuser = "no-such-user-bm15"\n'"$SINK"
echo "ok 1 - --check-config lists every error with its line, and refuses unsafe configurations"

# 2. Root without a user to drop to is refused.
if [ "$(id -u)" -eq 0 ]; then
  set +e
  timeout 20 "$MILTER" -f -c "$TMP/milter.toml" > "$TMP/root.log" 2>&1; rc=$?
  out=$(cat "$TMP/root.log")
  set -e
  [ "$rc" -eq 2 ] || fail "running as root without user/--allow-root exited $rc: $out"
  echo "$out" | grep -q "refusing to run as root" || fail "unclear refusal: $out"
  [ ! -S "$TMP/milter.sock" ] || fail "socket created although start was refused"
  # user = "root" keeps every privilege: refused the same way.
  sed 's/^\[milter\]$/[milter]\nuser = "root"/' "$TMP/milter.toml" > "$TMP/root-user.toml"
  set +e
  timeout 20 "$MILTER" -f -c "$TMP/root-user.toml" > "$TMP/root.log" 2>&1; rc=$?
  out=$(cat "$TMP/root.log")
  set -e
  [ "$rc" -eq 2 ] || fail "user = \"root\" exited $rc: $out"
  echo "$out" | grep -q "refusing to run as root" || fail "unclear refusal of user = root: $out"
  [ ! -S "$TMP/milter.sock" ] || fail "socket created although start with user = root was refused"
  echo "ok 2 - refuses to run as root without user or --allow-root, and with user = \"root\""
else
  echo "ok 2 - # SKIP not root"
fi

# 3. Reload on SIGUSR1.
: > "$TMP/milter.log"
"$MILTER" -f --allow-root -c "$TMP/milter.toml" 2>> "$TMP/milter.log" &
MILTER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$TMP/milter.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$TMP/milter.log" || fail "milter did not start"
check() {  # rcpt want
  miltertest -D sock="unix:$TMP/milter.sock" -D rcpt="$1" -D want="$2" -s "$HERE/milter_data_reply.lua" \
    || fail "DATA answer for $1 was not $2"
}
check "<bounces+x@lists.example.com>" continue
check "<returns@lists.example.com>" accept

write_config "returns@lists.example.com"
kill -USR1 "$MILTER_PID"
for _ in $(seq 100); do grep -q "reloaded" "$TMP/milter.log" && break; sleep 0.1; done
grep -q "reloaded" "$TMP/milter.log" || fail "no reload logged"
check "<returns+y@lists.example.com>" continue
check "<bounces+x@lists.example.com>" accept
echo "ok 3 - SIGUSR1 reloads the bounce addresses"

printf '[milter]\nbounce_addresses = "not a list"\n' > "$TMP/milter.toml"
kill -USR1 "$MILTER_PID"
for _ in $(seq 100); do grep -q "keeping the previous configuration" "$TMP/milter.log" && break; sleep 0.1; done
grep -q "keeping the previous configuration" "$TMP/milter.log" || fail "broken reload not reported"
grep -q "milter.toml:2:" "$TMP/milter.log" || fail "reload error without its line"
check "<returns@lists.example.com>" continue
kill -0 "$MILTER_PID" || fail "milter died on a broken reload"
echo "ok 4 - a broken file on reload is reported and the running configuration kept"

# 4. SIGTERM (like SIGHUP, libmilter's stop signals): a clean exit, socket removed.
kill -TERM "$MILTER_PID"
for _ in $(seq 100); do kill -0 "$MILTER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$MILTER_PID" 2>/dev/null && fail "did not stop on SIGTERM"
wait "$MILTER_PID" || fail "non-zero exit after SIGTERM"
MILTER_PID=
grep -q "stopped" "$TMP/milter.log" || fail "no clean stop logged"
[ ! -e "$TMP/milter.sock" ] || fail "socket file left behind after a clean stop"
echo "ok 5 - SIGTERM stops cleanly"

# 5. A stale socket from a killed instance is taken over; a live one is not stolen. (The socket file
# alone does not show that an instance is up: the previous one may have left it; wait for the log.)
write_config "bounces@lists.example.com"
: > "$TMP/milter.log"
"$MILTER" -f --allow-root -c "$TMP/milter.toml" 2>> "$TMP/milter.log" &
MILTER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$TMP/milter.log" 2>/dev/null && break; sleep 0.1; done
set +e
timeout 20 "$MILTER" -f --allow-root -c "$TMP/milter.toml" > "$TMP/second.log" 2>&1; rc=$?
out=$(cat "$TMP/second.log")
set -e
[ "$rc" -ne 124 ] || fail "a second instance on a live socket did not exit: $out"
[ "$rc" -ne 0 ] || fail "a second instance started on a live socket"
echo "$out" | grep -q "another process is listening" || fail "unclear error for a live socket: $out"
kill -9 "$MILTER_PID"; wait "$MILTER_PID" 2>/dev/null || true
[ -S "$TMP/milter.sock" ] || fail "expected the killed instance to leave its socket behind"
: > "$TMP/milter.log"
"$MILTER" -f --allow-root -c "$TMP/milter.toml" 2>> "$TMP/milter.log" &
MILTER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$TMP/milter.log" && break; sleep 0.1; done
check "<bounces@lists.example.com>" continue
echo "ok 6 - stale socket taken over, live socket left alone"
kill "$MILTER_PID"; wait "$MILTER_PID" || true
MILTER_PID=

# 6. Privilege drop: started as root with user = "nobody", it runs as nobody and owns its files.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
  chmod 755 "$TMP"
  mkdir "$TMP/run" && chown nobody "$TMP/run"
  cat > "$TMP/drop.toml" <<TOML
[milter]
socket = "unix:$TMP/run/milter.sock"
bounce_addresses = ["bounces@lists.example.com"]
user = "nobody"

[outbox]
path = "$TMP/run/outbox.sqlite"

[file]
path = "$TMP/run/events.jsonl"
TOML
  : > "$TMP/milter.log"
  # Under umask 000 the socket and the outbox must still get their own modes (0660 and 0640).
  (umask 000; exec "$MILTER" -f -c "$TMP/drop.toml" 2>> "$TMP/milter.log") &
  MILTER_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$TMP/milter.log" && break; sleep 0.1; done
  grep -q "listening on" "$TMP/milter.log" || fail "did not start with user = nobody"
  uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$MILTER_PID/status")
  nobody=$(id -u nobody)
  [ "$uid" = "$nobody$nobody$nobody$nobody" ] || fail "still running with uids $uid"
  [ "$(stat -c %U "$TMP/run/milter.sock")" = nobody ] || fail "socket not owned by nobody"
  [ "$(stat -c %U "$TMP/run/outbox.sqlite")" = nobody ] || fail "outbox not owned by nobody"
  [ "$(stat -c %a "$TMP/run/milter.sock")" = 660 ] || fail "socket mode $(stat -c %a "$TMP/run/milter.sock") under umask 000"
  [ "$(stat -c %a "$TMP/run/outbox.sqlite")" = 640 ] || fail "outbox mode $(stat -c %a "$TMP/run/outbox.sqlite") under umask 000"
  echo "ok 7 - privileges dropped to nobody before the outbox and socket were opened"
else
  echo "ok 7 - # SKIP needs root and a nobody user"
fi
