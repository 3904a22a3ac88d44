#!/usr/bin/env bash
# `make bench` for the protocol: Cloudy.Protocol under BenchmarkDotNet (short job) and Signal's
# libsignal Node binding (tests/interop/bench.mjs) on the same operations, same machine, one run;
# prints a markdown table of medians and ratios for docs/performance.md.
#   BENCH_JOB=short (default) | medium | dry     BENCH_NODE_ARGS="--samples 7 --ms 400"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/.cache/bench/protocol"
rm -rf "$out"
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

"$root/tests/interop/install.sh" >/dev/null

echo "[bench] Cloudy.Protocol (BenchmarkDotNet, job ${BENCH_JOB:-short})" >&2
dotnet run -c Release --project "$root/tests/Cloudy.Protocol.Benchmarks" -- \
  --job "${BENCH_JOB:-short}" --filter '*' --exporters json --artifacts "$out/dotnet" >"$out/dotnet.log" 2>&1 \
  || { tail -50 "$out/dotnet.log" >&2; exit 1; }

echo "[bench] libsignal-client (Node)" >&2
# shellcheck disable=SC2086
(cd "$root/tests/interop" && node bench.mjs --json ${BENCH_NODE_ARGS:-}) >"$out/libsignal.json"

node "$root/tests/Cloudy.Protocol.Benchmarks/compare.mjs" "$out"
