#!/usr/bin/env bash
# bench/pg-capture.sh - side-by-side macro benchmark of a PostgreSQL capture: pg_dump alone vs
# 'cairn capture' vs pg_dump piped into restic and into borg.
#
# Usage: bench/pg-capture.sh [options]
#
# Options:
#   --scale N         pgbench scale of the database 'bench' (default 50: 5 million accounts)
#   --scale-small N   also capture a scale-N database 'bench_small' once with cairn (asset small-db, its
#                     own fresh repository), to see whether cairn's peak RSS grows with the database
#                     (default 10; 0 skips it)
#   --repeat N        run each timed step N times (default 2); tables show the median and every value
#   --tools LIST      comma-separated subset of cairn,restic,borg (default: all three); pg_dump alone
#                     always runs, as the reference
#   --out FILE        also write the markdown report to FILE (default: stdout only)
#   --keep            keep the work folder (repositories, logs, stopped server) instead of removing it
#   -h, --help        this text
# Environment: CAIRN (launcher, default <repo>/cairn), PG_BIN (default: the newest
# /usr/lib/postgresql/*/bin), RESTIC, BORG (default from PATH), BORG_ENCRYPTION (default repokey).
#
# Needs root (initdb refuses root: the throwaway server runs as user postgres, via setpriv), the
# PostgreSQL server with pgbench, GNU time, python3, and restic and borg unless left out with --tools:
#   apt-get install -y postgresql restic borgbackup time
#
# In a fresh mktemp -d work folder, removed at the end (also on failure and Ctrl-C):
#   setup      initdb (superuser cairn, auth trust), a server on a free 127.0.0.1 port with fsync=off,
#              pgbench -i into 'bench' (and 'bench_small'); the dump size is measured once (| wc -c)
#   initial    fresh repositories, then one capture of 'bench' per tool; --repeat times, the tools
#              round robin, the first one rotated per repetition:
#                pgdump  pg_dump -Fc -Z0 -d bench > /dev/null                  (the dump alone)
#                cairn   cairn capture bench-db                              (policy written here)
#                restic  pg_dump -Fc -Z0 -d bench | restic backup --stdin
#                borg    pg_dump -Fc -Z0 -d bench | borg create --compression lz4 ... -
#   unchanged  capture again into the same repositories, nothing changed (--repeat times)
#   rows       insert 1% more rows into pgbench_accounts, then capture once more
#   small      pg_dump and cairn once on 'bench_small' (with --scale-small N > 0)
# Measured with GNU time: wall s, CPU s (user+sys of the command and its children, so pg_dump is
# included; the PostgreSQL server is not), peak RSS (of the largest single process); repository
# sizes with du. The markdown report goes to stdout.
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "pg-capture.sh: $*" >&2; exit 2; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
die_log() { log "$1; last lines of $2:"; tail -n 20 "$2" | sed 's/^/    /' >&2; exit 2; }

SCALE=50 SCALE_SMALL=10 REPEAT=2 TOOLS_ARG=cairn,restic,borg OUT= KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --*=*) set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
    --scale|--scale-small|--repeat|--tools|--out)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --scale) SCALE=$2 ;; --scale-small) SCALE_SMALL=$2 ;; --repeat) REPEAT=$2 ;;
        --tools) TOOLS_ARG=$2 ;; --out) OUT=$2 ;;
      esac
      shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

# ------------------------------------------------------------------ validation
[[ $SCALE =~ ^[1-9][0-9]*$ ]] || die "--scale must be a positive integer"
[[ $SCALE_SMALL =~ ^[0-9]+$ ]] || die "--scale-small must be a non-negative integer (0 skips it)"
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a positive integer"
declare -A WANT=() BROKEN=()
IFS=, read -r -a LIST <<<"$TOOLS_ARG"
for t in "${LIST[@]}"; do
  case $t in cairn|restic|borg) WANT[$t]=1 ;; *) die "unknown tool '$t' (cairn, restic, borg)" ;; esac
