#!/usr/bin/env bash
# Installs the GeoJSON validator (@mapbox/geojsonhint, pinned in
# .ci/node/package-lock.json) and prints the path of the script the api tests
# run. Use: export PLEKWIJZER_GEOJSONHINT=$(bash .ci/geojsonhint.sh)
# Needs node and npm (Debian: apt-get install nodejs npm). Progress goes to
# stderr, so stdout is only the script path.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "geojsonhint.sh: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 1
fi
npm ci --prefix node --no-audit --no-fund --loglevel=error >&2
echo "$PWD/geojsonhint.js"
