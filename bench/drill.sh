#!/usr/bin/env bash
# bench/drill.sh - a drill of a pgbench database's logical point, phase by phase, against the floor:
# createdb plus pg_restore from a dump file already on local disk (with -j 2, and as one stream).
#
# Usage: bench/drill.sh [--scale N] [--repeat N] [--out FILE]
#   --scale N    pgbench scale of the database 'bench' (default 50: a 489 MiB dump)
#   --repeat N   run each timed step N times, alternating (default 3)
#   --out FILE   also write the markdown report to FILE
# Environment: CAIRN (launcher, default <repo>/cairn), PG_BIN (default: the newest /usr/lib/postgresql/*/bin).
# Needs root (the throwaway server and the sandbox run as user postgres), PostgreSQL with pgbench, python3.
#
# In a fresh work folder under /var/tmp (removed at the end): a server on a free port (fsync off), pgbench -i,
# one 'cairn capture bench-db'; the dump written once to a file (pg_dump -Fc -Z0, untimed). Then, --repeat
# times, alternating:
#   floor-j2      createdb r; pg_restore -j 2 -d r FILE            (into the running server; dropped after)
#   floor-stream  createdb r; pg_restore -d r < FILE
#   cairn drill   cairn drill bench-db --json: initdb and start a sandbox server, stream or write the dump,
#                 pg_restore, the check, teardown; its phases from the evidence record
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
CAIRN=${CAIRN:-$SCRIPT_DIR/../cairn}
SCALE=50 REPEAT=3 OUT=
while [ $# -gt 0 ]; do
  case $1 in
    --scale) SCALE=$2; shift 2 ;; --repeat) REPEAT=$2; shift 2 ;; --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "drill.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "drill.sh: run as root" >&2; exit 2; }
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
W=$(mktemp -d /var/tmp/cairn-drill-bench.XXXXXX); chmod 711 "$W"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
cleanup() { as_pg "$PG_BIN/pg_ctl" -D "$W/pg" -m immediate stop >/dev/null 2>&1; rm -rf "$W"; }
trap cleanup EXIT INT TERM
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
install -d -o postgres "$W/pg" "$W/sock"
as_pg "$PG_BIN/initdb" -D "$W/pg" -U cairn --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$W/pg" -l "$W/sock/pg.log" -w -o "-p $PORT -k $W/sock -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
C=(-h 127.0.0.1 -p "$PORT" -U cairn)
"$PG_BIN/createdb" "${C[@]}" bench && "$PG_BIN/pgbench" "${C[@]}" -i -s "$SCALE" -q bench >/dev/null 2>&1
"$PG_BIN/pg_dump" "${C[@]}" -Fc -Z0 -f "$W/bench.dump" bench
SIZE=$(stat -c %s "$W/bench.dump")
printf 'pw\n' > "$W/pw"
cat > "$W/cairn.yaml" <<YAML
repositories:
  local: { location: $W/repo, password: "file:$W/pw", role: primary }
assets:
  bench-db:
    class: critical
    source: { type: postgres, host: 127.0.0.1, port: $PORT, user: cairn, databases: [bench] }
    checks:
      - sql: "select count(*) from pgbench_accounts"
        expect: "$((SCALE * 100000))"
YAML
export CAIRN_CONFIG=$W/cairn.yaml CAIRN_PASSWORD_FILE=$W/pw CAIRN_SANDBOX_DIR=$W/sandboxes
"$CAIRN" init --repo "$W/repo" -q >/dev/null && "$CAIRN" capture bench-db -q >/dev/null || { echo "capture failed" >&2; exit 1; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }
now() { date +%s.%N; }
declare -a J2 ST DR PH
for i in $(seq 1 "$REPEAT"); do
  t0=$(now); "$PG_BIN/createdb" "${C[@]}" r && "$PG_BIN/pg_restore" "${C[@]}" -j 2 -d r "$W/bench.dump"; t1=$(now)
  J2+=("$(python3 -c "print($t1-$t0)")"); "$PG_BIN/dropdb" "${C[@]}" r
  t0=$(now); "$PG_BIN/createdb" "${C[@]}" r && "$PG_BIN/pg_restore" "${C[@]}" -d r < "$W/bench.dump"; t1=$(now)
  ST+=("$(python3 -c "print($t1-$t0)")"); "$PG_BIN/dropdb" "${C[@]}" r
  t0=$(now); "$CAIRN" drill bench-db --json > "$W/drill.json" || { echo "drill failed: $(tail -c 600 "$W/drill.json")" >&2; exit 1; }; t1=$(now)
  DR+=("$(python3 -c "print($t1-$t0)")")
  PH+=("$(python3 - "$W/drill.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["evidence"]
span = {}
for p in r["phases"]:
    s = p["start"]; span.setdefault(p["name"], []).append(p["millis"])
print(", ".join(f"{k} {max(v)/1000:.2f}" for k, v in span.items()), f"(record {(__import__('datetime').datetime.fromisoformat(r['finished'].replace('Z','+00:00')) - __import__('datetime').datetime.fromisoformat(r['started'].replace('Z','+00:00'))).total_seconds():.2f})")
PY
)")
done
{
  echo "Dump: $SIZE bytes (scale $SCALE), $REPEAT repetitions, alternating; wall seconds."
  echo
  echo "| run | floor: createdb + pg_restore -j 2 | floor: createdb + pg_restore (one stream) | cairn drill (whole command) | drill / floor -j 2 | drill phases (s) |"
  echo "|---|---|---|---|---|---|"
  for i in $(seq 0 $((REPEAT - 1))); do
    echo "| $((i + 1)) | $(secs "${J2[$i]}") | $(secs "${ST[$i]}") | $(secs "${DR[$i]}") | $(python3 -c "print(f'{${DR[$i]}/${J2[$i]}:.2f}x')") | ${PH[$i]} |"
  done
} | tee ${OUT:+"$OUT"}
