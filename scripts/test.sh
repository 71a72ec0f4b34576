#!/usr/bin/env bash
# The whole test suite: type check, then every *.test.ts under src/ and test/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v sipp >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing sipp (Debian package sip-tester) for the end-to-end tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester >/dev/null
  else
    echo "sipp is missing: run 'sudo apt-get install sip-tester'" >&2
    exit 1
  fi
fi
npx tsc -p tsconfig.check.json
mapfile -t files < <(find src test -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=2 "${files[@]}"
