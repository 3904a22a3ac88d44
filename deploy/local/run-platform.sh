#!/usr/bin/env bash
# Cloudy in multi-process mode on loopback (`make run-platform`):
#   Kafka mock cluster (librdkafka's broker TEST DOUBLE, tests/Cloudy.KafkaMock), a Redis-protocol store
#   (redis-server, or the garnet-server dotnet tool), identity / key-directory / delivery / presence as
#   separate processes with the Kafka bus adapter, and the YARP gateway in front on :8080.
# Everything started here is stopped (by PID) on Ctrl-C, TERM, or when any of the processes dies.
#
# Environment (all optional):
#   CLOUDY_CONFIGURATION   build configuration (Debug)
#   CLOUDY_NO_BUILD=1      skip the build (tests build beforehand)
#   CLOUDY_DATA_DIR        data directory (./.cloudy/platform); redis AOF, identity signing keys, logs
#   CLOUDY_GATEWAY_PORT    8080; CLOUDY_IDENTITY_PORT 5101, CLOUDY_KEYDIRECTORY_PORT 5102,
#   CLOUDY_DELIVERY_PORT 5103, CLOUDY_PRESENCE_PORT 5104; CLOUDY_STORE_PORT (a free port)
#   CLOUDY_STORE           redis | garnet (default: redis when redis-server is installed)
#   CLOUDY_READY_TIMEOUT   seconds each process may take to become ready (120)
#   CLOUDY_KAFKA_SESSION_TIMEOUT  consumer-group session timeout (00:00:06). The mock cluster waits this long
#                          after a member leaves before it assigns its partitions again; librdkafka's 45 s
#                          default would stall a restarted service's consumers for most of a minute.
#   CLOUDY_KAFKA_FETCH_WAIT  consumers' fetch.wait.max.ms (00:00:00.010). The mock cluster answers an empty fetch
#                          only after this whole wait, even when a record arrives meanwhile (a real broker answers
#                          at once), so it is a floor under every event's latency here; librdkafka's 500 ms default
#                          made ~280 ms of the platform's end-to-end latency.
#   CLOUDY_RESTART_SERVICES=1  restart identity / key-directory / delivery / presence when one exits (as
#                          Kubernetes restarts a pod) instead of stopping everything; the e2e tests stop a
#                          service by PID this way to prove a consumer restart loses and duplicates nothing.
# Each process's PID is kept in $CLOUDY_DATA_DIR/run/<name>.pid (rewritten on restart).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
config="${CLOUDY_CONFIGURATION:-Debug}"
data="$(mkdir -p "${CLOUDY_DATA_DIR:-$repo/.cloudy/platform}" && cd "${CLOUDY_DATA_DIR:-$repo/.cloudy/platform}" && pwd)"
logs="$data/logs"
run="$data/run"
mkdir -p "$logs" "$data/store" "$run"

pids=()
names=()
commands=()

log() { printf '[run-platform] %s\n' "$*" >&2; }

# Stops the processes of one tier (by PID, newest first): SIGTERM, up to 10 s grace, then SIGKILL.
stop_tier() { # infra=0: gateway and services; infra=1: the store and the Kafka mock
  local infra=$1 i
  local -a mine=()
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    case "${names[i]}" in kafka-mock | store) ((infra == 1)) || continue ;; *) ((infra == 0)) || continue ;; esac
    mine+=("$i")
    if kill -0 "${pids[i]}" 2>/dev/null; then
      log "stopping ${names[i]} (pid ${pids[i]})"
      kill -TERM "${pids[i]}" 2>/dev/null || true
    fi
  done
  local deadline=$((SECONDS + 10))
  for i in "${mine[@]}"; do
    while kill -0 "${pids[i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "${pids[i]}" 2>/dev/null; then
      log "killing ${names[i]} (pid ${pids[i]})"
      kill -KILL "${pids[i]}" 2>/dev/null || true
    fi
    wait "${pids[i]}" 2>/dev/null || true
  done
}

