#!/usr/bin/env bash
# run-all.sh - build from scratch and run every test twice: a normal build,
# then one with AddressSanitizer and UndefinedBehaviorSanitizer.  The last
# line reads "N passed, N failed, N skipped" over both.
set -uo pipefail
cd "$(dirname "$0")/.."

# run_suite DIR [MESON OPTIONS...] - set up DIR, build, test; sets rc_all
passed=0; failed=0; skipped=0; rc_all=0
run_suite() {
    local dir=$1; shift
    rm -rf "$dir"
    if ! meson setup -Dtest_hooks=true "$@" "$dir" >/dev/null || ! ninja -C "$dir"; then
        failed=$((failed + 1)); rc_all=1; return
    fi
    meson test -C "$dir" --print-errorlogs --num-processes 2 || rc_all=1
    local log=$dir/meson-logs/testlog.json
    passed=$((passed + $(grep -c '"result": "OK"' "$log")))
    failed=$((failed + $(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\|UNEXPECTEDPASS\)"' "$log")))
    skipped=$((skipped + $(grep -c '"result": "SKIP"' "$log")))
    grep -h '^corpus:' "$dir/meson-logs/testlog.txt" | sed "s|^|$dir: |"
}

run_suite build-test
# Sanitizers: any report fails the test that caused it.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc_all" -eq 0 ] && [ "$failed" -eq 0 ]
