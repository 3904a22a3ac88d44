#!/usr/bin/env bash
# Publishes every deployable (Release) into artifacts/publish/<component>/, the same output the
# image build produces in its build stage (deploy/Dockerfile). `make publish` runs this.
#
#   deploy/publish.sh                 # all components
#   deploy/publish.sh gateway delivery
#   PUBLISH_DIR=/tmp/out deploy/publish.sh
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=components.sh
source "$REPO_ROOT/deploy/components.sh"
OUT="${PUBLISH_DIR:-$REPO_ROOT/artifacts/publish}"

wanted=("$@")
selected=0
for entry in "${CLOUDY_COMPONENTS[@]}"; do
  read -r component project <<<"$entry"
  if (( ${#wanted[@]} )) && [[ ! " ${wanted[*]} " == *" $component "* ]]; then
    continue
  fi
  selected=$((selected + 1))
  csproj="$REPO_ROOT/services/$project/$project.csproj"
  if [[ ! -f "$csproj" ]]; then
    echo "publish: $csproj not found" >&2
    exit 1
  fi
  echo "publish: $component <- services/$project" >&2
  # UseAppHost=false: the image starts `dotnet <dll>`, so no native launcher is needed.
  dotnet publish "$csproj" -c Release -o "$OUT/$component" -p:UseAppHost=false --nologo -v quiet
done

if (( selected == 0 )); then
  echo "publish: no component matches: $*" >&2
  exit 1
fi
echo "publish: $selected component(s) in $OUT" >&2
