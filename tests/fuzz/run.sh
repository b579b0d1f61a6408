#!/usr/bin/env bash
# Fuzzes one target (or all, one after the other) for a while with libFuzzer, ASan and UBSan.
#   tests/fuzz/run.sh TARGET[,TARGET...]|all [SECONDS=300]
# Targets: dsn_parse conf_load listmonk_response redis_url stream_entry message_headers
# webhook_providers sns_url milter_session http_request (tests/fuzz/fuzz_<target>.cpp).
# FUZZ_PARALLEL=N runs up to N targets at once (default 1; the machine is shared, keep it at 2 or less).
# Builds with clang-14 into $FUZZ_BUILD (default build-fuzz/). Seeds are read in place (tests/fixtures,
# ../shared/corpus, tests/fuzz/seeds); inputs libFuzzer finds go to $FUZZ_BUILD/corpus/<target>, crashes
# to $FUZZ_BUILD/artifacts/<target>/. One process per target, at nice 19: the machine is shared.
# Each finished target prints one Markdown table row: wall time, CPU time, executions, exec/s,
# coverage (cov, ft), result.
# Exit status: 0 when no target found a crash.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${FUZZ_BUILD:-$ROOT/build-fuzz}
SHARED=${BOUNCE_SHARED_DIR:-$ROOT/../shared}
ALL=(dsn_parse conf_load listmonk_response redis_url stream_entry message_headers webhook_providers sns_url
     milter_session http_request)
target=${1:?usage: run.sh TARGET|all [SECONDS]}
seconds=${2:-300}
[ "$target" = all ] && targets=("${ALL[@]}") || IFS=, read -r -a targets <<<"$target"

# FUZZ_SKIP_BUILD=1 runs what is already built (e.g. while another lane builds).
if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOUNCE_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DBOUNCE_SHARED_DIR="$SHARED" >/dev/null
  cmake --build "$BUILD" -j "${JOBS:-2}" --target "${targets[@]/#/fuzz_}"
fi

seeds_of() {
  case "$1" in
    dsn_parse) echo "$ROOT/tests/fixtures $SHARED/corpus" ;;
    message_headers) echo "$ROOT/tests/fuzz/seeds/message_headers $ROOT/tests/fixtures $SHARED/corpus" ;;
    conf_load) echo "$ROOT/tests/fuzz/seeds/conf_load $ROOT/conf/examples" ;;
    milter_session) echo "$ROOT/tests/fuzz/seeds/milter_session" ;;
    *) echo "$ROOT/tests/fuzz/seeds/$1" ;;
  esac
}
# Parser inputs are whole messages. dsn_parse stops at 16 KiB: the seeds' coverage is the same as with
# their full length (the machine-readable parts sit near the start), and an execution costs half.
# stream_entry's repetition syntax reaches 300,000-level nesting from a few bytes, so 8 KiB is plenty.
max_len_of() { case "$1" in dsn_parse|http_request) echo 16384 ;; message_headers|milter_session) echo 65536 ;; *) echo 8192 ;; esac; }

# A 32 MiB quarantine (default 256) still catches use-after-free of recent frees, but the allocator
# reuses warm memory instead of faulting in fresh pages: a quarter of dsn_parse's time per execution.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:quarantine_size_mb=32}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The same LeakSanitizer suppressions as tests/sanitize.sh: a clean run must not end "FAILED".
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/sanitize.supp:print_suppressions=0}
# One target; prints its table row and returns non-zero when libFuzzer stopped on a finding.
fuzz_one() {
  local t=$1 corpus=$BUILD/corpus/$1 artifacts=$BUILD/artifacts/$1 log=$BUILD/fuzz-$1.log d result
  mkdir -p "$corpus" "$artifacts"
  local seeds=() dict=()
  for d in $(seeds_of "$t"); do [ -d "$d" ] && seeds+=("$d"); done
  [ -f "$ROOT/tests/fuzz/$t.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$t.dict")
  echo "fuzzing $t for ${seconds}s (log: $log)"
  # The first corpus dir is where libFuzzer writes; the seed dirs after it are only read.
  # -timeout: no single input may take a second (a slow unit is a bug to look at, not to wait for).
  # CPU seconds are recorded too: on a shared machine exec/s says more about the load than the target.
  if /usr/bin/time -o "$log.cpu" -f '%U %S' nice -n 19 "$BUILD/fuzz_$t" "$corpus" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" -max_len="$(max_len_of "$t")" \
       -timeout=${FUZZ_TIMEOUT:-10} -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    result="no crash"
  else
    result="FAILED: see $log and $artifacts/"
  fi
  # The last status line libFuzzer printed carries the coverage; the final stats the totals.
  local last execs rate
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  execs=$(awk '/^stat::number_of_executed_units/ {print $2}' "$log")
  rate=$(awk '/^stat::average_exec_per_sec/ {print $2}' "$log")
  local cpu
  cpu=$(awk 'NR == 1 && NF == 2 {printf "%.0f", $1 + $2}' "$log.cpu" 2>/dev/null)
  echo "| \`$t\` | ${seconds} s | ${cpu:-?} s | ${execs:-?} | ${rate:-?} | $(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$last") | $(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$last") | $result |"
  [ "$result" = "no crash" ]
}

status=0
parallel=${FUZZ_PARALLEL:-1}
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
