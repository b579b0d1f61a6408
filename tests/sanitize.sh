#!/usr/bin/env bash
# Builds the whole project and its test suite with AddressSanitizer + UndefinedBehaviorSanitizer in a
# separate build directory and runs every CTest test there. Any sanitizer report fails the run.
#   tests/sanitize.sh [BUILD_DIR=build-asan] [extra ctest args...]
# The flags go in through CMAKE_C_FLAGS / CMAKE_CXX_FLAGS, as an outside check would pass them, so this
# also proves the project's CMakeLists honours them. Prints the time each phase took.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-asan}
shift || true
JOBS=${JOBS:-$(nproc)}
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"

# halt_on_error/abort_on_error: the first report ends the process with a failure, so a test cannot
# pass while a report scrolls by. detect_leaks=1: leaks at exit are reports too. These also apply
# while CMake runs the Catch2 executables to list their tests.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitize.supp:print_suppressions=0"

start=$(date +%s)
# No BOUNCE_WERROR here: GCC's flow warnings (-Wmaybe-uninitialized in <regex> via Catch2, ...) give
# false positives under -fsanitize; warnings are the normal CI build's job, reports are this one's.
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOUNCE_WERROR=OFF \
  -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
# The flags must reach the compiler: fail loudly if a CMakeLists ever overwrites them.
grep -q -- "-fsanitize=address,undefined" "$BUILD/compile_commands.json" || {
  echo "sanitize.sh: CMAKE_CXX_FLAGS did not reach the compile commands" >&2
  exit 1
}
cmake --build "$BUILD" -j "$JOBS"
built=$(date +%s)

# Sanitized code runs slower; the per-test timeouts get room.
status=0
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 1200 "$@" || status=$?
done_at=$(date +%s)
# A report in a child process (e.g. bounce-parse under a Python driver) must fail its test; this
# catches any that a driver swallowed.
if grep -rlE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$BUILD/Testing/Temporary" 2>/dev/null; then
  echo "sanitize.sh: sanitizer report in the test logs above" >&2
  status=1
fi
echo "sanitize.sh: build $((built - start))s, tests $((done_at - built))s, total $((done_at - start))s, status $status"
exit $status
