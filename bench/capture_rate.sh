#!/usr/bin/env bash
# Bounce capture rate: distinct DSNs sent at full speed over parallel SMTP connections through a
# private Postfix (never /etc/postfix): alone (for reference), with the no-op libmilter milter
# receiving and discarding them, and with bounce-milter (outbox on, file sink on; a round ends
# when every event is in the file). Milter CPU time per DSN is printed too.
# Prints bounces/s of each and the ratio (target: bounce-milter >= 80% of the no-op floor).
# Needs root and the postfix package. See docs/bench.md.
#
# Environment: BUILD_DIR (default <repo>/build), BOUNCE_MILTER (command, default
# $BUILD_DIR/bounce-milter; its leg is skipped when it does not exist), BASELINE_MILTER (another
# build, measured as one more leg in the same rounds), SOCKETS (unix,inet: each milter leg runs
# once per socket kind, unix and loopback TCP, and ratios compare like with like), ROUNDS (5),
# BOUNCES (2000 per round), CONNECTIONS (10), SYNC_TRACE (set: count fsync calls and time with perf trace).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
exec python3 "$ROOT/bench/postfix_bench.py" capture --build "$BUILD" \
  --bounce-milter "${BOUNCE_MILTER:-$BUILD/bounce-milter}" \
  --baseline-milter "${BASELINE_MILTER:-}" ${SYNC_TRACE:+--sync-trace} --sockets "${SOCKETS:-unix,inet}" --rounds "${ROUNDS:-5}" \
  --bounces "${BOUNCES:-2000}" --connections "${CONNECTIONS:-10}"
