#!/usr/bin/env bash
# Parse throughput, side by side in one run on the same files:
#   bounce-parse            build/bounce-parse DIR (full parse, classification, JSON output)
#   GMime floor             build/bench-gmime-floor DIR (GMime parse + part walk, nothing else)
#   Sisimai (Debian 4.25)   perl bench/sisimai_driver.pl DIR
# The Sisimai sample corpus (eml/, dos/, mac/) is copied COPIES times into a temporary directory.
# Each program is one process over the whole directory and runs RUNS times, interleaved round by
# round (bounce-parse and the floor swap places every round) so that load from other processes hits
# all of them alike. The median wall time (start-up included) counts; best and CPU times are shown
# too. Targets: bounce-parse >= 8x Sisimai's messages/s, and bounce-parse time <= 1.5x the floor's.
#
# Environment: BUILD_DIR (default <repo>/build), BOUNCE_SHARED_DIR (default <repo>/../shared),
# COPIES (default 10), RUNS (default 5), SISIMAI_RUNS (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
SHARED=${BOUNCE_SHARED_DIR:-$ROOT/../shared}
CORPUS=$SHARED/corpus/sisimai
COPIES=${COPIES:-10}
RUNS=${RUNS:-5}
SISIMAI_RUNS=${SISIMAI_RUNS:-3}

PARSE=$BUILD/bounce-parse
FLOOR=$BUILD/bench-gmime-floor
for bin in "$PARSE" "$FLOOR"; do
  [ -x "$bin" ] || { echo "missing $bin: cmake --build $BUILD --target bounce-parse bench-gmime-floor" >&2; exit 2; }
done
for dir in eml dos mac; do
  [ -d "$CORPUS/$dir" ] || { echo "missing corpus directory $CORPUS/$dir" >&2; exit 2; }
done
have_sisimai=1 no_sisimai_why=""
perl -MSisimai -e 1 2>/dev/null || { have_sisimai=0; no_sisimai_why="Sisimai not installed (packaging/install-deps.sh --bench)"; }
[ "$SISIMAI_RUNS" -gt 0 ] || { have_sisimai=0; no_sisimai_why="Sisimai skipped (SISIMAI_RUNS=0)"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/parse-throughput.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MSGS=$WORK/messages
mkdir -p "$MSGS"
# One process for the copying: thousands of cp invocations take minutes on a loaded machine.
python3 - "$CORPUS" "$MSGS" "$COPIES" <<'PY'
import os, shutil, sys
corpus, dest, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
for copy in range(1, copies + 1):
    for sub in ("eml", "dos", "mac"):
        src = os.path.join(corpus, sub)
        for name in sorted(os.listdir(src)):
            path = os.path.join(src, name)
            if os.path.isfile(path):
                shutil.copyfile(path, os.path.join(dest, f"c{copy}-{sub}-{name}"))
PY
COUNT=$(find "$MSGS" -maxdepth 1 -type f | wc -l)

# run_timed NAME CMD... : appends "wall user sys" seconds of one run to $WORK/NAME.times
run_timed() {
  local name=$1; shift
  local TIMEFORMAT='%R %U %S'
  { time "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; } 2>>"$WORK/$name.times" ||
    { echo "$name failed:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
}

# Warm the page cache and check that each program saw every message.
"$PARSE" "$MSGS" >"$WORK/check.parse"
parsed=$(wc -l <"$WORK/check.parse")
# A few corpus files are mboxes holding more than one message; bounce-parse prints a line for each.
[ "$parsed" -ge "$COUNT" ] || { echo "bounce-parse printed $parsed lines for $COUNT files" >&2; exit 1; }
"$FLOOR" "$MSGS" >"$WORK/check.floor"
grep -q "^$COUNT messages" "$WORK/check.floor" || { echo "floor: $(cat "$WORK/check.floor")" >&2; exit 1; }

echo "parse throughput: $COUNT files ($COPIES copies of eml/ dos/ mac/), $RUNS alternating rounds (Sisimai: $SISIMAI_RUNS)"
for ((run = 1; run <= RUNS; run++)); do
  if ((run % 2)); then
    run_timed parse "$PARSE" "$MSGS"
    run_timed floor "$FLOOR" "$MSGS"
  else
    run_timed floor "$FLOOR" "$MSGS"
    run_timed parse "$PARSE" "$MSGS"
  fi
  if [ "$have_sisimai" = 1 ] && [ "$run" -le "$SISIMAI_RUNS" ]; then
    run_timed sisimai perl "$ROOT/bench/sisimai_driver.pl" "$MSGS"
  fi
done

# The median wall time decides; best wall and best CPU time (user+sys, which suffers less from
# other load) are shown next to it.
best() { awk '{print $1}' "$WORK/$1.times" | sort -g | head -1; }
median() { awk '{print $1}' "$WORK/$1.times" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
best_cpu() { awk '{print $2 + $3}' "$WORK/$1.times" | sort -g | head -1; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }
rate() { div "$COUNT" "$1"; }

printf '%-28s %9s %9s %9s %11s\n' program "median s" "best s" "best cpu" "messages/s"
row() {
  printf '%-28s %9.3f %9.3f %9.3f %11.0f\n' "$1" "$(median "$2")" "$(best "$2")" "$(best_cpu "$2")" "$(rate "$(median "$2")")"
}
row "bounce-parse" parse
row "GMime floor (parse+walk)" floor
if [ "$have_sisimai" = 1 ]; then
  row "Sisimai $(perl -MSisimai -e 'print $Sisimai::VERSION')" sisimai
fi

printf 'bounce-parse time / floor time: %.2f (target <= 1.5; best: %.2f, CPU: %.2f)\n' \
  "$(div "$(median parse)" "$(median floor)")" "$(div "$(best parse)" "$(best floor)")" \
  "$(div "$(best_cpu parse)" "$(best_cpu floor)")"
if [ "$have_sisimai" = 1 ]; then
  printf 'bounce-parse / Sisimai messages/s: %.1fx (target >= 8x; best: %.1fx, CPU: %.1fx)\n' \
    "$(div "$(median sisimai)" "$(median parse)")" "$(div "$(best sisimai)" "$(best parse)")" \
    "$(div "$(best_cpu sisimai)" "$(best_cpu parse)")"
else
  echo "$no_sisimai_why: no peer ratio"
fi
