#!/usr/bin/env bash
# Protocol test: starts build/bounce-milter on a unix socket in a temp dir and drives it with miltertest
# (tests/e2e/milter_protocol.lua); then checks what reached the file sink.
# Usage: milter_protocol.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURES=$HERE/../fixtures/milter
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

cat > "$TMP/milter.toml" <<TOML
[milter]
socket = "unix:$TMP/milter.sock"
bounce_addresses = ["bounces@lists.example.com"]
on_bounce = "discard"
max_message_bytes = 65536

[outbox]
path = "$TMP/outbox.sqlite"

[file]
path = "$TMP/events.jsonl"
TOML

"$BUILD/bounce-milter" --check-config -c "$TMP/milter.toml"
: > "$TMP/milter.log"
"$BUILD/bounce-milter" -f --allow-root -c "$TMP/milter.toml" 2>> "$TMP/milter.log" &
MILTER_PID=$!
for _ in $(seq 100); do grep -q "listening on" "$TMP/milter.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$TMP/milter.log" || { echo "milter did not start"; cat "$TMP/milter.log"; exit 1; }

if ! miltertest -D sock="unix:$TMP/milter.sock" -D dsn="$FIXTURES/dsn-hard-listmonk.eml" \
    -D human="$FIXTURES/human-reply.eml" -s "$HERE/milter_protocol.lua"; then
  echo "--- milter log"; cat "$TMP/milter.log"; exit 1
fi

# The DSN was sent three times (twice alone, once with a mixed recipient): one event, written once.
for _ in $(seq 50); do [ -s "$TMP/events.jsonl" ] && break; sleep 0.1; done
sleep 0.3
lines=$(wc -l < "$TMP/events.jsonl" 2>/dev/null || echo 0)
if [ "$lines" -ne 1 ] || ! grep -q '"subscriber_uuid":"8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11"' "$TMP/events.jsonl"; then
  echo "FAIL: expected exactly one event for the subscriber in the file sink, got $lines:"
  cat "$TMP/events.jsonl" 2>/dev/null || true
  echo "--- milter log"; cat "$TMP/milter.log"; exit 1
fi
grep -q 'bounce queue_id=PROTO1 recipient=' "$TMP/milter.log" || { echo "FAIL: no capture log line"; cat "$TMP/milter.log"; exit 1; }
echo "ok 7 - one event in the file sink, one log line per capture"

# Graceful stop on SIGTERM.
kill -TERM "$MILTER_PID"
for _ in $(seq 100); do kill -0 "$MILTER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$MILTER_PID" 2>/dev/null; then echo "FAIL: milter did not stop on SIGTERM"; exit 1; fi
wait "$MILTER_PID" || { echo "FAIL: milter exited non-zero after SIGTERM"; cat "$TMP/milter.log"; exit 1; }
MILTER_PID=
echo "ok 8 - graceful stop"

# on_bounce = tag, on a fresh milter with its own outbox.
sed -i 's/^on_bounce = "discard"/on_bounce = "tag"/; s#outbox.sqlite#outbox-tag.sqlite#' "$TMP/milter.toml"
: > "$TMP/milter.log"
"$BUILD/bounce-milter" -f --allow-root -c "$TMP/milter.toml" 2>> "$TMP/milter.log" &
MILTER_PID=$!
for _ in $(seq 100); do [ -S "$TMP/milter.sock" ] && grep -q "listening on" "$TMP/milter.log" && break; sleep 0.1; done
if ! miltertest -D sock="unix:$TMP/milter.sock" -D dsn="$FIXTURES/dsn-hard-listmonk.eml" -D mode=tag \
    -s "$HERE/milter_protocol.lua"; then
  echo "--- milter log"; cat "$TMP/milter.log"; exit 1
fi
