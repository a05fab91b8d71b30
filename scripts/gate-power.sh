#!/usr/bin/env bash
# How well the A/B regression gate tells a regression from noise, measured on this machine with a
# CPU hog running alongside:
#   - N gates of the normal build against itself: every REGRESSED is a false alarm;
#   - N gates (timing tier) against a build whose gets are slowed by about 10%;
#   - N gates (timing tier) against a build whose commits are slowed by about 10%;
#   - N gates (instruction tier) against a build whose gets cost about 2% more instructions.
# The slowed builds use the knowledge base's `slowdown` feature (kb/src/slowdown.rs); the size of
# each slowdown is not assumed but measured — by the gates themselves — and printed.
#
#   bash scripts/gate-power.sh [N]     N runs per case (default 20). Roughly 40 s per run with
#                                      both tiers, 30 s with one, more under the hog.
# Environment: GET (default 13) and COMMIT (10), the timing builds' percents of slowed calls;
# INSTR (1), the instruction build's; HOG=0 runs without the hog.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
get=${GET:-13} commit=${COMMIT:-10} instr=${INSTR:-1}
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
dir=$target/gate-power
mkdir -p "$dir/runs"

build() { # name, then VAR=value… for the slowed builds
  local name=$1
  shift
  echo "building $name $*"
  if [ $# -eq 0 ]; then
    CARGO_TARGET_DIR="$dir/target" cargo build --release -q -p harness
  else
    env "$@" CARGO_TARGET_DIR="$dir/target" cargo build --release -q -p harness --features slowdown
  fi
  cp "$dir/target/release/harness" "$dir/$name"
}
build normal
build get "KB_SLOWDOWN_GET=$get"
build commit "KB_SLOWDOWN_COMMIT=$commit"
build instr "KB_SLOWDOWN_GET=$instr"

if [ "${HOG:-1}" != 0 ]; then
  (while :; do :; done) &
  hog=$!
  trap 'kill $hog 2>/dev/null' EXIT
  load="a CPU hog (one busy loop) running alongside"
else
  load="no extra load"
fi

# gate CASE I [flags…]: one gate of CASE's build against the normal one; prints its exit code.
gate() {
  local case=$1 i=$2
  shift 2
  local code=0
  "$dir/normal" gate --base-bin "$dir/normal" --current-bin "$dir/$case" \
    --out "$dir/runs/$case-$i" "$@" > "$dir/runs/$case-$i.txt" 2>&1 || code=$?
  echo "$code"
}

# rows FILE: "tier kernel judgement change" for every judged row of a gate's output.
rows() {
  awk '/^timing tier/ {t="timing"} /^instruction tier/ {t="instructions"}
       t == "timing" && $3 ~ /^[0-9]+$/ {print t, $2, $1, $6}
       t == "instructions" && $2 ~ /\// || $2 == "hot-loop" {if (t == "instructions") print t, $2, $1, $5}' "$1"
}

# run CASE TIER KERNEL AFFECTED [flags…]: N gates; tallies detections of KERNEL in TIER, and
# runs with an alarm on a kernel outside AFFECTED (a regex of the kernels the slowdown touches).
run() {
  local case=$1 tier=$2 kernel=$3 affected=$4
  shift 4
  local hits=0 other=0 cannot=0 changes="" start=$SECONDS
  for i in $(seq 1 "$n"); do
    printf '\r%s %d/%d ' "$case" "$i" "$n" >&2
    local code
    code=$(gate "$case" "$i" "$@")
    [ "$code" = 2 ] && cannot=$((cannot + 1))
    local f=$dir/runs/$case-$i.txt
    if rows "$f" | grep -q "^$tier $kernel REGRESSED"; then hits=$((hits + 1)); fi
    if rows "$f" | grep REGRESSED | grep -Evq "^[a-z]+ ($affected) REGRESSED"; then other=$((other + 1)); fi
    changes="$changes $(rows "$f" | awk -v t="$tier" -v k="$kernel" '$1 == t && $2 == k {print $4}')"
  done
  printf '\r' >&2
  local median
  median=$(echo "$changes" | tr ' ' '\n' | grep . | tr -d '%+' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  echo "$case|$tier|$kernel|$hits|$other|$cannot|$median|$(( (SECONDS - start) / n ))"
}

echo "gate power: $n runs per case, $load; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
results=()
results+=("$(run normal timing get-hit none)")
results+=("$(run get timing get-hit 'get-hit|get-miss' --no-instructions)")
results+=("$(run commit timing commit-16 commit-16 --no-instructions)")
results+=("$(run instr instructions get-hit/kb 'get-hit/kb|get-miss/kb' --no-timing)")

{
  echo "gate power, $(date -u +%Y-%m-%d), $n runs per case, $load"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  printf '%-40s %-13s %-11s %9s %13s %13s %14s %6s\n' case tier kernel detected "other alarms" "cannot judge" "median change" "s/run"
  for r in "${results[@]}"; do
    IFS='|' read -r case tier kernel hits other cannot median secs <<< "$r"
    case $case in
      normal) what="same build (every alarm is false)" ;;
      get) what="get slowed (KB_SLOWDOWN_GET=$get)" ;;
      commit) what="commit slowed (KB_SLOWDOWN_COMMIT=$commit)" ;;
      instr) what="get instructions (KB_SLOWDOWN_GET=$instr)" ;;
    esac
    printf '%-40s %-13s %-11s %6s/%-2s %13s %13s %13s%% %6s\n' "$what" "$tier" "$kernel" "$hits" "$n" "$other" "$cannot" "$median" "$secs"
  done
  echo "(detected: runs where that kernel REGRESSED in that tier; other alarms: runs where a kernel the"
  echo " slowdown does not touch REGRESSED — for the same build, every alarm; median change: the"
  echo " gate's own estimate for that kernel over the N runs, i.e. the measured size of the slowdown)"
} | tee "$dir/summary.txt"
echo "runs and summary: $dir"