# The services first, while the broker and the store still answer: their Kafka consumers leave their groups
# and commit on the way out (with the broker gone they would hang until killed).
cleanup() {
  local status=$?
  trap - INT TERM EXIT
  stop_tier 0
  stop_tier 1
  log "stopped"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A loopback port nobody listens on (bash's /dev/tcp connect fails on a free port).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! { (exec 3<>"/dev/tcp/127.0.0.1/$port"); } 2>/dev/null; then echo "$port"; return 0; fi
  done
  log "no free port found"; return 1
}

# HTTP status of GET http://127.0.0.1:$1$2 (empty when nothing answers), without curl.
http_status() {
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  read -r -t 5 _ line _ <&3 || true
  exec 3>&- 3<&-
  echo "$line"
}

start() { # name, command...
  local name=$1; shift
  "$@" >"$logs/$name.log" 2>&1 &
  pids+=("$!"); names+=("$name"); commands+=("$(printf '%q ' "$@")")
  write_pid "$name" "$!"
  log "started $name (pid $!), log: $logs/$name.log"
}

write_pid() { # name pid: replaced atomically, so a reader never sees an empty file
  echo "$2" >"$run/$1.pid.tmp" && mv -f "$run/$1.pid.tmp" "$run/$1.pid"
}

restart() { # index into pids: same command, log appended
  local i=$1
  eval "set -- ${commands[i]}"
  "$@" >>"$logs/${names[i]}.log" 2>&1 &
  pids[i]=$!
  write_pid "${names[i]}" "$!"
  log "restarted ${names[i]} (pid $!)"
}

wait_ready() { # name port [path]
  local name=$1 port=$2 path=${3:-/health/ready} limit=${CLOUDY_READY_TIMEOUT:-120}
  local deadline=$((SECONDS + limit))
  until [[ "$(http_status "$port" "$path")" == 200 ]]; do
    if ((SECONDS >= deadline)); then log "$name not ready on :$port$path within $limit s; see $logs/$name.log"; return 1; fi
    sleep 0.2
  done
  log "$name ready on http://127.0.0.1:$port"
}

if [[ "${CLOUDY_NO_BUILD:-0}" != 1 ]]; then
  log "building ($config)"
  for project in services/Cloudy.Embedded services/Cloudy.Gateway tests/Cloudy.KafkaMock; do
    dotnet build "$repo/$project" -c "$config" --nologo -v quiet >&2
  done
fi
dll() { echo "$repo/$1/bin/$config/net10.0/$(basename "$1").dll"; }

# Kafka broker test double: prints BOOTSTRAP=... and writes the bootstrap file once ready.
rm -f "$data/kafka.bootstrap"
start kafka-mock dotnet "$(dll tests/Cloudy.KafkaMock)" --stdin never --bootstrap-file "$data/kafka.bootstrap"
for _ in $(seq 1 300); do [[ -s "$data/kafka.bootstrap" ]] && break; sleep 0.1; done
[[ -s "$data/kafka.bootstrap" ]] || { log "Kafka mock did not start; see $logs/kafka-mock.log"; exit 1; }
bootstrap="$(tr -d '\n' <"$data/kafka.bootstrap")"
log "Kafka mock cluster (broker test double) at $bootstrap"

store_port="${CLOUDY_STORE_PORT:-$(free_port)}"
store_kind="${CLOUDY_STORE:-$(command -v redis-server >/dev/null && echo redis || echo garnet)}"
case "$store_kind" in
  redis)
    start store redis-server --port "$store_port" --bind 127.0.0.1 --dir "$data/store" --save "" \
      --appendonly yes --appendfsync always --daemonize no ;;
  garnet)
    command -v garnet-server >/dev/null || { log "no store: apt-get install -y redis-server, or dotnet tool install -g garnet-server"; exit 1; }
    start store garnet-server --bind 127.0.0.1 --port "$store_port" --checkpointdir "$data/store" \
      --device-type RandomAccess --aof --aof-commit-freq 0 --aof-commit-wait true --recover --lua true ;;
  *) log "CLOUDY_STORE must be redis or garnet"; exit 1 ;;
