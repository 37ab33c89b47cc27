#!/usr/bin/env bash
# bench/compare.sh - side-by-side macro benchmark: Cairn vs restic vs borg.
#
# Usage: bench/compare.sh [options] DATA_DIR
#
#   DATA_DIR            a data set made by make-dataset.sh (from the shared bench tools).
#                       It is copied into the work folder first (cp -a, sparse-aware) and only the
#                       copy is mutated, so DATA_DIR stays pristine and can be reused.
# Options:
#   --tools LIST        comma-separated subset of cairn,restic,borg (default: all three)
#   --repeat N          run the whole sequence N times (default 1); tables show the median
#   --out FILE          also write the markdown report to FILE (default: stdout only)
#   --work DIR          work folder (default: a fresh mktemp -d, removed at the end).
#                       Must be empty/nonexistent or a work folder of an earlier run.
#   --bench-tools DIR   folder with make-dataset.sh, mutate.sh, manifest.py
#                       (default: $BENCH_TOOLS, else <repo>/../shared/bench)
#   --keep              keep repositories, data copy and logs in the work folder
#   --in-place          back up DATA_DIR itself instead of a copy (mutates it! --repeat 1 only)
#   -h, --help          this text
# Environment: BENCH_TOOLS (see above), CAIRN (launcher, default <repo>/cairn), RESTIC, BORG
# (binaries, default from PATH), BORG_ENCRYPTION (default: repokey if the CPU has SHA
# extensions, else repokey-blake2), RESTORE_FS_MB (size of the restore filesystem image).
#
# Steps, each run round robin over the tools (cairn, restic, borg) before the next step:
#   1 initial      first backup of the data
#   2 unchanged    backup again, nothing changed
#   3 incremental  mutate.sh once on the data, then every tool backs up
#   4 restore      restore the latest snapshot into a freshly made, freshly mounted ext4
#                  (loop-mounted image file; a plain fresh folder if mounting is impossible),
#                  verified with manifest.py (source vs restored tree)
#   5 check        full check that reads all data
# Measured with GNU time: wall s, CPU s (user+sys), peak RSS MB; repo MB (du -sm) after backups.
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "compare.sh: $*" >&2; exit 2; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

TOOLS_ARG=cairn,restic,borg
REPEAT=1
OUT=
WORK=
KEEP=0
IN_PLACE=0
BENCH_TOOLS=${BENCH_TOOLS:-$SCRIPT_DIR/../../shared/bench}
DATA=
while [ $# -gt 0 ]; do
  case $1 in
    --tools) TOOLS_ARG=${2:?--tools needs a value}; shift 2 ;;
    --tools=*) TOOLS_ARG=${1#*=}; shift ;;
    --repeat) REPEAT=${2:?--repeat needs a value}; shift 2 ;;
    --repeat=*) REPEAT=${1#*=}; shift ;;
    --out) OUT=${2:?--out needs a value}; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    --work) WORK=${2:?--work needs a value}; shift 2 ;;
    --work=*) WORK=${1#*=}; shift ;;
    --bench-tools) BENCH_TOOLS=${2:?--bench-tools needs a value}; shift 2 ;;
    --bench-tools=*) BENCH_TOOLS=${1#*=}; shift ;;
    --keep) KEEP=1; shift ;;
    --in-place) IN_PLACE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; DATA=${1:-}; shift || true ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$DATA" ] || die "only one DATA_DIR expected"; DATA=$1; shift ;;
  esac
done

