#!/usr/bin/env bash
# Runs every test suite against an already-built tree: first the normal build's unit and end-to-end
# tests through CTest (the quick verdict, so a plain failure is reported without waiting for the
# sanitizer build), then the whole suite again built with ASan+UBSan+LSan (tests/sanitize.sh, in
# BUILD-asan next to BUILD), which must show zero sanitizer reports.
#   tests/run-all.sh BUILD_DIR [extra ctest args for both runs...]
# BOUNCE_SANITIZE=0 skips the sanitizer run (a quick local check; CI always runs both).
set -euo pipefail
BUILD=${1:?build dir}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)" "$@"
echo "run-all.sh: normal suite passed in $(( $(date +%s) - start ))s"
if [ "${BOUNCE_SANITIZE:-1}" != 0 ]; then
  bash "$HERE/sanitize.sh" "${BUILD%/}-asan" "$@"
fi
