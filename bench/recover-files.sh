#!/usr/bin/env bash
# bench/recover-files.sh - what orchestration adds to a files restore: 'cairn recover ASSET --to DIR' against
# 'cairn restore SNAP --target DIR' of the same point, alternating, on the shared bench data set.
#
# Usage: bench/recover-files.sh DATASET [--repeat N] [--out FILE]
#   DATASET      a folder made by make-dataset.sh (the shared bench data set generator)
#   --repeat N   run each N times, alternating which goes first (default 3)
#   --out FILE   also write the markdown report to FILE
# Environment: CAIRN (launcher, default <repo>/cairn). The work folder (repository, targets) is a fresh
# mktemp -d under /var/tmp, removed at the end. The page cache is dropped before every timed run (as root).
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
CAIRN=${CAIRN:-$SCRIPT_DIR/../cairn}
DATA=${1:?usage: recover-files.sh DATASET [--repeat N] [--out FILE]}; shift
DATA=$(cd "$DATA" && pwd)
REPEAT=3 OUT=
while [ $# -gt 0 ]; do
  case $1 in --repeat) REPEAT=$2; shift 2 ;; --out) OUT=$2; shift 2 ;; *) echo "unknown argument $1" >&2; exit 2 ;; esac
done
W=$(mktemp -d /var/tmp/cairn-recover-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM
printf 'pw\n' > "$W/pw"
cat > "$W/cairn.yaml" <<YAML
repositories:
  local: { location: $W/repo, password: "file:$W/pw", role: primary }
assets:
  dataset: { class: standard, source: { type: files, paths: [$DATA] } }
YAML
export CAIRN_CONFIG=$W/cairn.yaml CAIRN_PASSWORD_FILE=$W/pw CAIRN_REPO=$W/repo CAIRN_SANDBOX_DIR=$W/sandboxes
"$CAIRN" init -q >/dev/null && "$CAIRN" capture dataset -q >/dev/null || { echo "capture failed" >&2; exit 1; }
drop() { sync; [ "$(id -u)" = 0 ] && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; true; }
now() { date +%s.%N; }
declare -a RS RC
for i in $(seq 1 "$REPEAT"); do
  for which in $( [ $((i % 2)) = 1 ] && echo "restore recover" || echo "recover restore"); do
    rm -rf "$W/t"; drop
    t0=$(now)
    if [ "$which" = restore ]; then "$CAIRN" restore latest --target "$W/t" -q >/dev/null || exit 1
    else "$CAIRN" recover dataset --to "$W/t" -q >/dev/null || exit 1; fi
    t1=$(now)
    d=$(python3 -c "print(f'{$t1-$t0:.2f}')")
    [ "$which" = restore ] && RS+=("$d") || RC+=("$d")
  done
done
{
  echo "Data set: $(du -sh --apparent-size "$DATA" | cut -f1) in $(find "$DATA" | wc -l) entries; $REPEAT repetitions, alternating; wall seconds, page cache dropped before each."
  echo
  echo "| run | cairn restore latest --target | cairn recover dataset --to | recover - restore |"
  echo "|---|---|---|---|"
  for i in $(seq 0 $((REPEAT - 1))); do
    echo "| $((i + 1)) | ${RS[$i]} | ${RC[$i]} | $(python3 -c "print(f'{${RC[$i]}-${RS[$i]}:+.2f}')") |"
  done
} | tee ${OUT:+"$OUT"}