done
TOOLS=(pgdump); for t in cairn restic borg; do [ -n "${WANT[$t]:-}" ] && TOOLS+=("$t"); done

[ "$(id -u)" = 0 ] || die "run as root: the throwaway server runs as user postgres (setpriv)"
id postgres >/dev/null 2>&1 || die "user postgres missing: apt-get install -y postgresql"
command -v setpriv >/dev/null || die "setpriv missing: apt-get install -y util-linux"
command -v python3 >/dev/null || die "python3 missing: apt-get install -y python3"
[ -x /usr/bin/time ] && /usr/bin/time -f %e true >/dev/null 2>&1 || die "GNU time missing: apt-get install -y time"
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -n "$PG_BIN" ] || die "no PostgreSQL under /usr/lib/postgresql: apt-get install -y postgresql"
for b in initdb pg_ctl postgres psql pg_dump pgbench; do
  [ -x "$PG_BIN/$b" ] || die "$PG_BIN/$b missing: apt-get install -y postgresql (server, pgbench)"
done
CAIRN=${CAIRN:-$REPO_ROOT/cairn}
RESTIC=${RESTIC:-$(command -v restic || true)}
BORG=${BORG:-$(command -v borg || true)}
BORG_ENCRYPTION=${BORG_ENCRYPTION:-repokey}
[ -z "${WANT[cairn]:-}" ] || [ -x "$CAIRN" ] || die "cairn launcher $CAIRN not found or not executable"
[ -z "${WANT[restic]:-}" ] || [ -x "$RESTIC" ] || die "restic not found: apt-get install -y restic (or leave it out: --tools)"
[ -z "${WANT[borg]:-}" ] || [ -x "$BORG" ] || die "borg not found: apt-get install -y borgbackup (or leave it out: --tools)"

