#!/usr/bin/env bash
# Measures multimaster's footprint on this machine and prints it as JSON (for Report --footprint):
#   - wall time of `java -version` alone (the JVM's start), for how fast the machine was during the run;
#   - wall and CPU time of `multimaster list` (hyperfine): plain `java -jar`, then bin/multimaster
#     without and with its AppCDS archive (C1 only and the serial collector in both);
#   - the daemon (`bin/multimaster run`, its default 64 MiB heap): start to first check-in, resident
#     memory after IDLE seconds (default 600), CPU per heartbeat (heartbeat 1 s, over 60 s), and the
#     CPU of the idle daemon as it runs by default (heartbeat 60 s, HTTP on), per minute, from 10 s
#     after its start to the end of the IDLE seconds.
# Usage: multimaster-bench/footprint.sh [IDLE_SECONDS] > footprint.json
# Needs hyperfine (Debian package) and Python 3 (for the JSON). Uses scratch SQLite files only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
idle=${1:-600}
mm="$root/bin/multimaster"
jar="$root/multimaster-server/target/multimaster.jar"
work=$(mktemp -d "${TMPDIR:-/tmp}/multimaster-footprint.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

command -v hyperfine >/dev/null || { echo "footprint.sh: install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
"$mm" list --help >/dev/null # builds the jar and the class-data archive if needed

db="sqlite:///$work/list.sqlite"
"$mm" upgrade --db "$db" >/dev/null
for i in $(seq 1 20); do "$mm" find "footprint-$i" --db "$db" >/dev/null; done

# The JVM's start alone, with the options of a one-shot command: this VM's speed drifts by a third over
# minutes, and this tells how fast the machine was during this run.
hyperfine -N --warmup 3 --runs 20 --export-json "$work/jvm.json" \
  "java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version" >&2
hyperfine -N --warmup 3 --runs 20 --export-json "$work/plain.json" "java -jar $jar list --db $db" >&2
MULTIMASTER_CDS=off hyperfine -N --warmup 3 --runs 20 --export-json "$work/c1.json" "$mm list --db $db" >&2
hyperfine -N --warmup 3 --runs 20 --export-json "$work/cds.json" "$mm list --db $db" >&2

# Start to first check-in: from the launch until the log says the master started (it logs that
# right after its first check-in), five times.
starts=()
# Start 0 is not counted: the first daemon start after a build makes the daemons' class-data archive.
for i in 0 1 2 3 4 5; do
  rm -f "$work/start.sqlite"*
  # A log of its own per start: a shared one could still hold the previous start's line when
  # grep first reads it.
  log="$work/start-$i.log"
  t0=$(date +%s%N)
  "$mm" run --db "sqlite:///$work/start.sqlite" --name "start-$i" >/dev/null 2>"$log" &
  pid=$!
  until grep -q "started: heartbeat" "$log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  if [ "$i" -gt 0 ]; then starts+=($(( (t1 - t0) / 1000000 ))); fi
  kill -TERM "$pid"; wait "$pid" || true
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# bin/multimaster execs the JVM, so these pids are the JVMs'.
# CPU per heartbeat: heartbeat every second; count CPU from 10 s after the start, for 60 s.
# Two daemons run at once: only the idle one serves HTTP (on the default port), as a daemon does by default.
"$mm" run --db "sqlite:///$work/cpu.sqlite" --name cpu --heartbeat 1s --expire 5s --no-http >/dev/null 2>"$work/cpu.log" &
cpu_pid=$!; pids+=("$cpu_pid")
# Idle resident memory: the default heartbeat (60 s), measured after $idle seconds.
"$mm" run --db "sqlite:///$work/idle.sqlite" --name idle >/dev/null 2>"$work/idle.log" &
idle_pid=$!; pids+=("$idle_pid")
sleep 10
for pid in "$cpu_pid" "$idle_pid"; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/cpu.log" "$work/idle.log" >&2; exit 1; }
done
c0=$(cpu_ticks "$cpu_pid")
i0=$(cpu_ticks "$idle_pid"); t0=$(date +%s%N)
sleep 60
c1=$(cpu_ticks "$cpu_pid")
kill -TERM "$cpu_pid"; wait "$cpu_pid" || true
remaining=$(( idle - 70 ))
[ "$remaining" -gt 0 ] && sleep "$remaining"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$idle_pid/status")
i1=$(cpu_ticks "$idle_pid"); t1=$(date +%s%N)
checkins=$(/usr/bin/python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(\"select count(*) from masters where name='idle' and active=1 and last_active >= strftime('%s','now') - 120\").fetchone()[0])" "$work/idle.sqlite")
kill -TERM "$idle_pid"; wait "$idle_pid" || true

hz=$(getconf CLK_TCK)
python3 - "$work" "$idle" "$rss" "$c0" "$c1" "$i0" "$i1" "$(( (t1 - t0) / 1000000 ))" "$hz" "$checkins" "${starts[@]}" <<'EOF'
import json, statistics, sys
work, idle, rss, c0, c1, i0, i1, window, hz, checkins = sys.argv[1:11]
starts = [int(s) for s in sys.argv[11:]]
def variant(name, path):
    r = json.load(open(f"{work}/{path}"))["results"][0]
    return {"name": name, "command": r["command"], "meanSeconds": r["mean"], "stddevSeconds": r["stddev"],
            "medianSeconds": r["median"], "userSeconds": r["user"], "systemSeconds": r["system"],
            "runs": len(r["times"])}
load = open("/proc/loadavg").read().split()[:3]
print(json.dumps({
    "loadAverage": " ".join(load),
    "jvmStart": variant("java -version", "jvm.json"),
    "list": [variant("plain java -jar (before)", "plain.json"),
             variant("bin/multimaster, C1 + serial GC, no CDS", "c1.json"),
             variant("bin/multimaster, C1 + serial GC + AppCDS", "cds.json")],
    "daemon": {"options": "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData + the daemons' AppCDS archive",
               "starts": len(starts), "startToCheckInMillis": statistics.median(starts), "startMillis": starts,
               "idleSeconds": int(idle), "rssKiB": int(rss),
               "heartbeats": 60, "cpuMillisPerHeartbeat": (int(c1) - int(c0)) * 1000 / int(hz) / 60,
               "idleCpuSeconds": int(window) / 1000,
               "idleCpuMillisPerMinute": (int(i1) - int(i0)) * 1000 / int(hz) / (int(window) / 60000),
               "checkIns": int(checkins)},
}, indent=2))
EOF
