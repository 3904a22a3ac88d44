#!/usr/bin/env bash
# `make test`: install dependencies, verify formatting, build once, run every test project
# of Cloudy.sln, then print one summary line "tests: N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

"$root/tests/scripts/ensure-deps.sh"

results="$root/.cache/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "[test] restore + build (Release)"
dotnet build Cloudy.sln -c Release -nologo -v:q

echo "[test] dotnet format --verify-no-changes"
dotnet format Cloudy.sln --verify-no-changes --no-restore -v:q

echo "[test] running tests"
status=0
dotnet test Cloudy.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  -- RunConfiguration.TestSessionTimeout=2400000 || status=$?

# Sum the TRX counters of every test assembly into one closing line.
python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
failures = []
for f in glob.glob(sys.argv[1] + "/*.trx"):
    root = ET.parse(f).getroot()
    # CI keeps only the tail of the log, so the names and first lines of failures are
    # repeated here, right above the summary line.
    for r in root.iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
            msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            first = (msg.text or "").strip().splitlines()[:3] if msg is not None else []
            failures.append((r.get("testName"), first))
    c = root.find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
for name, lines in failures:
    print(f"FAILED {name}")
    for line in lines:
        print(f"    {line[:300]}")
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