# ------------------------------------------------------------------ validation
[ -n "$DATA" ] || { usage >&2; exit 2; }
[ -d "$DATA" ] || die "data folder $DATA does not exist"
DATA=$(cd "$DATA" && pwd)
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer"
[ "$IN_PLACE" = 1 ] && [ "$REPEAT" != 1 ] && die "--in-place works with --repeat 1 only (mutate.sh runs once per tree)"
[ -d "$BENCH_TOOLS" ] || die "bench tools folder $BENCH_TOOLS not found (pass --bench-tools DIR or BENCH_TOOLS=DIR)"
BENCH_TOOLS=$(cd "$BENCH_TOOLS" && pwd)
for f in mutate.sh manifest.py; do [ -f "$BENCH_TOOLS/$f" ] || die "$BENCH_TOOLS/$f missing"; done
MUTATE=$BENCH_TOOLS/mutate.sh
MANIFEST=$BENCH_TOOLS/manifest.py
if [ "$IN_PLACE" = 1 ] && [ -e "$DATA.mutated" ]; then
  die "$DATA was already mutated ($DATA.mutated exists); regenerate it or drop --in-place"
fi

IFS=, read -r -a TOOLS <<<"$TOOLS_ARG"
[ ${#TOOLS[@]} -gt 0 ] || die "--tools is empty"
declare -A SEEN=()
for t in "${TOOLS[@]}"; do
  case $t in cairn|restic|borg) ;; *) die "unknown tool '$t' (cairn, restic, borg)" ;; esac
  [ -z "${SEEN[$t]:-}" ] || die "tool $t listed twice"; SEEN[$t]=1
done

[ -x /usr/bin/time ] || die "GNU time missing: apt-get install -y time"
/usr/bin/time -f %e true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time"
command -v python3 >/dev/null || die "python3 missing"

CAIRN=${CAIRN:-$REPO_ROOT/cairn}
RESTIC=${RESTIC:-$(command -v restic || true)}
BORG=${BORG:-$(command -v borg || true)}
for t in "${TOOLS[@]}"; do
  case $t in
    cairn) [ -x "$CAIRN" ] || die "cairn launcher $CAIRN not found or not executable (build it first)" ;;
    restic) [ -n "$RESTIC" ] && [ -x "$RESTIC" ] || die "restic not found (apt-get install -y restic)" ;;
    borg) [ -n "$BORG" ] && [ -x "$BORG" ] || die "borg not found (apt-get install -y borgbackup)" ;;
  esac
done
if [ -z "${BORG_ENCRYPTION:-}" ]; then
  # borg 1.x: repokey = AES-CTR + HMAC-SHA256, repokey-blake2 = AES-CTR + BLAKE2b.
  # With SHA hardware extensions (sha_ni) SHA-256 is the faster MAC; otherwise BLAKE2b is.
  if grep -qw sha_ni /proc/cpuinfo 2>/dev/null; then BORG_ENCRYPTION=repokey; else BORG_ENCRYPTION=repokey-blake2; fi
fi

# ------------------------------------------------------------------ work folder
MADE_WORK=0
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d -t cairn-bench.XXXXXX) || die "mktemp failed"; MADE_WORK=1
else
  mkdir -p "$WORK" || die "cannot create $WORK"
  if [ -n "$(ls -A "$WORK")" ] && [ ! -e "$WORK/.cairn-bench" ]; then
    die "work folder $WORK is not empty and not a compare.sh work folder"
  fi
fi
WORK=$(cd "$WORK" && pwd)
case "$WORK/" in "$DATA/"*) die "work folder must not be inside the data folder" ;; esac
case "$DATA/" in "$WORK/"*) die "data folder must not be inside the work folder" ;; esac
touch "$WORK/.cairn-bench"
rm -rf "$WORK/logs" "$WORK/results.tsv" "$WORK/verify.md" "$WORK/meta.tsv"
mkdir -p "$WORK/logs"
RESULTS=$WORK/results.tsv
VERIFY=$WORK/verify.md
META=$WORK/meta.tsv
: >"$RESULTS"; : >"$VERIFY"; : >"$META"
log "work folder: $WORK"

MOUNTED=
cleanup() {
  if [ -n "$MOUNTED" ]; then umount "$MOUNTED" 2>/dev/null || umount -l "$MOUNTED" 2>/dev/null; MOUNTED=; fi
  rm -f "$WORK"/restore-*.img 2>/dev/null
  if [ "$KEEP" = 0 ]; then
    if [ "$MADE_WORK" = 1 ]; then rm -rf "$WORK"
    else rm -rf "$WORK/data" "$WORK/data.mutated" "$WORK/state" "$WORK"/mnt-* "$WORK"/restore-*; fi
  fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }

