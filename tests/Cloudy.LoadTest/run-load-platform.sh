#!/usr/bin/env bash
# The multi-process mode under load: starts deploy/local/run-platform.sh (gateway, identity, key-directory,
# delivery, presence as processes; Kafka = librdkafka's mock cluster, a broker TEST DOUBLE; redis-server) on free
# ports with a temp data dir and raised limits, runs cloudy-load scenarios against the GATEWAY, sampling every
# process of the platform, then stops run-platform.sh by PID (it stops its children by PID).
#
#   tests/Cloudy.LoadTest/run-load-platform.sh [OUT_DIR] [SCENARIO...]      (default scenarios: steady)
#   LOAD_ARGS_<scenario> extra options, e.g. LOAD_ARGS_connections="--connections 2000"
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$ROOT/.cache/load/platform}
[[ $# -gt 0 ]] && shift
SCENARIOS=("${@:-steady}")
[[ ${#SCENARIOS[@]} -gt 0 ]] || SCENARIOS=(steady)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$ROOT"
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

dotnet build tests/Cloudy.LoadTest/Cloudy.LoadTest.csproj -c Release -nologo -v q >&2
DATA=$(mktemp -d "${TMPDIR:-/tmp}/cloudy-load-platform.XXXXXX")
GATEWAY=$(free_port)
BIG=100000000
PLATFORM_PID=""
rm -f "$OUT/platform.log" # a stale "ready" line from an earlier run must not count
cleanup() {
  if [[ -n "$PLATFORM_PID" ]] && kill -0 "$PLATFORM_PID" 2>/dev/null; then
    kill -TERM "$PLATFORM_PID" 2>/dev/null || true
    for _ in $(seq 1 250); do kill -0 "$PLATFORM_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

CLOUDY_CONFIGURATION=Release CLOUDY_DATA_DIR="$DATA" CLOUDY_GATEWAY_PORT=$GATEWAY \
CLOUDY_IDENTITY_PORT=$(free_port) CLOUDY_KEYDIRECTORY_PORT=$(free_port) CLOUDY_DELIVERY_PORT=$(free_port) CLOUDY_PRESENCE_PORT=$(free_port) \
Edge__RateLimits__PerClient__Permits=$BIG Edge__RateLimits__PerAccount__Permits=$BIG \
Edge__RateLimits__Registration__Permits=$BIG Edge__RateLimits__Login__Permits=$BIG \
Delivery__SendRatePermits=$BIG Logging__LogLevel__Default=Warning \
  deploy/local/run-platform.sh >"$OUT/platform.log" 2>&1 &
PLATFORM_PID=$!
for _ in $(seq 1 1800); do
  grep -qs "Cloudy platform ready" "$OUT/platform.log" && break
  kill -0 "$PLATFORM_PID" 2>/dev/null || { cat "$OUT/platform.log" >&2; exit 1; }
  sleep 0.2
done
grep -qs "Cloudy platform ready" "$OUT/platform.log" || { echo "platform not ready" >&2; exit 1; }

PIDS=()
for f in "$DATA"/run/*.pid; do PIDS+=(--server-pid "$(cat "$f")"); done
for scenario in "${SCENARIOS[@]}"; do
  var="LOAD_ARGS_${scenario//-/_}"
  # shellcheck disable=SC2086
  dotnet exec tests/Cloudy.LoadTest/bin/Release/net10.0/cloudy-load.dll "$scenario" --url "http://127.0.0.1:$GATEWAY" \
    "${PIDS[@]}" --out "$OUT" ${!var:-} || echo "scenario $scenario exited with $?" >&2
done
