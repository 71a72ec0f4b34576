#!/usr/bin/env bash
# Runs a benchmark on compiled JavaScript, as `npm start` runs the router:
# under tsx every function carries a naming wrapper that costs measurably on
# the call path. Compiles src, test support and bench into build/ (with the
# sipp scenarios beside them), then runs build/bench/<name>.js.
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
shift
rm -rf build
npx tsc -p tsconfig.check.json --noEmit false --outDir build --sourceMap false
mkdir -p build/test/sip/scenarios build/bench/sip
cp test/sip/scenarios/*.xml build/test/sip/scenarios/
cp bench/sip/*.xml build/bench/sip/
cp -r examples build/
exec node --expose-gc "build/bench/${name}.js" "$@"