esac
for _ in $(seq 1 100); do { (exec 3<>"/dev/tcp/127.0.0.1/$store_port"); } 2>/dev/null && break; sleep 0.1; done
log "store ($store_kind) on 127.0.0.1:$store_port"

identity_port="${CLOUDY_IDENTITY_PORT:-5101}"
keydirectory_port="${CLOUDY_KEYDIRECTORY_PORT:-5102}"
delivery_port="${CLOUDY_DELIVERY_PORT:-5103}"
presence_port="${CLOUDY_PRESENCE_PORT:-5104}"
gateway_port="${CLOUDY_GATEWAY_PORT:-8080}"

# Each .NET process runs in its output folder: the content root (and so appsettings.json, e.g. the
# gateway's routes) is the working directory.
service() { # name project port jwks-url
  start "$1" env -C "$(dirname "$(dll "$2")")" \
    Store__Connection="127.0.0.1:$store_port" \
    Bus__Adapter=Kafka \
    Kafka__BootstrapServers="$bootstrap" \
    Kafka__SessionTimeout="${CLOUDY_KAFKA_SESSION_TIMEOUT:-00:00:06}" \
    Kafka__FetchWaitMax="${CLOUDY_KAFKA_FETCH_WAIT:-00:00:00.010}" \
    Cloudy__DataDir="$data" \
    Auth__JwksUrl="$4" \
    OTEL_SERVICE_NAME="$1" \
    dotnet "$(dll "$2")" --urls "http://127.0.0.1:$3"
}
# Identity signs tokens with its own key (no JWKS URL); the others would fetch identity's JWKS.
jwks="http://127.0.0.1:$identity_port/.well-known/jwks.json"
service identity services/Cloudy.Identity "$identity_port" ""
service key-directory services/Cloudy.KeyDirectory "$keydirectory_port" "$jwks"
service delivery services/Cloudy.Delivery "$delivery_port" "$jwks"
service presence services/Cloudy.Presence "$presence_port" "$jwks"

start gateway env -C "$(dirname "$(dll services/Cloudy.Gateway)")" \
  Auth__JwksUrl="$jwks" \
  ReverseProxy__Clusters__identity__Destinations__d1__Address="http://127.0.0.1:$identity_port/" \
  ReverseProxy__Clusters__keydirectory__Destinations__d1__Address="http://127.0.0.1:$keydirectory_port/" \
  ReverseProxy__Clusters__delivery__Destinations__d1__Address="http://127.0.0.1:$delivery_port/" \
  ReverseProxy__Clusters__presence__Destinations__d1__Address="http://127.0.0.1:$presence_port/" \
  OTEL_SERVICE_NAME=gateway \
  dotnet "$(dll services/Cloudy.Gateway)" --urls "http://127.0.0.1:$gateway_port"

wait_ready identity "$identity_port"
wait_ready key-directory "$keydirectory_port"
wait_ready delivery "$delivery_port"
wait_ready presence "$presence_port"
wait_ready gateway "$gateway_port"
echo "Cloudy platform ready: gateway http://127.0.0.1:$gateway_port (store 127.0.0.1:$store_port, kafka $bootstrap). Ctrl-C stops everything."

# Run until interrupted or until a process exits: then stop the rest, unless it is a service to restart.
set +e
while true; do
  exited=""
  wait -n -p exited "${pids[@]}"
  status=$?
  for i in "${!pids[@]}"; do
    [[ "${pids[i]}" == "$exited" ]] || continue
    case "${names[i]}" in
      identity | key-directory | delivery | presence)
        if [[ "${CLOUDY_RESTART_SERVICES:-0}" == 1 ]]; then
          log "${names[i]} (pid $exited) exited (status $status); restarting"
          restart "$i"
          continue 2
        fi ;;
    esac
    log "${names[i]} (pid $exited) exited (status $status); stopping the platform"
    exit 1
  done
  log "a process exited (status $status); stopping the platform"
  exit 1
done
