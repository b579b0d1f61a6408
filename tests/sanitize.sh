#!/usr/bin/env bash
# Builds the whole project and its test suite with AddressSanitizer + UndefinedBehaviorSanitizer
# (LeakSanitizer included) in a separate build directory and runs every CTest test there, except those
# labelled `no_sanitize` (tests where sanitizers add nothing, such as installing the .deb).
# Any sanitizer report fails the run, including one from a child process whose test driver ignored it.
#   tests/sanitize.sh [BUILD_DIR=build-asan] [extra ctest args...]
# The flags go in through CMAKE_C_FLAGS / CMAKE_CXX_FLAGS, as an outside check would pass them, so this
# also proves the project's CMakeLists honours them. Prints the time each phase took.
# Environment: JOBS (build jobs, default nproc), TEST_JOBS (ctest -j, default twice JOBS: many tests
# wait on sockets and servers rather than the CPU).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-asan}
shift || true
JOBS=${JOBS:-$(nproc)}
TEST_JOBS=${TEST_JOBS:-$((JOBS * 2))}
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"

# Every sanitized process writes its reports to files here (log_path; log_exe_name puts the program's
# name into the file name), never only to a stderr that a test driver may swallow. The directory must
# be empty after the run. World-writable because the daemons drop privileges before they could report.
REPORTS="$BUILD/sanitizer-reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
chmod 1777 "$REPORTS"
# halt_on_error/abort_on_error: the first report ends the process with a failure, so a test cannot
# pass while a report scrolls by. detect_leaks=1: leaks at exit are reports too (LeakSanitizer runs
# when a program returns from main or calls exit, which every daemon here does on SIGTERM). These
# also apply while CMake runs the Catch2 executables to list their tests.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:log_path=$REPORTS/report:log_exe_name=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$REPORTS/report:log_exe_name=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitize.supp:print_suppressions=0"
# Tests that look for this know they run sanitized (e.g. to allow for slower start-up).
export BOUNCE_SANITIZED=1

start=$(date +%s)
# No -DBOUNCE_WERROR and no -DCMAKE_BUILD_TYPE: exactly what an outside check would pass, so this
# run also proves the defaults build with sanitizer flags. Warnings are the normal build's job.
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_C_FLAGS="$FLAGS" -DCMAKE_CXX_FLAGS="$FLAGS" >/dev/null
# The flags must reach the compiler and the linker: fail loudly if a CMakeLists ever overwrites them.
grep -q -- "-fsanitize=address,undefined" "$BUILD/compile_commands.json" || {
  echo "sanitize.sh: CMAKE_CXX_FLAGS did not reach the compile commands" >&2
  exit 1
}
cmake --build "$BUILD" -j "$JOBS"
ldd "$BUILD/bounce-parse" | grep libasan >/dev/null || {
  echo "sanitize.sh: bounce-parse is not linked with the ASan runtime" >&2
  exit 1
}
built=$(date +%s)

status=0
# --timeout: a bound for tests that set none (the Catch2 cases), so a hang ends as a failure.
ctest --test-dir "$BUILD" --output-on-failure -j "$TEST_JOBS" --timeout 600 -LE no_sanitize "$@" || status=$?
done_at=$(date +%s)
# A report in a child process (e.g. bounce-parse under a Python driver, a daemon stopped during
# cleanup) must fail the run even if its test passed.
# UBSan's reports, seen with GCC 12's runtimes, ignore log_path and go to stderr (the process still
# aborts): those are caught here when a driver printed them, and by the failing exit status otherwise.
if grep -rlE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$BUILD/Testing/Temporary" 2>/dev/null; then
  echo "sanitize.sh: sanitizer report in the test logs above" >&2
  status=1
fi
if [ -n "$(ls -A "$REPORTS")" ]; then
  for report in "$REPORTS"/*; do
    echo "===== sanitizer report $(basename "$report")"
    head -n 60 "$report"
  done
  echo "sanitize.sh: $(ls "$REPORTS" | wc -l) sanitizer report(s), listed above" >&2
  status=1
fi
echo "sanitize.sh: build $((built - start))s, tests $((done_at - built))s, total $((done_at - start))s, status $status"
exit $status
