#!/usr/bin/env bash
# Obol beside the raw SQL floor, on one Debian PostgreSQL server with the same settings (durable commit).
#
#   bench/side-by-side.sh [--seconds 20] [--runs 1] [--accounts 10000] [--concurrency 64] [--obol-jar app/target/obol.jar]
#                         [--service-warmup-seconds 30]
#
# Starts a private Debian PostgreSQL (installs it with apt-get when missing), runs the floor with pgbench (uniform over
# 100,000 wallets: one statement per transaction; hot: BEGIN; UPDATE; INSERT; END on wallet 1), then Obol
# (app/target/obol.jar) on a database of the same server with obol-bench (CheckAndDebit uniform over --accounts, all on
# one account, and Check), and prints one table with the ratios. Each pgbench run starts from a truncated
# ledger_entry after VACUUM ANALYZE and CHECKPOINT. Needs the jars: `mvn -B -ntp -q -DskipTests package`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
runs=1
accounts=10000
concurrency=64
obol_jar=app/target/obol.jar
# A running service is warm: on this 2-core machine the JIT compiles for about the first 40 s of load (C2 threads
# busy, throughput still rising), so before the measured runs each Obol workload runs this long / 3, unmeasured.
service_warmup=30
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --accounts) accounts=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --obol-jar) obol_jar=$2; shift 2 ;;
    --service-warmup-seconds) service_warmup=$2; shift 2 ;;  # another build of the service, to compare two builds on one machine
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

for jar in "$obol_jar" bench/target/obol-bench.jar; do
  [ -f "$jar" ] || { echo "$jar missing: run mvn -B -ntp -q -DskipTests package first" >&2; exit 1; }