# ------------------------------------------------------------------ environment description
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta cpu "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
meta memory "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
meta kernel "$(uname -r)"
meta tools "${TOOLS[*]}"
meta repeat "$REPEAT"
for t in "${TOOLS[@]}"; do
  case $t in
    cairn)
      v=$(timeout 120 "$CAIRN" --version </dev/null 2>/dev/null | head -1) || v=
      [[ $v =~ [0-9]+\.[0-9]+ ]] || v=   # ignore a usage text from a launcher without --version
      rev=$(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || true)
      meta "version cairn" "${v:-cairn}${rev:+ (git $rev)}" ;;
    restic) meta "version restic" "$("$RESTIC" version 2>/dev/null | head -1)" ;;
    borg) meta "version borg" "$("$BORG" --version 2>/dev/null | head -1), init -e $BORG_ENCRYPTION, create --compression lz4" ;;
  esac
done
meta "data set" "$(find "$DATA" -type f | wc -l) files, $(find "$DATA" -type d | wc -l) dirs, $(find "$DATA" -type l | wc -l) symlinks; $(du -sm --apparent-size "$DATA" | cut -f1) MB logical, $(du -sm "$DATA" | cut -f1) MB allocated"

# ------------------------------------------------------------------ helpers
PASSWORD=cairn-bench-not-a-secret
export RESTIC_PASSWORD=$PASSWORD BORG_PASSPHRASE=$PASSWORD CAIRN_PASSWORD=$PASSWORD
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no
export BORG_DISPLAY_PASSPHRASE=no

set_state_env() {   # fresh repositories and caches, all inside the work folder
  local S=$WORK/state
  export RESTIC_REPOSITORY=$S/repo-restic RESTIC_CACHE_DIR=$S/cache/restic
  export BORG_REPO=$S/repo-borg BORG_BASE_DIR=$S/home-borg
  export CAIRN_REPO=$S/repo-cairn
  # the engine is compared, so Cairn's catalog (which restic and borg do not have) is off;
  # CAIRN_BENCH_CATALOG=on keeps it, in a fresh data folder per repetition
  if [ "${CAIRN_BENCH_CATALOG:-off}" = on ]; then unset CAIRN_CATALOG; else export CAIRN_CATALOG=off; fi
  export XDG_CACHE_HOME=$S/cache/xdg XDG_CONFIG_HOME=$S/config XDG_DATA_HOME=$S/data
  mkdir -p "$S/cache/restic" "$S/home-borg" "$S/cache/xdg" "$S/config"
}

repo_dir() { case $1 in cairn) echo "$CAIRN_REPO" ;; restic) echo "$RESTIC_REPOSITORY" ;; borg) echo "$BORG_REPO" ;; esac; }

# timed LOG CMD... : runs CMD under GNU time, output to LOG; sets T_WALL T_CPU T_RSS_MB T_RC
timed() {
  local logf=$1; shift
  local tf=$logf.time
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" </dev/null >"$logf" 2>&1
  T_RC=$?
  local wall user sys rss
  read -r wall user sys rss < <(tail -n 1 "$tf")
  T_WALL=${wall:-nan}
  T_CPU=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN {printf "%.2f", u + s}')
  T_RSS_MB=$(awk -v k="${rss:-0}" 'BEGIN {printf "%.0f", k / 1024}')
}

# the exit code that means success for TOOL (borg: 1 = warning, e.g. a file changed while read)
ok_rc() {
  [ "$2" = 0 ] && return 0
  if [ "$1" = borg ] && [ "$2" = 1 ]; then log "  borg finished with warnings (exit 1), counted as success"; return 0; fi
  return 1
}

