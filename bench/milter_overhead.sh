#!/usr/bin/env bash
# Milter overhead on normal mail: smtp-source sends non-bounce mail through a private Postfix
# (never /etc/postfix) in one run: Postfix alone, with the no-op libmilter milter
# (bench-noop-milter, accepting at MAIL and at end of message: the floor any libmilter milter
# pays) and with bounce-milter. Prints messages/s of each, milter CPU per message and the ratios
# (target: bounce-milter >= 95% of the no-op milter accepting at MAIL).
# Needs root and the postfix package. See docs/bench.md.
#
# Environment: BUILD_DIR (default <repo>/build), BOUNCE_MILTER (command, default
# $BUILD_DIR/bounce-milter; its leg is skipped when it does not exist), BASELINE_MILTER (another
# build, measured as one more leg in the same rounds), SOCKETS (unix,inet: each milter leg runs
# once per socket kind, unix and loopback TCP, and ratios compare like with like), ROUNDS (5),
# MESSAGES (3000 per round), SESSIONS (20), SIZE (1024 body bytes).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
exec python3 "$ROOT/bench/postfix_bench.py" overhead --build "$BUILD" \
  --bounce-milter "${BOUNCE_MILTER:-$BUILD/bounce-milter}" \
  --baseline-milter "${BASELINE_MILTER:-}" --sockets "${SOCKETS:-unix,inet}" --rounds "${ROUNDS:-5}" \
  --messages "${MESSAGES:-3000}" --sessions "${SESSIONS:-20}" --size "${SIZE:-1024}"