done
if ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d /tmp/obol-side-by-side.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown postgres: "$work"
pg_port=$(free_port)
obol_pid=
cleanup() {
  [ -n "$obol_pid" ] && kill "$obol_pid" 2>/dev/null && wait "$obol_pid" 2>/dev/null || true
  as_postgres "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_postgres "$bin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
# Durable: fsync and synchronous_commit stay on (PostgreSQL's defaults); enough connections for 64 callers and Obol.
as_postgres "$bin/pg_ctl" -D "$work/data" -l "$work/postgres.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" \
  start >/dev/null
psql_() { as_postgres "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
psql_ -c "CREATE DATABASE floor" -c "CREATE DATABASE obol"
psql_ -d floor <<'SQL'
CREATE TABLE wallet (id bigint PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
CREATE TABLE ledger_entry (id bigserial PRIMARY KEY, wallet_id bigint, amount bigint, idem_key text UNIQUE,
                           created_at timestamptz DEFAULT now());
INSERT INTO wallet SELECT g, 1000000000000 FROM generate_series(1, 100000) g;
SQL
cat >"$work/uniform.sql" <<'SQL'
\set random_id random(1, 100000)
WITH d AS (UPDATE wallet SET balance = balance - 5 WHERE id = :random_id AND balance >= 5 RETURNING id, balance)
INSERT INTO ledger_entry (wallet_id, amount, idem_key) SELECT d.id, -5, gen_random_uuid()::text FROM d RETURNING (SELECT balance FROM d);
SQL
cat >"$work/hot.sql" <<'SQL'
BEGIN;
UPDATE wallet SET balance = balance - 5 WHERE id = 1 AND balance >= 5 RETURNING balance;
INSERT INTO ledger_entry (wallet_id, amount, idem_key) VALUES (1, -5, gen_random_uuid()::text);
END;
SQL
chmod 644 "$work"/*.sql

# pgbench: prints "tx_per_s p99_ms" from its per-transaction log (latency in microseconds, third column).
floor_run() {
  local script=$1
  psql_ -d floor -c "TRUNCATE ledger_entry" -c "VACUUM ANALYZE" -c "CHECKPOINT"
  rm -f "$work"/pgbench_log.*
  local out
  out=$(cd "$work" && as_postgres "$bin/pgbench" -n -M prepared -c "$concurrency" -j 2 -T "$seconds" \
    -h 127.0.0.1 -p "$pg_port" -U postgres -l --log-prefix="$work/pgbench_log" -f "$work/$script" floor 2>&1)
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -n 1)
  local p99
  p99=$(cat "$work"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.1f", a[i]/1000}')
  printf '%.0f %s\n' "$tps" "$p99"
}

admin_key="side-by-side-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
grpc_port=$(free_port)
http_port=$(free_port)
OBOL_DATABASE_URL="jdbc:postgresql://127.0.0.1:$pg_port/obol" OBOL_DATABASE_USER=postgres \
  OBOL_BOOTSTRAP_ADMIN_KEY="$admin_key" OBOL_GRPC_PORT=$grpc_port OBOL_HTTP_PORT=$http_port \
  OBOL_DATA_DIR="$work/obol-data" OBOL_DEMO_SEED=false \
  java -jar "$obol_jar" >"$work/obol.log" 2>&1 &
obol_pid=$!
# Ready when the start log's last line is out ("Obol ready in N ms: …", StartupSummary): gRPC is SERVING by then.
ready_ms=
for _ in $(seq 1 120); do
  ready_ms=$(sed -n 's/.*Obol ready in \([0-9]*\) ms.*/\1/p' "$work/obol.log" | head -n 1)
  [ -n "$ready_ms" ] && break
  kill -0 "$obol_pid" 2>/dev/null || { cat "$work/obol.log" >&2; exit 1; }
  sleep 0.25
done
[ -n "$ready_ms" ] || { echo "Obol did not become ready in 30 s" >&2; cat "$work/obol.log" >&2; exit 1; }

# obol-bench --json: its last line is {"throughput_per_s":…,"p99_ms":…,…}; prints "per_s p99_ms errors".
obol_run() {
  local line
  line=$(java -jar bench/target/obol-bench.jar --target "127.0.0.1:$grpc_port" --api-key "$admin_key" \
    --concurrency "$concurrency" --seconds "$seconds" --warmup-seconds 5 --json "$@" | tee /dev/stderr | tail -n 1)
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("%.0f %.1f %d" % (r["throughput_per_s"], r["p99_ms"], r["errors"]))' "$line"
}

median_spread() { # "v1 v2 …" → "median (min–max)"; throughputs as integers
  python3 -c 'import sys,statistics; v=sorted(float(x) for x in sys.argv[1:]); print("%.0f (%.0f–%.0f)" % (statistics.median(v), v[0], v[-1]) if len(v)>1 else "%.0f" % v[0])' "$@"
}
median_spread_ms() { # the same for latencies, one decimal
  python3 -c 'import sys,statistics; v=sorted(float(x) for x in sys.argv[1:]); print("%.1f (%.1f–%.1f)" % (statistics.median(v), v[0], v[-1]) if len(v)>1 else "%.1f" % v[0])' "$@"
}

if [ "$service_warmup" -gt 0 ]; then
  echo "warming the service up: ${service_warmup} s of its three workloads, unmeasured" >&2
  third=$(( (service_warmup + 2) / 3 ))
  for args in "--mode debit --accounts $accounts" "--mode debit --accounts 1" "--mode check --accounts $accounts"; do
    # shellcheck disable=SC2086
    java -jar bench/target/obol-bench.jar --target "127.0.0.1:$grpc_port" --api-key "$admin_key" \
      --concurrency "$concurrency" --seconds "$third" --warmup-seconds 1 $args >/dev/null
  done
fi

declare -A tput p99
errors=
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq 1 "$runs"); do
  echo "run $run of $runs: floor uniform, floor hot, Obol uniform, Obol hot, Obol check (${seconds} s each)" >&2
  read -r t p <<<"$(floor_run uniform.sql)"; tput[fu]+="$t "; p99[fu]+="$p "
  read -r t p <<<"$(floor_run hot.sql)"; tput[fh]+="$t "; p99[fh]+="$p "
  read -r t p e <<<"$(obol_run --mode debit --accounts "$accounts")"; tput[ou]+="$t "; p99[ou]+="$p "; errors+="$e "
  read -r t p e <<<"$(obol_run --mode debit --accounts 1)"; tput[oh]+="$t "; p99[oh]+="$p "; errors+="$e "
  read -r t p e <<<"$(obol_run --mode check --accounts "$accounts")"; tput[oc]+="$t "; p99[oc]+="$p "; errors+="$e "
done

# The service's peak resident memory so far (VmHWM), MiB.
peak_rss_mib() { awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$obol_pid/status"; }

ratio() { python3 -c 'import sys,statistics; a=statistics.median(float(x) for x in sys.argv[1].split()); b=statistics.median(float(x) for x in sys.argv[2].split()); print("%.2f×" % (a/b))' "$1" "$2"; }
echo
echo "$(date -u +%Y-%m-%d) build $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+changes');" \
  "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') (fsync, synchronous_commit on); $(nproc) cores;" \
  "load before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg);" \
  "Obol ready in ${ready_ms} ms, peak RSS $(peak_rss_mib) MiB; errors: ${errors% }"
echo
echo "| workload ($concurrency callers, ${seconds} s, $runs run(s) after ${service_warmup} s of service warm-up; median (min–max)) | floor tx/s | floor p99 ms | Obol /s | Obol p99 ms | ratio | goal |"
echo "|---|---|---|---|---|---|---|"
# shellcheck disable=SC2086
echo "| CheckAndDebit uniform ($accounts accounts) | $(median_spread ${tput[fu]}) | $(median_spread_ms ${p99[fu]}) | $(median_spread ${tput[ou]}) | $(median_spread_ms ${p99[ou]}) | $(ratio "${tput[ou]}" "${tput[fu]}") | ≥ 1.0×, p99 ≤ 20 |"
# shellcheck disable=SC2086
echo "| CheckAndDebit, one account | $(median_spread ${tput[fh]}) | $(median_spread_ms ${p99[fh]}) | $(median_spread ${tput[oh]}) | $(median_spread_ms ${p99[oh]}) | $(ratio "${tput[oh]}" "${tput[fh]}") | ≥ 5×, p99 ≤ 20 |"
# shellcheck disable=SC2086
echo "| Check (read-only, $accounts accounts) vs uniform floor | $(median_spread ${tput[fu]}) | $(median_spread_ms ${p99[fu]}) | $(median_spread ${tput[oc]}) | $(median_spread_ms ${p99[oc]}) | $(ratio "${tput[oc]}" "${tput[fu]}") | ≥ 2× |"