fail_note() {   # TOOL STEP LOG
  log "$1 $2 FAILED (exit $T_RC), last lines of $3:"
  tail -n 15 "$3" | sed 's/^/    /' >&2
}

# result REP STEP TOOL ORDER WALL CPU RSS REPO_MB VERIFIED STATUS
result() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

tool_init() {
  local t=$1 logf=$WORK/logs/rep$REP-init-$1.log
  case $t in
    cairn) "$CAIRN" init </dev/null >"$logf" 2>&1 ;;
    restic) "$RESTIC" init </dev/null >"$logf" 2>&1 ;;
    borg) "$BORG" init -e "$BORG_ENCRYPTION" "$BORG_REPO" </dev/null >"$logf" 2>&1 ;;
  esac
  local rc=$?
  if [ $rc != 0 ]; then log "$t init FAILED (exit $rc):"; tail -n 15 "$logf" | sed 's/^/    /' >&2; return 1; fi
}

BORG_LAST=
do_backup() {   # TOOL STEP ORDER
  local t=$1 step=$2 logf=$WORK/logs/rep$REP-$2-$1.log
  case $t in
    cairn) timed "$logf" "$CAIRN" backup "$SRC" ;;
    restic) timed "$logf" "$RESTIC" backup "$SRC" ;;
    borg) timed "$logf" "$BORG" create --compression lz4 "::rep$REP-$step" "$SRC"; BORG_LAST=rep$REP-$step ;;
  esac
  local status=ok
  ok_rc "$t" "$T_RC" || { status="exit $T_RC"; fail_note "$t" "$step" "$logf"; BROKEN[$t]=1; }
  local mb; mb=$(du -sm "$(repo_dir "$t")" 2>/dev/null | cut -f1)
  result "$REP" "$step" "$t" "$3" "$T_WALL" "$T_CPU" "$T_RSS_MB" "${mb:--}" - "$status"
  log "  $step $t: ${T_WALL}s wall, ${T_CPU}s cpu, ${T_RSS_MB} MB rss, repo ${mb:-?} MB$([ "$status" = ok ] || echo " ($status)")"
}

RESTORE_MODE=
TARGET=
make_restore_target() {   # TOOL -> sets TARGET; mounts a fresh ext4 there when possible
  local t=$1 img=$WORK/restore-$1.img mnt=$WORK/mnt-$1 why=
  rm -rf "$mnt"; rm -f "$img"; mkdir -p "$mnt"
  if [ "$(id -u)" != 0 ]; then why="not root"
  elif ! truncate -s "${RESTORE_FS_MB}M" "$img" 2>/dev/null; then why="truncate failed"
  elif ! mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$img" >"$WORK/logs/mkfs.log" 2>&1; then why="mkfs.ext4 failed"
  elif ! mount -o loop "$img" "$mnt" >"$WORK/logs/mount.log" 2>&1; then why="mount -o loop failed: $(head -1 "$WORK/logs/mount.log")"
  fi
  if [ -z "$why" ]; then
    MOUNTED=$mnt
    RESTORE_MODE="a freshly made ext4 (${RESTORE_FS_MB} MB image file, mkfs.ext4 -E lazy_itable_init=0,lazy_journal_init=0, mount -o loop) per tool and repetition"
  else
    rm -f "$img"
    RESTORE_MODE="FALLBACK: a fresh empty folder on the work filesystem (loop-mounted ext4 impossible: $why)"
    log "  restore target: $RESTORE_MODE"
  fi
  TARGET=$mnt
}

drop_restore_target() {
  local t=$1 mnt=$WORK/mnt-$1
  if [ -n "$MOUNTED" ]; then umount "$MOUNTED" || umount -l "$MOUNTED"; MOUNTED=; fi
  rm -f "$WORK/restore-$t.img"
  rm -rf "$mnt"
}

