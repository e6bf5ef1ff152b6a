#!/usr/bin/env node
// Validates GeoJSON files with @mapbox/geojsonhint (RFC 7946: structure,
// right-hand rule, no old-style crs member, no duplicate members).
// Usage: node .ci/geojsonhint.js FILE...
// Prints one line per hint as FILE:LINE: MESSAGE and exits 1 when any file
// has a hint, 2 on usage or read errors, 0 when every file is valid.
'use strict';
const fs = require('fs');
const path = require('path');

let geojsonhint;
try {
  geojsonhint = require(path.join(__dirname, 'node', 'node_modules', '@mapbox', 'geojsonhint'));
} catch (err) {
  console.error('geojsonhint is not installed: run bash .ci/geojsonhint.sh (' + err.message + ')');
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node geojsonhint.js FILE...');
  process.exit(2);
}
let bad = 0;
for (const file of files) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    console.error(file + ': ' + err.message);
    process.exit(2);
  }
  // A string input lets geojsonhint report line numbers and duplicate members.
  const hints = geojsonhint.hint(text);
  for (const h of hints) {
    console.log(file + ':' + (h.line !== undefined ? h.line : '?') + ': ' + h.message);
  }
  if (hints.length > 0) {
    bad++;
  }
}
if (bad > 0) {
  console.error(bad + ' of ' + files.length + ' GeoJSON file(s) have hints');
  process.exit(1);
}
