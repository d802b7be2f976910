#!/usr/bin/env bash
# run-all.sh - build from scratch and run every test; last line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
rm -rf build-test
meson setup -Dtest_hooks=true build-test >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
ninja -C build-test || { echo "0 passed, 1 failed"; exit 1; }
meson test -C build-test --print-errorlogs --num-processes 2
rc=$?
log=build-test/meson-logs/testlog.json
passed=$(grep -c '"result": "OK"' "$log")
failed=$(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\|UNEXPECTEDPASS\)"' "$log")
skipped=$(grep -c '"result": "SKIP"' "$log")
grep -h '^corpus:' build-test/meson-logs/testlog.txt
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
