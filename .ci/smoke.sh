#!/usr/bin/env bash
# Smoke test: build the binary, start the demo, and talk to it as its users'
# tools do (curl, GDAL's OGC API - Features driver). Fails on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/plekwijzer
go build -o "$bin" ./cmd/plekwijzer
port=18089
log=$(mktemp)
"$bin" demo --addr "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for i in $(seq 1 180); do
  if curl -fsS "$base/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "demo exited:"; cat "$log"; exit 1; fi
  sleep 1
done
curl -fsS "$base/healthz"; echo
grep -q SYNTHETIC "$log" || { echo "demo did not say its sample is synthetic"; cat "$log"; exit 1; }
n=$(curl -fsS "$base/collections/gebouwen/items?limit=3" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["features"]))')
[ "$n" = 3 ] || { echo "expected 3 gebouwen, got $n"; exit 1; }
ogrinfo -ro -so "OAPIF:$base" | tee /tmp/ogrinfo-smoke.txt
grep -q gebouwen /tmp/ogrinfo-smoke.txt
grep -q kandidaten-flexwonen /tmp/ogrinfo-smoke.txt
echo "smoke test passed"
