#!/usr/bin/env bash
# make load: build Release, start a FRESH embedded server (free loopback port, temp data dir, raised limits),
# run a short cloudy-load scenario against it, write JSON/Markdown/PNG, stop the server by its PID.
#
#   tests/Cloudy.LoadTest/run-load.sh [OUT_DIR] [extra cloudy-load options...]
#   LOAD_SCENARIO=steady|ramp|connections|offline-burst  (default steady)
#   LOAD_DURATION=10  LOAD_RATE=200  LOAD_DEVICES=100   (steady defaults: short, and within what one embedded node sustains here)
#
# The limits are raised ONLY for this throw-away server, through ordinary configuration (env vars):
# the per-address registration/login limits and the per-sender send limit would otherwise stop the
# generator, which registers every virtual device from this one machine. Nothing in the server changes.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$ROOT/.cache/load}
[[ $# -gt 0 ]] && shift
SCENARIO=${LOAD_SCENARIO:-steady}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$ROOT"
mkdir -p "$OUT"

echo "building (Release) ..." >&2
dotnet build services/Cloudy.Embedded/Cloudy.Embedded.csproj -c Release -nologo -v q >&2
dotnet build tests/Cloudy.LoadTest/Cloudy.LoadTest.csproj -c Release -nologo -v q >&2

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
DATA=$(mktemp -d "${TMPDIR:-/tmp}/cloudy-load.XXXXXX")
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

BIG=100000000
Cloudy__DataDir="$DATA" \
Edge__RateLimits__PerClient__Permits=$BIG \
Edge__RateLimits__PerAccount__Permits=$BIG \
Edge__RateLimits__Registration__Permits=$BIG \
Edge__RateLimits__Login__Permits=$BIG \
Delivery__SendRatePermits=$BIG \
Delivery__MailboxCapacity="${LOAD_MAILBOX_CAPACITY:-5000}" \
Logging__LogLevel__Default=Warning \
ASPNETCORE_URLS= \
  dotnet exec "services/Cloudy.Embedded/bin/Release/net10.0/Cloudy.Embedded.dll" --urls "http://127.0.0.1:$PORT" \
  >"$OUT/server-$SCENARIO.log" 2>&1 &
SERVER_PID=$!
echo "embedded server pid $SERVER_PID on 127.0.0.1:$PORT (data $DATA, log $OUT/server-$SCENARIO.log)" >&2

for _ in $(seq 1 600); do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited early:" >&2; cat "$OUT/server-$SCENARIO.log" >&2; exit 1; }
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null

ARGS=("$SCENARIO" --url "http://127.0.0.1:$PORT" --server-pid "$SERVER_PID" --out "$OUT")
if [[ $SCENARIO == steady ]]; then
  ARGS+=(--duration "${LOAD_DURATION:-10}" --rate "${LOAD_RATE:-200}" --devices "${LOAD_DEVICES:-100}")
fi
dotnet exec tests/Cloudy.LoadTest/bin/Release/net10.0/cloudy-load.dll "${ARGS[@]}" "$@"