# ------------------------------------------------------------------ work folder and server
WORK=$(mktemp -d -t cairn-pgcap.XXXXXX) || die "mktemp failed"
mkdir -p "$WORK/logs" "$WORK/run"
chown -R postgres: "$WORK" || die "cannot chown $WORK to postgres"
PG_UP=0
cleanup() {
  if [ "$PG_UP" = 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || {
      pid=$(head -n 1 "$WORK/pg/postmaster.pid" 2>/dev/null); [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; }
  fi
  if [ "$KEEP" = 1 ]; then log "kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

as_pg() { (cd "$WORK" && HOME=$WORK setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"); }
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
  || die "no free port found"
sql() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U cairn "$@"; }
DUMP=("$PG_BIN/pg_dump" -h 127.0.0.1 -p "$PORT" -U cairn -Fc -Z0)

log "work folder $WORK; PostgreSQL from $PG_BIN on 127.0.0.1:$PORT"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U cairn --auth=trust -E UTF8 --no-sync >"$WORK/logs/initdb.log" 2>&1 \
  || die_log "initdb failed" "$WORK/logs/initdb.log"
PG_UP=1
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/logs/postgres.log" -w -t 120 start \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c unix_socket_directories='$WORK/run'" \
  >"$WORK/logs/pg_ctl.log" 2>&1 || die_log "the server did not start" "$WORK/logs/postgres.log"

load() {   # DB SCALE
  log "pgbench -i -s $2 into $1"
  { sql -d postgres -c "create database $1" && as_pg "$PG_BIN/pgbench" -i -q -s "$2" -h 127.0.0.1 -p "$PORT" -U cairn "$1"; } \
    >>"$WORK/logs/load.log" 2>&1 || die_log "loading $1 failed" "$WORK/logs/load.log"
}
load bench "$SCALE"
[ "$SCALE_SMALL" -gt 0 ] && [ -n "${WANT[cairn]:-}" ] && load bench_small "$SCALE_SMALL"
sql -d postgres -c checkpoint >/dev/null 2>&1

# ------------------------------------------------------------------ tools
export CAIRN_CONFIG=$WORK/cairn.yaml CAIRN_CATALOG=off CAIRN_BENCH_PW=bench
export XDG_CACHE_HOME=$WORK/xdg/cache XDG_DATA_HOME=$WORK/xdg/data
export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR=$WORK/cache/restic
export BORG_PASSPHRASE=bench BORG_BASE_DIR=$WORK/borg-home BORG_DISPLAY_PASSPHRASE=no
export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
pg_source() { echo "{ type: postgres, host: 127.0.0.1, port: $PORT, user: cairn, databases: [$1], globals: false }"; }
cat >"$CAIRN_CONFIG" <<EOF
repositories:
  bench: { location: "$WORK/cairn-repo", password: "env:CAIRN_BENCH_PW" }
  small: { location: "$WORK/cairn-small-repo", password: "env:CAIRN_BENCH_PW" }
assets:
  bench-db:
    repository: bench
    source: $(pg_source bench)
  small-db:
    repository: small
    source: $(pg_source bench_small)
EOF

META=$WORK/meta.tsv RESULTS=$WORK/results.tsv
: >"$RESULTS"
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
rev=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$REPO_ROOT" diff --quiet HEAD 2>/dev/null || rev="$rev (with uncommitted changes)"
meta "cairn" "git $rev"
meta "machine" "$(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
meta "PostgreSQL" "$("$PG_BIN/postgres" --version), fsync=off, 127.0.0.1; pg_dump $PG_BIN/pg_dump"
if [ -n "${WANT[cairn]:-}" ]; then   # the launcher may build or prepare its start-up cache: untimed, here
  log "warming up the cairn launcher"
  "$CAIRN" --version </dev/null >"$WORK/logs/cairn-version.log" 2>"$WORK/logs/cairn-version.err" \
    || die_log "cairn does not start" "$WORK/logs/cairn-version.err"
  meta "cairn version" "$(head -n 1 "$WORK/logs/cairn-version.log"); catalog off"
fi
[ -n "${WANT[restic]:-}" ] && meta "restic" "$("$RESTIC" version | head -n 1)"
[ -n "${WANT[borg]:-}" ] && meta "borg" "$("$BORG" --version | head -n 1), init -e $BORG_ENCRYPTION, create --compression lz4"
meta "scale" "$SCALE ($(sql -d bench -Atc "select count(*) from pgbench_accounts") accounts, database $(sql -d bench -Atc "select pg_database_size('bench')") bytes)"
log "measuring the dump size (untimed; also warms the page cache)"
DUMP_BYTES=$("${DUMP[@]}" -d bench | wc -c) || die "pg_dump of bench failed"
meta "dump size" "$DUMP_BYTES"
meta "repeat" "$REPEAT"

init_repos() {   # fresh repositories and caches for every tool but pg_dump
  local t
  rm -rf "$WORK/cache" "$WORK/borg-home" "$WORK/xdg"
  for t in "${TOOLS[@]:1}"; do
    rm -rf "${WORK:?}/$t-repo"
    case $t in
      cairn) CAIRN_PASSWORD=bench "$CAIRN" init --repo "$WORK/cairn-repo" ;;
      restic) "$RESTIC" -r "$WORK/restic-repo" init ;;
      borg) "$BORG" init -e "$BORG_ENCRYPTION" "$WORK/borg-repo" ;;
    esac </dev/null >"$WORK/logs/init-$t.log" 2>&1 || { log "$t init failed"; tail -n 15 "$WORK/logs/init-$t.log" >&2; BROKEN[$t]=1; }
  done
}

# timed LOG CMD... : runs CMD under GNU time; sets T_WALL T_CPU T_RSS (KB) T_RC
timed() {
  local logf=$1 wall user sys rss; shift
  /usr/bin/time -f '%e %U %S %M' -o "$logf.time" "$@" </dev/null >"$logf" 2>&1
  T_RC=$?
  read -r wall user sys rss < <(tail -n 1 "$logf.time")
  T_WALL=${wall:-nan} T_RSS=${rss:-0}
  T_CPU=$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN {printf "%.2f", u + s}')
}

# capture STEP REP TOOL DB : one timed capture; a line in results.tsv
capture() {
  local step=$1 rep=$2 t=$3 db=$4 logf=$WORK/logs/$1-$2-$3.log repo=$WORK/$3-repo asset=bench-db
  [ "$db" = bench_small ] && repo=$WORK/cairn-small-repo asset=small-db
  local before=- after=- added=- mb=- status=ok
  [ "$t" = pgdump ] || before=$(du -sb "$repo" | cut -f1)
  case $t in
    pgdump) timed "$logf" bash -c '"$@" >/dev/null' pgdump "${DUMP[@]}" -d "$db" ;;
    cairn) timed "$logf" "$CAIRN" capture "$asset" ;;
    restic) timed "$logf" bash -c 'set -o pipefail; "${@:3}" | "$1" -r "$2" backup --stdin --stdin-filename bench.dump' \
              restic "$RESTIC" "$repo" "${DUMP[@]}" -d "$db" ;;
    borg) timed "$logf" bash -c 'set -o pipefail; "${@:4}" | "$1" create --compression lz4 --stdin-name bench.dump "$2::$3" -' \
            borg "$BORG" "$repo" "$step-$rep" "${DUMP[@]}" -d "$db" ;;
  esac
  # borg: exit code 1 is a warning
  if [ "$T_RC" != 0 ] && ! { [ "$t" = borg ] && [ "$T_RC" = 1 ]; }; then
    status="exit $T_RC"; BROKEN[$t]=1
    log "  $step $t FAILED ($status), last lines of $logf:"; tail -n 15 "$logf" | sed 's/^/    /' >&2
    [ "$t" = pgdump ] && die "pg_dump alone failed: the server or the setup is broken"
  fi
  if [ "$t" != pgdump ]; then
    after=$(du -sb "$repo" | cut -f1) mb=$(du -sm "$repo" | cut -f1); added=$((after - before))
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$step" "$rep" "$t" "$T_WALL" "$T_CPU" "$T_RSS" "$status" "$mb" "$after" \
    "$added" >>"$RESULTS"
  log "  $step #$rep $t: ${T_WALL}s wall, ${T_CPU}s cpu, $((T_RSS / 1024)) MB rss$([ "$mb" = - ] || echo ", repo $mb MB, +$added bytes")"
}

