#!/usr/bin/env bash
# Fuzzes one target (or all, one after the other) for a while with libFuzzer, ASan and UBSan.
#   tests/fuzz/run.sh TARGET|all [SECONDS=300]
# Targets: dsn_parse conf_load listmonk_response redis_url stream_entry message_headers
# (tests/fuzz/fuzz_<target>.cpp).
# Builds with clang-14 into $FUZZ_BUILD (default build-fuzz/). Seeds are read in place (tests/fixtures,
# ../shared/corpus, tests/fuzz/seeds); inputs libFuzzer finds go to $FUZZ_BUILD/corpus/<target>, crashes
# to $FUZZ_BUILD/artifacts/<target>/. One process per target, nice'd: the machine is shared.
# Exit status: 0 when no target found a crash.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${FUZZ_BUILD:-$ROOT/build-fuzz}
SHARED=${BOUNCE_SHARED_DIR:-$ROOT/../shared}
ALL=(dsn_parse conf_load listmonk_response redis_url stream_entry message_headers)
target=${1:?usage: run.sh TARGET|all [SECONDS]}
seconds=${2:-300}
[ "$target" = all ] && targets=("${ALL[@]}") || targets=("$target")

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBOUNCE_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DBOUNCE_SHARED_DIR="$SHARED" >/dev/null
cmake --build "$BUILD" -j "${JOBS:-2}" --target "${targets[@]/#/fuzz_}"

seeds_of() {
  case "$1" in
    dsn_parse) echo "$ROOT/tests/fixtures $SHARED/corpus" ;;
    message_headers) echo "$ROOT/tests/fuzz/seeds/message_headers $ROOT/tests/fixtures $SHARED/corpus" ;;
    conf_load) echo "$ROOT/tests/fuzz/seeds/conf_load $ROOT/conf/examples" ;;
    *) echo "$ROOT/tests/fuzz/seeds/$1" ;;
  esac
}
# Parser inputs are whole messages; longer ones mostly slow the search down.
max_len_of() { case "$1" in dsn_parse|message_headers) echo 65536 ;; *) echo 8192 ;; esac; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  corpus=$BUILD/corpus/$t artifacts=$BUILD/artifacts/$t
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  for d in $(seeds_of "$t"); do [ -d "$d" ] && seeds+=("$d"); done
  log=$BUILD/fuzz-$t.log
  echo "fuzzing $t for ${seconds}s (log: $log)"
  # The first corpus dir is where libFuzzer writes; the seed dirs after it are only read.
  if nice -n 10 "$BUILD/fuzz_$t" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len="$(max_len_of "$t")" \
       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    echo "  $t: no crash; $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions"
  else
    echo "  $t: FAILED - see $log and $artifacts/"
    status=1
  fi
done
exit $status
