#!/usr/bin/env bash
# Emulates issue 7's outside check, as someone outside the project would run it: configure the
# project's own CMakeLists.txt with nothing but ASan+UBSan in CMAKE_C_FLAGS/CMAKE_CXX_FLAGS (no build
# type, no project options, no sanitizer environment), build only bounce-parse, then run it over the
# corpus (one process per file) and over COUNT freshly mutated messages (one process per message),
# 5 s per message: no sanitizer report, no crash, no hang, exactly one JSON line per input.
#   tests/robustness/outside_check.sh [BUILD_DIR] [COUNT=5000] [SEED=random]
# CPU_LIMIT=1: the 5 s are CPU time (for a machine loaded by others; see mutate.py --cpu-limit).
# Not a CTest test (it builds its own tree); CTest runs the same checks on a smaller scale
# (parser_survives_mutations, in the normal and the sanitized suite). Results: docs/hardening.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-outside}
COUNT=${2:-5000}
SEED=${3:-}
FLAGS="-fsanitize=address,undefined"

start=$(date +%s)
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" >/dev/null
cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target bounce-parse
built=$(date +%s)
ldd "$BUILD/bounce-parse" | grep libasan >/dev/null || { echo "outside_check: no ASan runtime in bounce-parse" >&2; exit 1; }

# The outside checker's environment, not the test suite's: sanitizer defaults, so UBSan reports and
# continues (the stderr check catches it) while ASan and LeakSanitizer end the process.
env -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LSAN_OPTIONS \
  python3 "$ROOT/tests/robustness/mutate.py" --bin "$BUILD/bounce-parse" \
    --seeds "$ROOT/tests/fixtures" --seeds "$ROOT/../shared/corpus" \
    --replay-seeds --count "$COUNT" --batch 1 --timeout-per-message 5 ${CPU_LIMIT:+--cpu-limit} ${SEED:+--seed "$SEED"}
echo "outside_check: build $((built - start))s, checks $(( $(date +%s) - built ))s"
