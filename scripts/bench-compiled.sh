#!/usr/bin/env bash
# Runs a benchmark on compiled JavaScript, as `npm start` runs the router:
# under tsx every function carries a naming wrapper that costs measurably on
# the call path. Builds dist/ (what `npm start` and bin/callrouter.js run, for
# benches that start the router as its own process), compiles src, test
# support and bench into build/ (with the sipp scenarios beside them), then
# runs build/bench/<name>.js from the repository's root.
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
shift
npm run build --silent
rm -rf build
npx tsc -p tsconfig.check.json --noEmit false --outDir build --sourceMap false
mkdir -p build/test/sip/scenarios build/bench/sip
cp test/sip/scenarios/*.xml build/test/sip/scenarios/
cp bench/sip/*.xml build/bench/sip/
mkdir -p build/test/support/fixtures
cp test/support/fixtures/seed-last-agent.json build/test/support/fixtures/
cp -r examples build/
# --experimental-websocket: bench:sip asks the router process for a full GC through its inspector (Node 20).
exec node --expose-gc --experimental-websocket "build/bench/${name}.js" "$@"
