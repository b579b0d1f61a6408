#!/usr/bin/env bash
# bounce-drain throughput: events/s from a Redis stream to the local fake listmonk with 1, 2 and 4
# parallel bounce-drain processes, side by side with a floor measured in the same run on the same
# fake: bench-listmonk-poster posts the same bodies over as many kept-alive connections, with no
# Redis. Prints events/s of each and the ratio drain / floor (what draining costs on top of what the
# listmonk end can take), plus the drains' CPU time per event. See docs/bench.md.
#
# Environment: BUILD_DIR (default <repo>/build), EVENTS (10000 per run), ROUNDS (3),
# PARALLEL (1,2,4), APPENDFSYNC (everysec; no|everysec|always for the private redis-server).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
exec python3 "$ROOT/bench/drain_bench.py" --build "$BUILD" --events "${EVENTS:-10000}" \
  --rounds "${ROUNDS:-3}" --parallel "${PARALLEL:-1,2,4}" --appendfsync "${APPENDFSYNC:-everysec}"
