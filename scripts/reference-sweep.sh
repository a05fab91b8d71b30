#!/usr/bin/env bash
# Reference scaling sweep for a many-core machine: thread counts up to 16, the KB beside its
# peers, plus the criterion KB-vs-raw-pathmap benches on a quiet machine.
#
#   scripts/reference-sweep.sh OUT_DIR
#
# Builds in release unless HARNESS (path to a built `harness`) and KB_BENCH (path to the built
# criterion bench binary `<target>/release/deps/kb-*`) are given — for machines without the
# package registry.
# Takes about 7 minutes on 16 cores (368 s there without the two writers runs, which take about
# 30 s more). Commit OUT_DIR's results under reports/reference/<machine>/.
set -euo pipefail
out=${1:?usage: scripts/reference-sweep.sh OUT_DIR}
mkdir -p "$out"
if [ -z "${HARNESS:-}" ]; then
  cargo build --release -p harness
  cargo bench -p benches --bench kb --no-run
  # Wherever cargo puts its builds (CARGO_TARGET_DIR, a config's target-dir): ask cargo.
  target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  HARNESS=$target/release/harness
  KB_BENCH=$(ls -t "$target"/release/deps/kb-* | grep -v '\.d$' | head -n1)
fi
{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo || true
  free -g | head -2
  uname -a
} > "$out/machine.txt"
cat "$out/machine.txt"

threads=1,2,4,8,12,16
# The hybrid workload: readers 3:1 writers, the KB beside every peer that can serve it.
"$HARNESS" run --workload pattern-d --threads "$threads" --duration 1s --warmup 300ms --repetitions 2 \
  --backends hybrid,rwlock-pathmap,imbl-arcswap,concread,redb,zipperhead,rwlock-btreemap,null \
  --no-progress --out "$out/pattern-d" | tee "$out/pattern-d.txt"
# Read-only sharing: how reads scale with no writers at all.
"$HARNESS" run --workload pattern-a --threads "$threads" --duration 1s --warmup 300ms --repetitions 2 \
  --backends hybrid,rwlock-pathmap,imbl-arcswap,concread,redb,zipperhead \
  --no-progress --out "$out/pattern-a" | tee "$out/pattern-a.txt"
# Commit scaling: 2 readers fixed, 1, 2, 4 and 8 writers (the write path's targets: committed
# batches/s at 8 writers against 1, commit p99 at 4 writers against 1).
"$HARNESS" run --workload writers-sweep --duration 1s --warmup 300ms --repetitions 2 \
  --backends hybrid,imbl-arcswap,rwlock-pathmap,concread \
  --no-progress --out "$out/writers-sweep" | tee "$out/writers-sweep.txt"
# Group commit with single-write batches (versions published against commits), and the commit
# path alone: writers only, 1 to 16, no checker.
"$HARNESS" run --workload scripts/writers-batch1.toml --duration 1s --warmup 300ms --repetitions 2 \
  --backends hybrid --no-companion --no-progress --out "$out/writers-batch1" | tee "$out/writers-batch1.txt"
"$HARNESS" run --workload scripts/writers-only.toml --duration 1s --warmup 300ms --repetitions 2 \
  --backends hybrid,imbl-arcswap,concread --no-check --no-progress --out "$out/writers-only" \
  | tee "$out/writers-only.txt"
# KB ÷ raw per kernel timed in alternating batches (what the gate times): criterion below times
# the two sides one after the other, so a drift of the machine between them reads as a ratio.
"$HARNESS" ops --json "$out/ops.json" | tee "$out/ops.txt"
# KB operations beside the raw PathMap operation they wrap.
CRITERION_HOME="${CRITERION_HOME:-$(mktemp -d)}" "$KB_BENCH" --bench --warm-up-time 1 --measurement-time 3 --noplot \
  2>&1 | tee "$out/bench-kb.txt"
