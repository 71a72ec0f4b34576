#!/usr/bin/env bash
# The whole test suite: type check, then every *.test.ts under src/ and test/.
set -euo pipefail
cd "$(dirname "$0")/.."
# End-to-end peers: sipp (Debian package sip-tester), the softphones baresip (baresip-core) and Linphone (linphone-cli), and Chromium for the web console;
# espeak-ng, the speech provider of `tts`; Elasticsearch's official Python client (python3-elasticsearch) for Debian's own python3.
missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v baresip >/dev/null 2>&1 || missing+=(baresip-core)
command -v linphonecsh >/dev/null 2>&1 || missing+=(linphone-cli)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
/usr/bin/python3 -c 'import elasticsearch' >/dev/null 2>&1 || missing+=(python3-elasticsearch)
# openssl makes the TLS tests' certificates (test/support/tls-certificates.ts); minimal images may lack it.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} for the end-to-end tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing test peers: run 'sudo apt-get install ${missing[*]}'" >&2
    exit 1
  fi
fi
# The two type checks are single-threaded: side by side on two cores.
npx tsc -p console/tsconfig.json &
console_check=$!
npx tsc -p tsconfig.check.json
wait "$console_check"
# Each test process compiles nothing: compiling the TypeScript once here, rather than tsx in
# every one of them, saves about half a CPU-second per process (scripts/test-loader/hooks.mjs).
# Worker threads load the compiled modules as they are, without the hooks (src/worker-thread.ts).
CALLROUTER_TS_COMPILED="$(node scripts/test-loader/compile.mjs)"
export CALLROUTER_TS_COMPILED
# Every *.test.ts; unit tests under src/ that need no process of their own
# run several files to a process (scripts/test-plan.mjs).
mapfile -t files < <(node scripts/test-plan.mjs)
# A test process that leaves a socket or worker open must not hold the run (and CI) forever:
# each process ends when its tests have (once its results have all reached the runner:
# scripts/test-loader/flush-before-exit.mjs), and a single test gets 4 minutes at most.
node --enable-source-maps --import "$PWD/scripts/test-loader/register.mjs" --import "$PWD/scripts/test-loader/flush-before-exit.mjs" \
  --test --test-concurrency=2 --test-force-exit --test-timeout=240000 "${files[@]}"
