#!/usr/bin/env bash
# Where an idle daemon's CPU goes: starts `bin/multimaster run` on a scratch SQLite database (HTTP on
# a free loopback port unless the options say otherwise), waits WARMUP seconds, then prints the CPU
# each of its threads used over the next SECONDS, in milliseconds per minute, from the scheduler's
# own account (/proc/PID/task/TID/schedstat, nanoseconds; the tick-based utime would round a thread
# that wakes for 100 µs to 0 or 10 ms). Threads started during the window are marked "(new)"; a
# thread that ended during it is not counted.
# Usage: multimaster-bench/idle-threads.sh SECONDS WARMUP [run options...] [-- java options...]
#   e.g. idle-threads.sh 300 20 -- -XX:+UsePerfData     (the JVM options go in MULTIMASTER_JAVA_OPTS)
# Linux only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:?usage: idle-threads.sh SECONDS WARMUP [run options...] [-- java options...]}
warmup=${2:?usage: idle-threads.sh SECONDS WARMUP [run options...] [-- java options...]}
shift 2
case "$seconds$warmup" in
  *[!0-9]*) echo "idle-threads.sh: SECONDS and WARMUP are whole seconds, e.g. idle-threads.sh 300 20" >&2; exit 2 ;;
esac
options=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
[ $# -gt 0 ] && shift
case " ${options[*]-} " in
  *" --http "* | *" --no-http "*) ;;
  *) options+=(--http 127.0.0.1:0) ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/multimaster-idle.XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

MULTIMASTER_JAVA_OPTS="$*" "$root/bin/multimaster" run --db "sqlite:///$work/idle.sqlite" --name idle "${options[@]}" \
  >/dev/null 2>"$work/daemon.log" &
pid=$! # bin/multimaster execs the JVM
sleep "$warmup"
kill -0 "$pid" 2>/dev/null || { cat "$work/daemon.log" >&2; exit 1; }

# One line per thread: id, nanoseconds on a CPU, name (spaces made underscores).
snapshot() {
  local task ns rest comm
  for task in /proc/"$pid"/task/*; do
    read -r ns rest <"$task/schedstat" || continue
    read -r comm <"$task/comm" || continue
    echo "${task##*/} $ns ${comm// /_}"
  done | sort
}
snapshot >"$work/before"
sleep "$seconds"
snapshot >"$work/after"
kill -TERM "$pid"; wait "$pid" || true
pid=""

echo "# bin/multimaster run ${options[*]}${*:+ with MULTIMASTER_JAVA_OPTS=$*}: CPU per minute over $seconds s, after $warmup s"
join -a 2 "$work/before" "$work/after" | awk -v seconds="$seconds" '
  NF == 5 { used = $4 - $2; name = $3 }
  NF == 3 { used = $2; name = $3 " (new)" }
  { total += used; if (used > 0) printf "%9.1f ms/min  %s\n", used / 1e6 / seconds * 60, name }
  END { printf "%9.1f ms/min  all threads\n", total / 1e6 / seconds * 60 }' | sort -rn
