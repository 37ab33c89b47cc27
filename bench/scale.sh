#!/usr/bin/env bash
# Scale benchmark: a tree of many small files, Cairn against restic, side by side.
#
# Usage: bench/scale.sh [--files N] [--snapshots K] [--work DIR] [--tools cairn,restic]
#
#   --files N       small files to generate (default 1000000), 1000 per folder, 1-4 KiB each,
#                   deterministic content (a counter and the file's number)
#   --snapshots K   unchanged re-backups to take before the last measured one (default 20)
#   --work DIR      where the tree and the repositories go (default: a mktemp -d folder, removed)
#   --tools LIST    subset of cairn,restic (default both)
#
# For every tool: the initial backup, the first unchanged re-backup (after 1 snapshot), then
# unchanged re-backups up to snapshot K, measuring the last one (after K snapshots): wall s, CPU s,
# peak RSS MB (GNU time), and the repository size. Prints a markdown table.
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
FILES=1000000
SNAPS=20
WORK=
TOOLS=cairn,restic
while [ $# -gt 0 ]; do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --snapshots) SNAPS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
CLEAN=0
if [ -z "$WORK" ]; then WORK=$(mktemp -d); CLEAN=1; fi
mkdir -p "$WORK"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "scale.sh: GNU time is missing (apt-get install -y time)" >&2; exit 2; }
CAIRN=${CAIRN:-$REPO_ROOT/cairn}
export CAIRN_PASSWORD=bench RESTIC_PASSWORD=bench RESTIC_CACHE_DIR=$WORK/restic-cache
export CAIRN_CATALOG=${CAIRN_BENCH_CATALOG:-off} XDG_DATA_HOME=$WORK/xdg-data   # the engine is compared
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

DATA=$WORK/tree
if [ ! -f "$WORK/.tree-$FILES" ]; then
  log "generating $FILES files"
  rm -rf "$DATA"
  python3 - "$DATA" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for d in range((n + 999) // 1000):
    p = os.path.join(root, "d%04d" % (d // 100), "d%06d" % d)
    os.makedirs(p, exist_ok=True)
    for i in range(d * 1000, min(n, d * 1000 + 1000)):
        size = 1024 + (i * 7919) % 3072
        line = ("file %d " % i).encode()
        with open(os.path.join(p, "f%07d.txt" % i), "wb") as f:
            f.write((line * (size // len(line) + 1))[:size])
PY
  touch "$WORK/.tree-$FILES"
fi

run() { # tool step command...
  local tool=$1 step=$2; shift 2
  $TIME -o "$WORK/$tool-$step.time" -f "%e %U %S %M" "$@" >/dev/null 2>"$WORK/$tool-$step.err" \
    || { echo "scale.sh: $tool $step failed: $(tail -3 "$WORK/$tool-$step.err")" >&2; }
  tail -1 "$WORK/$tool-$step.time"
}

ROWS=()
for tool in ${TOOLS//,/ }; do
  R=$WORK/repo-$tool
  rm -rf "$R" "$RESTIC_CACHE_DIR"
  case $tool in
    cairn) "$CAIRN" init -r "$R" -q >/dev/null; B=("$CAIRN" backup -r "$R" -q "$DATA") ;;
    restic) restic init -r "$R" -q >/dev/null; B=(restic backup -r "$R" -q "$DATA") ;;
  esac
  log "$tool: initial"
  init=$(run $tool initial "${B[@]}")
  log "$tool: unchanged after 1 snapshot"
  one=$(run $tool unchanged-1 "${B[@]}")
  for k in $(seq 3 "$SNAPS"); do run $tool fill-$k "${B[@]}" >/dev/null; done
  log "$tool: unchanged after $SNAPS snapshots"
  last=$(run $tool unchanged-$SNAPS "${B[@]}")
  size=$(du -sm "$R" | cut -f1)
  ROWS+=("$tool|$init|$one|$last|$size")
done
fmt() { awk '{printf "%.2f | %.2f | %d", $1, $2 + $3, $4 / 1024}' <<<"$1"; }
echo "| tool | initial wall s | cpu s | RSS MB | unchanged (after 1) wall s | cpu s | RSS MB | unchanged (after $SNAPS) wall s | cpu s | RSS MB | repo MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${ROWS[@]}"; do
  IFS='|' read -r tool a b c size <<<"$r"
  echo "| $tool | $(fmt "$a") | $(fmt "$b") | $(fmt "$c") | $size |"
done
[ "$CLEAN" = 1 ] && rm -rf "$WORK"
exit 0
