#!/usr/bin/env bash
# Two builds of Cairn side by side on one data folder: for each repetition and each launcher (in
# alternating order), a fresh repository, then initial backup, unchanged re-backup, check
# --read-data and a full restore. For "did this change help?" questions; quote differences
# between the builds only as measured in one run.
#
# Usage: bench/build-ab.sh OLD_LAUNCHER NEW_LAUNCHER DATA [REPETITIONS]
#   (a launcher is a checkout's ./cairn; build an older commit with `git worktree add DIR COMMIT`
#    and `./mvnw -q -o package -DskipTests` in it)
# Prints one line per command: build, step, wall s, user s, system s, peak RSS KB (GNU time).
# The catalog is off, as in compare.sh.
set -euo pipefail
OLD=$1 NEW=$2 DATA=$3 REPS=${4:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CAIRN_PASSWORD=bench CAIRN_CATALOG=off
for l in "$OLD" "$NEW"; do "$l" --version >/dev/null; done   # builds and start-up caches first
for rep in $(seq 1 "$REPS"); do
  order=("old:$OLD" "new:$NEW")
  [ $((rep % 2)) = 0 ] && order=("new:$NEW" "old:$OLD")
  for entry in "${order[@]}"; do
    name=${entry%%:*} c=${entry#*:}
    repo=$work/repo-$name
    rm -rf "$repo" "$work/restore"
    "$c" init -q --repo "$repo" >/dev/null
    t() { /usr/bin/time -f "$name $1 %e %U %S %M" "${@:2}"; }
    t initial "$c" backup -q --repo "$repo" "$DATA"
    t unchanged "$c" backup -q --repo "$repo" "$DATA"
    t check "$c" check -q --read-data --repo "$repo"
    t restore "$c" restore -q latest --target "$work/restore" --repo "$repo"
  done
done
