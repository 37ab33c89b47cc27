#!/usr/bin/env bash
# Restore side by side: the latest snapshot of a Cairn and of a restic repository holding the same
# data, each into a freshly made, loop-mounted ext4, alternating which tool goes first.
#
# Usage (as root): CAIRN_REPO=... CAIRN_PASSWORD=... RESTIC_REPOSITORY=... RESTIC_PASSWORD=... \
#                  bench/restore-ab.sh [REPETITIONS] [IMAGE_MB]
# Prints one line per restore: repetition, tool, wall s, user s, system s, peak RSS KB (GNU time).
set -uo pipefail
REPS=${1:-3}
MB=${2:-3900}
here=$(cd "$(dirname "$0")/.." && pwd)
CAIRN=${CAIRN:-$here/cairn}
work=$(mktemp -d)
img=$work/fs.img
mnt=$work/mnt
mkdir -p "$mnt"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$work"' EXIT
fresh() {
  umount "$mnt" 2>/dev/null
  rm -f "$img"
  truncate -s "${MB}M" "$img"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$img"
  mount -o loop "$img" "$mnt"
  sync
}
for rep in $(seq 1 "$REPS"); do
  order="cairn restic"
  [ $((rep % 2)) = 0 ] && order="restic cairn"
  for tool in $order; do
    fresh
    case $tool in
      cairn) CAIRN_CATALOG=off /usr/bin/time -f "$rep cairn %e %U %S %M" "$CAIRN" restore latest --target "$mnt" -q ;;
      restic) /usr/bin/time -f "$rep restic %e %U %S %M" restic restore latest --target "$mnt" -q ;;
    esac
  done
done
