#!/usr/bin/env bash
# What one page of the HTTP data API costs the daemon, apart from the database: `bin/multimaster serve`
# on a scratch SQLite file of 10,000 masters (1,000 active) answers REQUESTS requests for each of the
# two pages of the bench's listing scenario, over one kept-alive connection (curl, compact JSON), one
# after the other. Prints, per page, the wall time of a request (p50 and p90, as curl saw it), the
# server's CPU time per request (user and system of the serve process, from /proc, over the
# requests), and the CPU the idle server takes in as long a time, for scale.
# Run it several times: this VM's speed drifts from minute to minute.
# Usage: multimaster-bench/http-page.sh [REQUESTS] (default 3000). Needs curl and Python 3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
requests=${1:-3000}
if ! [[ "$requests" =~ ^[1-9][0-9]*$ ]]; then
  echo "http-page.sh: REQUESTS must be a positive whole number, not '$requests'; usage: $0 [REQUESTS]" >&2
  exit 2
fi
mm="$root/bin/multimaster"
work=$(mktemp -d "${TMPDIR:-/tmp}/multimaster-http-page.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/pages.sqlite"
"$mm" upgrade --db "sqlite:///$db" >/dev/null
python3 - "$db" <<'EOF'
import hashlib, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
now = int(time.time())
rows = []
for i in range(1, 10001):
    name = "page-%07d" % i
    active = i <= 1000
    rows.append((name, hashlib.sha1(name.encode()).hexdigest(), int(active), now - 60 if active else now - 30 * 86400))
c.executemany("INSERT INTO masters (name, name_hash, active, last_active) VALUES (?, ?, ?, ?)", rows)
c.commit()
EOF

# The watcher's poll is an hour, so that its reads of every master do not fall among the requests.
"$mm" serve --db "sqlite:///$db" --http 127.0.0.1:0 --poll 1h >"$work/serve.log" 2>&1 &
pid=$!
base=
for _ in $(seq 1 300); do
  base=$(sed -n 's|.*metrics on \(http://[^ ]*/\)$|\1|p' "$work/serve.log")
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "http-page.sh: serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# utime and stime, in clock ticks (the command name, field 2, holds no space: it is java).
cpu_ticks() { awk '{print $14, $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

for page in 'active=true&order=-last_active&limit=50' 'order=name&limit=50'; do
  url="${base}api/v2/masters?$page"
  args=()
  for _ in $(seq 1 "$requests"); do args+=(-o /dev/null "$url"); done
  # Warm-up: the JIT compiles the server's path, unrecorded.
  curl -s -H 'Accept: application/json' "${args[@]}"
  read -r user0 sys0 < <(cpu_ticks)
  start=$(date +%s%N)
  curl -s -H 'Accept: application/json' -w '%{time_total}\n' "${args[@]}" >"$work/times.txt"
  end=$(date +%s%N)
  read -r user1 sys1 < <(cpu_ticks)
  # As long again with no request: what the idle server burns meanwhile.
  sleep "$(python3 -c "print(($end - $start) / 1e9)")"
  read -r user2 sys2 < <(cpu_ticks)
  python3 - "$work/times.txt" "$page" "$hz" "$requests" "$((user1 - user0))" "$((sys1 - sys0))" \
    "$((user2 - user1 + sys2 - sys1))" <<'EOF'
import sys
times = sorted(float(line) * 1e6 for line in open(sys.argv[1]))
page, hz, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
user, system, idle = (int(v) / hz * 1e6 / n for v in sys.argv[5:8])
print("%-40s %d requests: wall p50 %4.0f us, p90 %4.0f us; server CPU per request: user %3.0f us,"
      " system %3.0f us; idle for as long: %2.0f us" % (
          page, n, times[len(times) // 2], times[int(len(times) * 0.9)], user, system, idle))
EOF
done
