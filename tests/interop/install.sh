#!/usr/bin/env bash
# Installs the pinned libsignal builds (package.json / package-lock.json) into tests/interop/node_modules.
# Idempotent: does nothing when every pinned version is installed and loads.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# Serialise concurrent runs (parallel test projects / make targets): npm ci replaces node_modules.
exec 9>"${TMPDIR:-/tmp}/cloudy-interop-install.lock"
flock 9
check='
const fs = require("fs");
const deps = require("./package.json").dependencies;
for (const [name, spec] of Object.entries(deps)) {
  const want = spec.replace(/^npm:.*@/, "");
  let have = "";
  try { have = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, "utf8")).version; } catch {}
  if (have !== want) { console.error(`${name}: want ${want}, have ${have || "nothing"}`); process.exit(1); }
  require(name).PrivateKey.generate();
}
'
if node -e "$check" >/dev/null 2>&1; then
  echo "libsignal interop dependencies already installed"
  exit 0
fi
if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
node -e "$check"
echo "libsignal interop dependencies installed"
