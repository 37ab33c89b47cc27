#!/usr/bin/env bash
# bench/s3.sh - Cairn vs restic against the same S3 server on loopback, side by side.
#
# Usage: bench/s3.sh [--repeat N] [--out FILE] [--work DIR] [--keep] DATA_DIR
#
#   DATA_DIR      a data set made by make-dataset.sh (the shared bench tools); only read.
#   --repeat N    run the whole sequence N times (default 1), the tools' order alternating
#   --out FILE    also write the markdown table to FILE
#   --work DIR    work folder (default: a fresh one under /var/tmp, removed at the end unless --keep)
#
# The server is a throwaway Ceph RGW (one monitor, one memstore OSD, one gateway; the project's
# cairn-testkit CephRgwServer with tcp_nodelay on, started by cairn-bench's S3Server main), both tools in one bucket
# under their own prefixes. Steps, each tool in turn before the next step:
#   initial     first backup of DATA_DIR
#   unchanged   the same again
#   restore     the latest snapshot into a fresh folder (page cache dropped first)
#   copy        the whole snapshot to a second repository in the same server
#               (cairn: init --from-repo then copy; restic: init --copy-chunker-params then copy)
#   fallback    cairn only: 1% of the primary's data blobs damaged (a byte flipped in each), then a
#               restore that reads those blobs from the copy (--fallback)
# Measured with GNU time: wall s and peak RSS MB; throughput is DATA_DIR's logical size / wall s.
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "s3.sh: $*" >&2; exit 2; }

REPEAT=1 OUT="" WORK="" KEEP=0 DATA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) REPEAT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) DATA=$1; shift ;;
  esac
done
[ -n "$DATA" ] && [ -d "$DATA" ] || die "give a data set folder (see --help)"
DATA=$(cd "$DATA" && pwd)
CAIRN=${CAIRN:-$REPO_ROOT/cairn}
RESTIC=${RESTIC:-restic}
JAR=$REPO_ROOT/cairn-bench/target/benchmarks.jar
[ -f "$JAR" ] || die "build the benchmarks first: ./mvnw -B -q install -DskipTests"
JAVA=$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null | head -1)
[ -n "$JAVA" ] || JAVA=java
[ -n "$WORK" ] || WORK=$(mktemp -d /var/tmp/cairn-s3bench.XXXXXX)
mkdir -p "$WORK"

# the server: serves until the fifo's writer (fd 9) closes
rm -f "$WORK/hold"; mkfifo "$WORK/hold"
"$JAVA" -cp "$JAR" io.cairn.bench.S3Server 16 < "$WORK/hold" > "$WORK/server.out" 2>&1 &
SERVER=$!
exec 9> "$WORK/hold"
cleanup() {
  exec 9>&-
  wait "$SERVER" 2>/dev/null
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 120); do grep -q '^ENDPOINT=' "$WORK/server.out" 2>/dev/null && break; sleep 1; done
grep -q '^ENDPOINT=' "$WORK/server.out" || die "the S3 server did not start: $(tail -5 "$WORK/server.out")"
while IFS='=' read -r k v; do export "$k=$v"; done < <(grep '=' "$WORK/server.out")
export CAIRN_PASSWORD=bench RESTIC_PASSWORD=bench CAIRN_CATALOG=off CAIRN_TO_PASSWORD=bench CAIRN_FROM_PASSWORD=bench RESTIC_FROM_PASSWORD=bench RESTIC_CACHE_DIR="$WORK/restic-cache" CAIRN_CACHE_DIR="$WORK/cairn-cache"
LOGICAL=$(du -sb --apparent-size "$DATA" | cut -f1)

drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
declare -A WALL RSS
# measure KEY cmd...: runs cmd under GNU time, appends wall and peak RSS to KEY's lists
measure() {
  local key=$1; shift
  if ! /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" > "$WORK/$key.log" 2>&1; then
    echo "s3.sh: $key failed: $(tail -3 "$WORK/$key.log")" >&2; return 1
  fi
  read -r w m < "$WORK/t"
  WALL[$key]="${WALL[$key]:-} $w"; RSS[$key]="${RSS[$key]:-} $((m / 1024))"
  echo "  $key: ${w} s, $((m / 1024)) MB" >&2
}

