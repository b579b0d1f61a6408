#!/usr/bin/env bash
# bounce-hooks throughput: requests/s, verified events/s, p50 and p99 latency of build/bounce-hooks on
# loopback for signed SendGrid batches (BATCH events each, ECDSA P-256) and for SNS notifications
# carrying one SES bounce each (RSA, SignatureVersion 1), driven by wrk with pre-signed requests that
# are all distinct (so the outbox's dedup never makes a request cheap). Side by side with a floor
# measured in the same run under the same wrk load: bench-hooks-floor, the same cpp-httplib worker
# pool answering 200 without looking at the body. After each bounce-hooks leg every event of every
# 2xx answer must be in the outbox and in the file sink; non-2xx answers are counted. Prints a table
# and the ratios bounce-hooks / floor requests/s and events/s / target 5000. See docs/bench.md.
#
# Environment: BUILD_DIR (default <repo>/build), BOUNCE_HOOKS (another bounce-hooks binary),
# BASELINE_HOOKS (A/B: one more bounce-hooks leg per provider with this binary, in the same rounds),
# DURATION (10 s per leg), ROUNDS (1), BATCH (20 events per SendGrid request), CONNECTIONS (16),
# WRK_THREADS (2), SERVER_THREADS (16, [hooks] threads and the floor's), SENDGRID_REQUESTS and
# SNS_REQUESTS (request pools; default 3000 and 8000 per second of DURATION).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
args=(--build "$BUILD" --duration "${DURATION:-10}" --rounds "${ROUNDS:-1}" --batch "${BATCH:-20}"
      --connections "${CONNECTIONS:-16}" --wrk-threads "${WRK_THREADS:-2}"
      --server-threads "${SERVER_THREADS:-16}" --sendgrid-requests "${SENDGRID_REQUESTS:-0}"
      --sns-requests "${SNS_REQUESTS:-0}")
[ -n "${BOUNCE_HOOKS:-}" ] && args+=(--hooks "$BOUNCE_HOOKS")
[ -n "${BASELINE_HOOKS:-}" ] && args+=(--baseline "$BASELINE_HOOKS")
exec python3 "$ROOT/bench/hooks_bench.py" "${args[@]}"