do_restore() {   # TOOL ORDER
  local t=$1 logf=$WORK/logs/rep$REP-restore-$1.log target
  make_restore_target "$t"; target=$TARGET
  case $t in
    cairn) timed "$logf" "$CAIRN" restore latest --target "$target" ;;
    restic) timed "$logf" "$RESTIC" restore latest --target "$target" ;;
    # borg stores paths without the leading slash and extracts relative to the cwd
    borg) timed "$logf" env -C "$target" "$BORG" extract "::$BORG_LAST" ;;
  esac
  sync   # flush the restored data (not timed) so it does not disturb the next measurement
  local status=ok verified=FAIL
  ok_rc "$t" "$T_RC" || { status="exit $T_RC"; fail_note "$t" restore "$logf"; }
  # all three restore to <target>/<absolute source path>
  local restored=$target$SRC
  {
    echo "#### $t (repetition $REP)"
    echo
    echo '```'
    if [ -d "$restored" ]; then
      python3 "$MANIFEST" make "$restored" >"$WORK/logs/rep$REP-manifest-$t.tsv"
      if python3 "$MANIFEST" compare "$WORK/logs/rep$REP-manifest-src.tsv" "$WORK/logs/rep$REP-manifest-$t.tsv" --ignore-root \
           >"$WORK/logs/rep$REP-compare-$t.txt" 2>&1; then verified=pass; fi
      cat "$WORK/logs/rep$REP-compare-$t.txt"
    else
      echo "restored tree not found at <target>$SRC; top of the target:"
      (cd "$target" && find . -maxdepth 4 | head -20)
    fi
    echo '```'
    echo
  } >>"$VERIFY"
  [ "$status" = ok ] || verified=FAIL
  drop_restore_target "$t"
  result "$REP" restore "$t" "$2" "$T_WALL" "$T_CPU" "$T_RSS_MB" - "$verified" "$status"
  log "  restore $t: ${T_WALL}s wall, ${T_CPU}s cpu, ${T_RSS_MB} MB rss, verified: $verified$([ "$status" = ok ] || echo " ($status)")"
}

do_check() {   # TOOL ORDER
  local t=$1 logf=$WORK/logs/rep$REP-check-$1.log
  case $t in
    cairn) timed "$logf" "$CAIRN" check --read-data ;;
    restic) timed "$logf" "$RESTIC" check --read-data ;;
    borg) timed "$logf" "$BORG" check --verify-data ;;
  esac
  local status=ok
  ok_rc "$t" "$T_RC" || { status="exit $T_RC"; fail_note "$t" check "$logf"; }
  result "$REP" check "$t" "$2" "$T_WALL" "$T_CPU" "$T_RSS_MB" - - "$status"
  log "  check $t: ${T_WALL}s wall, ${T_CPU}s cpu, ${T_RSS_MB} MB rss$([ "$status" = ok ] || echo " ($status)")"
}

skip() { result "$REP" "$1" "$2" "$3" nan nan nan - - skipped; }

# restore filesystem: room for the whole tree with sparse files written out densely, + slack
APPARENT_MB=$(du -sm --apparent-size "$DATA" | cut -f1)
RESTORE_FS_MB=${RESTORE_FS_MB:-$(( APPARENT_MB * 13 / 10 + 512 ))}