for r in $(seq 1 "$REPEAT"); do
  echo "round $r" >&2
  EP=$ENDPOINT
  CR="s3:$EP/bench/cairn-$r" RR="s3:$EP/bench/restic-$r" CC="s3:$EP/bench/cairn-copy-$r" RC="s3:$EP/bench/restic-copy-$r"
  "$RESTIC" -r "$RR" init -q || die "restic init failed"
  "$CAIRN" init --repo "$CR" -q || die "cairn init failed"
  if [ $((r % 2)) = 1 ]; then order="cairn restic"; else order="restic cairn"; fi
  for step in initial unchanged; do
    for t in $order; do
      drop
      if [ "$t" = cairn ]; then measure "cairn-$step" "$CAIRN" backup --repo "$CR" -q "$DATA"
      else measure "restic-$step" "$RESTIC" -r "$RR" backup -q "$DATA"; fi
    done
  done
  for t in $order; do
    rm -rf "$WORK/restore-$t"; mkdir -p "$WORK/restore-$t"; drop
    if [ "$t" = cairn ]; then measure cairn-restore "$CAIRN" restore --repo "$CR" latest --target "$WORK/restore-$t" -q
    else measure restic-restore "$RESTIC" -r "$RR" restore latest --target "$WORK/restore-$t" -q; fi
    rm -rf "$WORK/restore-$t"
  done
  "$CAIRN" init --repo "$CC" --from-repo "$CR" -q || die "cairn init --from-repo failed"
  "$RESTIC" -r "$RC" init -q --from-repo "$RR" --copy-chunker-params || die "restic init --copy-chunker-params failed"
  for t in $order; do
    drop
    if [ "$t" = cairn ]; then measure cairn-copy "$CAIRN" copy --repo "$CR" --to "$CC" -q
    else measure restic-copy "$RESTIC" -r "$RC" copy --from-repo "$RR" -q; fi
  done
  "$JAVA" -cp "$JAR" io.cairn.bench.DamageBlobs "$CR" 0.01 "$r" >&2
  rm -rf "$WORK/restore-fb"; mkdir -p "$WORK/restore-fb"; drop
  measure cairn-fallback "$CAIRN" restore --repo "$CR" latest --target "$WORK/restore-fb" --fallback "$CC" -q
  echo "  blobs read from the copy: $(grep -c 'read from' "$WORK/cairn-fallback.log")" >&2
  rm -rf "$WORK/restore-fb"
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
range() { tr ' ' '\n' | grep -v '^$' | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {print lo "-" hi}'; }
rate() { awk -v b="$LOGICAL" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", b / s / 1048576; else print "-" }'; }
{
  echo "| step | cairn s | restic s | cairn MB/s | restic MB/s | restic/cairn | cairn peak RSS MB | restic peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for step in initial unchanged restore copy fallback; do
    c=$(echo "${WALL[cairn-$step]:-}" | median); rs=$(echo "${WALL[restic-$step]:-}" | median)
    ratio=$(awk -v c="$c" -v r="$rs" 'BEGIN { if (c > 0 && r > 0) printf "%.2fx", r / c; else print "-" }')
    echo "| $step | $(echo "${WALL[cairn-$step]:-}" | range) | $(echo "${WALL[restic-$step]:-}" | range) | $(rate "$c") | $(rate "$rs") | $ratio | $(echo "${RSS[cairn-$step]:-}" | median) | $(echo "${RSS[restic-$step]:-}" | median) |"
  done
  echo
  echo "Logical size $(awk -v b="$LOGICAL" 'BEGIN {printf "%.2f GiB", b / 1073741824}'), $REPEAT round(s), medians for the rates; ranges of wall seconds."
} | tee ${OUT:+"$OUT"}
