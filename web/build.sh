#!/usr/bin/env bash
# Rebuilds the map bundle served at /static: installs maplibre-gl at the
# version pinned in package-lock.json and copies its dist files into
# api/static, where //go:embed picks them up. The copies are committed, so
# `go run` and `go build` need no npm; run this only to upgrade maplibre-gl
# (npm install maplibre-gl@X.Y.Z --save-exact, then bash web/build.sh).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
dist=node_modules/maplibre-gl/dist
out=../api/static
cp "$dist/maplibre-gl.js" "$dist/maplibre-gl.css" "$out/"
cp "$dist/LICENSE.txt" "$out/maplibre-gl.LICENSE.txt"
echo "copied maplibre-gl $(node -p 'require("maplibre-gl/package.json").version') into api/static" >&2