run_step() {   # STEP REP DB TOOL... : the tools round robin, the first one rotated per repetition
  local step=$1 rep=$2 db=$3 i t; shift 3
  local list=("$@")
  for ((i = 0; i < ${#list[@]}; i++)); do
    t=${list[$(( (i + rep - 1) % ${#list[@]} ))]}
    if [ -n "${BROKEN[$t]:-}" ]; then printf '%s\t%s\t%s\tnan\tnan\tnan\tskipped\t-\t-\t-\n' "$step" "$rep" "$t" >>"$RESULTS"
    else capture "$step" "$rep" "$t" "$db"; fi
  done
}

# ------------------------------------------------------------------ the runs
for rep in $(seq 1 "$REPEAT"); do
  log "initial capture, repetition $rep/$REPEAT (fresh repositories)"
  BROKEN=(); init_repos; run_step initial "$rep" bench "${TOOLS[@]}"
done
for rep in $(seq 1 "$REPEAT"); do
  log "unchanged capture, repetition $rep/$REPEAT"; run_step unchanged "$rep" bench "${TOOLS[@]}"
done
log "inserting 1% more rows into pgbench_accounts"
sql -d bench -c "insert into pgbench_accounts select aid + (select max(aid) from pgbench_accounts), bid, abalance, filler
  from pgbench_accounts where aid <= (select count(*)/100 from pgbench_accounts)" -c "vacuum pgbench_accounts" -c checkpoint \
  >"$WORK/logs/insert.log" 2>&1 || die_log "the insert failed" "$WORK/logs/insert.log"
run_step rows 1 bench "${TOOLS[@]}"
if [ "$SCALE_SMALL" -gt 0 ] && [ -n "${WANT[cairn]:-}" ]; then
  log "scale $SCALE_SMALL database, cairn into a fresh repository"
  rm -rf "$WORK/cairn-small-repo"
  CAIRN_PASSWORD=bench "$CAIRN" init --repo "$WORK/cairn-small-repo" </dev/null >"$WORK/logs/init-small.log" 2>&1 \
    || { log "cairn init of the small repository failed"; BROKEN[cairn]=1; }
  meta "small dump size" "$("${DUMP[@]}" -d bench_small | wc -c)"
  meta "scale small" "$SCALE_SMALL"
  run_step small 1 bench_small pgdump cairn
fi

# ------------------------------------------------------------------ report
report() {
python3 - "$RESULTS" "$META" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
meta = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[2]) if "\t" in l]
M = dict(meta)
R = {}
for step, rep, tool, wall, cpu, rss, status, mb, size, added in rows:
    R.setdefault((step, tool), []).append(dict(wall=wall, cpu=cpu, rss=rss, status=status, mb=mb, size=size, added=added))
def vals(step, tool, key):
    out = []
    for r in R.get((step, tool), []):
        try:
            if r["status"] == "ok": out.append(float(r[key]))
        except ValueError: pass
    return out
def med(step, tool, key):
    v = vals(step, tool, key); return statistics.median(v) if v else None
def f(v, nd=2): return "–" if v is None else "%.*f" % (nd, v)
def ratio(a, b): return None if a is None or not b else a / b
def each(step, tool, key):
    v = vals(step, tool, key); s = f(med(step, tool, key))
    return s + (" (" + ", ".join(f(x) for x in v) + ")" if len(v) > 1 else "")
def status(step, tool):
    bad = [r["status"] for r in R.get((step, tool), []) if r["status"] != "ok"]
    return " (%s)" % bad[0] if bad else ""
tools = [t for t in ("pgdump", "cairn", "restic", "borg") if any(k[1] == t for k in R)]
steps = [("initial", "initial capture, fresh repository"), ("unchanged", "unchanged database, captured again"),
         ("rows", "after +1% rows in pgbench_accounts"), ("small", "scale %s database" % M.get("scale small", "?"))]
dump = int(M["dump size"])
w = print
w("# PostgreSQL capture: pg_dump alone vs cairn vs restic vs borg\n")
w("| | |\n|---|---|")
for k, v in meta:
    if k in ("repeat", "scale small", "small dump size"): continue
    if k == "dump size": v = "%d bytes (%.1f MiB), `pg_dump -Fc -Z0`" % (dump, dump / 2**20)
    w("| %s | %s |" % (k, v.replace("|", "\\|")))
w("| repetitions | %s (initial and unchanged; the +1%% rows and small steps run once) |\n" % M["repeat"])
w("## Time and memory\n")
w("Wall and CPU: median, then each repetition. `÷ pg_dump` = the tool's wall / pg_dump alone in the same step; "
  "`cairn ÷` = cairn's wall / this tool's (below 1: cairn is faster). Peak RSS: the largest over repetitions.\n")
w("| step | tool | wall s | CPU s | peak RSS MB | ÷ pg_dump | cairn ÷ |")
w("|---|---|---:|---:|---:|---:|---:|")
for step, title in steps:
    for t in tools:
        if (step, t) not in R: continue
        rss = vals(step, t, "rss"); pg = med(step, "pgdump", "wall"); me = med(step, t, "wall")
        w("| %s | %s%s | %s | %s | %s | %s | %s |" % (title, t, status(step, t), each(step, t, "wall"), each(step, t, "cpu"),
          f(max(rss) / 1024 if rss else None, 0), "–" if t == "pgdump" else f(ratio(me, pg)),
          f(ratio(med(step, "cairn", "wall"), me)) if t in ("restic", "borg") else "–"))
w("\nCPU s is user + sys of the command and the children it waited for (pg_dump too), never the PostgreSQL server's. "
  "restic and borg run as `bash -c 'pg_dump ... | TOOL ...'` under GNU time, so their peak RSS is the largest single "
  "process of the pipeline (GNU time reports the maximum over the children, not their sum); likewise cairn's covers the "
  "JVM and the pg_dump it starts. The page cache is warm (the database is read once before the first step).\n")
w("## Storage and deduplication\n")
w("Added: `du -sb` of the repository after minus before a capture, in % of the repository after the first capture (of "
  "the last initial repetition, the one the later captures go to). Unchanged: median, then each repetition.\n")
w("| tool | repo after first capture MB (du -sm) | ÷ dump size (du -sb) | unchanged re-capture adds | after +1% rows adds |")
w("|---|---:|---:|---:|---:|")
def base(t):
    s = vals("initial", t, "size"); return s[-1] if s else None
def pct(step, t):
    b = base(t); v = [100 * a / b for a in vals(step, t, "added")] if b else []
    if not v: return None, "–"
    s = "%.2f%%" % statistics.median(v)
    return max(v), s + (" (" + ", ".join("%.2f%%" % x for x in v) + ")" if len(v) > 1 else "")
for t in tools[1:]:
    w("| %s | %s | %s | %s | %s |" % (t, f(med("initial", t, "mb"), 0), f(ratio(med("initial", t, "size"), dump), 3),
      pct("unchanged", t)[1], pct("rows", t)[1]))
if ("small", "cairn") in R:
    w("\n## Peak memory of cairn by database size\n")
    w("| database | dump MiB | cairn peak RSS MB |\n|---|---:|---:|")
    for step, scale, size in (("small", M["scale small"], int(M["small dump size"])), ("initial", M["scale"].split()[0], dump)):
        rss = vals(step, "cairn", "rss")
        w("| pgbench scale %s | %.0f | %s |" % (scale, size / 2**20, f(max(rss) / 1024 if rss else None, 0)))
w("\n## Targets\n")
w("| target | measured | met |\n|---|---|---|")
def verdict(ok): return "–" if ok is None else ("yes" if ok else "**no**")
r = ratio(med("initial", "cairn", "wall"), med("initial", "pgdump", "wall"))
w("| cairn adds ≤ 15%% to pg_dump's wall time (initial) | %s | %s |" % ("–" if r is None else "%+.1f%%" % (100 * r - 100), verdict(None if r is None else r <= 1.15)))
for o in ("restic", "borg"):
    rs = [(s, ratio(med(s, "cairn", "wall"), med(s, o, "wall"))) for s in ("initial", "unchanged", "rows")]
    rs = [(s, x) for s, x in rs if x is not None]
    w("| cairn at least as fast as %s (cairn ÷ %s, every step) | %s | %s |" % (o, o, ", ".join("%s %.2f" % p for p in rs) or "–",
      verdict(all(x <= 1 for _, x in rs) if rs else None)))
    a, b = med("initial", "cairn", "size"), med("initial", o, "size")
    w("| cairn stores no more than %s (first capture) | %s | %s |" % (o, "–" if not (a and b) else "%.1f vs %.1f MiB" % (a / 2**20, b / 2**20),
      verdict(a <= b if a and b else None)))
for step, limit, what in (("unchanged", 1, "unchanged re-capture adds < 1% of the first"), ("rows", 5, "after +1% rows adds < 5% of the first")):
    worst, s = pct(step, "cairn")
    w("| cairn: %s | %s | %s |" % (what, s, verdict(None if worst is None else worst < limit)))
PY
}
if [ -n "$OUT" ]; then mkdir -p "$(dirname "$OUT")"; report | tee "$OUT"; else report; fi
log "done"
exit 0
