#!/usr/bin/env bash
# Copies Vigil's rule files, alert-rules/rules/*.yml, into the chart (charts/vigil/rules/): Helm reads
# only files inside a chart. Run it after changing a rule file; ChartRulesTest fails while the copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
src=alert-rules/rules
dst=charts/vigil/rules
mkdir -p "$dst"
find "$dst" -maxdepth 1 -name '*.yml' -delete
shopt -s nullglob
files=("$src"/*.yml)
for file in "${files[@]}"; do
    cp "$file" "$dst/"
done
echo "copied ${#files[@]} rule files from $src to $dst"