# ------------------------------------------------------------------ the runs
STEPS="initial unchanged incremental restore check"
for REP in $(seq 1 "$REPEAT"); do
  # rotate the starting tool per repetition so no tool is always first
  n=${#TOOLS[@]}; ORDER=()
  for i in $(seq 0 $((n - 1))); do ORDER+=("${TOOLS[$(( (i + REP - 1) % n ))]}"); done
  log "repetition $REP/$REPEAT, order: ${ORDER[*]}"
  meta "order rep $REP" "${ORDER[*]}"

  rm -rf "$WORK/state" "$WORK/data" "$WORK/data.mutated"
  if [ "$IN_PLACE" = 1 ]; then SRC=$DATA
  else
    log "copying the data set (cp -a, sparse files stay sparse)"
    cp -a "$DATA" "$WORK/data" || die "copying $DATA failed"
    SRC=$WORK/data
  fi
  set_state_env
  declare -A BROKEN=()
  for t in "${ORDER[@]}"; do tool_init "$t" || BROKEN[$t]=1; done

  for step in initial unchanged incremental; do
    if [ "$step" = incremental ]; then
      log "mutating the data set (mutate.sh)"
      "$MUTATE" "$SRC" >"$WORK/logs/rep$REP-mutate.log" 2>&1 || die "mutate.sh failed: $(tail -3 "$WORK/logs/rep$REP-mutate.log")"
    fi
    for i in "${!ORDER[@]}"; do
      t=${ORDER[$i]}
      # warm the page cache before every backup, untimed: borg drops the files it reads from the
      # cache (posix_fadvise DONTNEED), so without this the tool after borg read the source from disk
      find "$SRC" -type f -print0 | xargs -0 -r cat >/dev/null 2>&1
      if [ -n "${BROKEN[$t]:-}" ]; then skip "$step" "$t" $((i + 1)); else do_backup "$t" "$step" $((i + 1)); fi
    done
  done

  log "manifest of the source tree"
  python3 "$MANIFEST" make "$SRC" >"$WORK/logs/rep$REP-manifest-src.tsv" || die "manifest.py make failed"
  for i in "${!ORDER[@]}"; do
    t=${ORDER[$i]}
    if [ -n "${BROKEN[$t]:-}" ]; then skip restore "$t" $((i + 1)); else do_restore "$t" $((i + 1)); fi
  done
  for i in "${!ORDER[@]}"; do
    t=${ORDER[$i]}
    if [ -n "${BROKEN[$t]:-}" ]; then skip check "$t" $((i + 1)); else do_check "$t" $((i + 1)); fi
  done
  unset BROKEN
done
meta "restore target" "$RESTORE_MODE"

# ------------------------------------------------------------------ report
REF=${TOOLS[0]}; [ -n "${SEEN[cairn]:-}" ] && REF=cairn
report() {
python3 - "$RESULTS" "$META" "$VERIFY" "$REF" "${TOOLS[*]}" "$STEPS" <<'PY'
import math, statistics, sys
res_path, meta_path, verify_path, ref, tools, steps = sys.argv[1:7]
tools, steps = tools.split(), steps.split()
meta = [l.rstrip("\n").split("\t", 1) for l in open(meta_path, encoding="utf-8") if "\t" in l]
M = dict(meta)
rows = [l.rstrip("\n").split("\t") for l in open(res_path, encoding="utf-8") if l.strip()]
R = {}
for rep, step, tool, order, wall, cpu, rss, repo, ver, status in rows:
    R.setdefault((step, tool), []).append(dict(wall=wall, cpu=cpu, rss=rss, repo=repo, ver=ver, status=status))

def num(x):
    try:
        v = float(x)
        return None if math.isnan(v) else v
    except ValueError:
        return None

def med(step, tool, key):
    vals = [num(r[key]) for r in R.get((step, tool), []) if r["status"] == "ok"]
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None

def fmt(v, nd=2):
    return "–" if v is None else ("%.*f" % (nd, v))

def status(step, tool):
    rs = R.get((step, tool), [])
    bad = [r["status"] for r in rs if r["status"] != "ok"]
    return "" if not bad else " (%s in %d/%d)" % (bad[0], len(bad), len(rs))

def verified(step, tool):
    if step != "restore":
        return "–"
    rs = R.get((step, tool), [])
    n = sum(1 for r in rs if r["ver"] == "pass")
    if not rs:
        return "–"
    if n == len(rs):
        return "pass" if len(rs) == 1 else "pass (%d/%d)" % (n, len(rs))
    return "**FAIL** (%d/%d passed)" % (n, len(rs))

out = []
w = out.append
n = int(M.get("repeat", "1"))
w("# Cairn vs restic vs borg: macro benchmark")
w("")
w("| | |")
w("|---|---|")
for k, v in meta:
    if k in ("repeat",):
        continue
    w("| %s | %s |" % (k, v.replace("|", "\\|")))
w("| repetitions | %d%s |" % (n, " (tables show medians)" if n > 1 else ""))
w("")
w("Caveats: the page cache is kept **warm** (dropping it is not possible reliably here): the source is read "
  "again (untimed) before every backup, since borg drops what it reads from the cache, and repositories are read back from memory by restore and check. Tools run round robin "
  "per step in one run (starting tool rotated per repetition); `sync` runs before every timed command. "
  "Restore time is the restore command alone; its dirty pages are flushed afterwards, untimed. "
  "Repository sizes are `du -sm` right after each backup step. Peak RSS is GNU time's %M (max RSS of the command "
  "and its waited-for children). Compare ratios from the same run, not absolute numbers across machines.")
w("")
titles = {"initial": "1. Initial backup", "unchanged": "2. Unchanged re-backup",
          "incremental": "3. Incremental backup after mutate.sh",
          "restore": "4. Full restore of the latest snapshot (fresh filesystem, see 'restore target'), verified with manifest.py",
          "check": "5. Check with full data read"}
for step in steps:
    w("## " + titles[step])
    w("")
    w("| tool | wall s | cpu s | peak RSS MB | repo MB | restore verified |")
    w("|---|---:|---:|---:|---:|---|")
    for t in tools:
        repo = med(step, t, "repo") if step in ("initial", "unchanged", "incremental") else None
        w("| %s%s | %s | %s | %s | %s | %s |" % (t, status(step, t), fmt(med(step, t, "wall")), fmt(med(step, t, "cpu")),
                                             fmt(med(step, t, "rss"), 0), fmt(repo, 0), verified(step, t)))
    w("")

w("## Summary")
w("")
w("| tool | initial s | unchanged s | incremental s | restore s | check s | max peak RSS MB | final repo MB |")
w("|---|---:|---:|---:|---:|---:|---:|---:|")
for t in tools:
    rss = [med(s, t, "rss") for s in steps]
    rss = [v for v in rss if v is not None]
    w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (t, *[fmt(med(s, t, "wall")) for s in steps],
                                                     fmt(max(rss) if rss else None, 0), fmt(med("incremental", t, "repo"), 0)))
w("")
others = [t for t in tools if t != ref]
if others:
    w("## Ratios (%s relative to the others)" % ref)
    w("")
    w("Wall ratio = %s wall s / other wall s (below 1: %s is faster). Throughput ratio = other wall s / %s wall s "
      "(above 1: %s gets through the same work faster). CPU ratio = %s cpu s / other cpu s." % (ref, ref, ref, ref, ref))
    w("")
    hdr = "| step |"
    for o in others:
        hdr += " %s/%s wall | throughput vs %s | %s/%s cpu |" % (ref, o, o, ref, o)
    w(hdr)
    w("|---|" + "---:|---:|---:|" * len(others))
    def ratio(a, b):
        return None if a is None or b is None or b == 0 else a / b
    for s in steps:
        line = "| %s |" % s
        for o in others:
            rw, ow = med(s, ref, "wall"), med(s, o, "wall")
            rc, oc = med(s, ref, "cpu"), med(s, o, "cpu")
            line += " %s | %s | %s |" % (fmt(ratio(rw, ow)), fmt(ratio(ow, rw)), fmt(ratio(rc, oc)))
        w(line)
    w("")
w("## Restore verification details")
w("")
w("`manifest.py compare source restored --ignore-root`; the verdict covers content, file set and symlink targets; "
  "the other lines (metadata, sparseness) are informational.")
w("")
out.append(open(verify_path, encoding="utf-8", errors="replace").read().rstrip("\n"))
print("\n".join(out))
PY
}
if [ -n "$OUT" ]; then
  mkdir -p "$(dirname "$OUT")"
  report | tee "$OUT"
else
  report
fi
log "done"
[ "$KEEP" = 1 ] && log "kept: $WORK"
exit 0
