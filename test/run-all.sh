#!/usr/bin/env bash
# run-all.sh - build from scratch and run every test twice: a normal build,
# then one with AddressSanitizer and UndefinedBehaviorSanitizer (the load
# test there with LOAD_MESSAGES_ASAN messages, default 1,000, instead of
# 10,000); then the libFuzzer targets for FUZZ_SECONDS each (default 60)
# and valgrind over the corpus.  The last line reads "N passed, N failed,
# N skipped" over all of it.
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
(
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    export LOAD_MESSAGES=${LOAD_MESSAGES_ASAN:-1000}
    run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false
    echo "$passed $failed $skipped $rc_all" >"$PWD/build-asan.counts"
)
read -r passed failed skipped rc_all <build-asan.counts; rm -f build-asan.counts

# tally "N passed, N failed" from a script's last line
tally() {
    local line p f
    line=$(tail -1 "$1")
    p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' <<<"$line")
    f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' <<<"$line")
    if [ -z "$p" ]; then failed=$((failed + 1)); rc_all=1; return; fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -eq 0 ] || rc_all=1
}
# Fuzzing: clang, ASan, UBSan; a few minutes here, longer runs in docs/robustness.md.
rm -rf build-fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-60} bash test/fuzz.sh 2>&1 | tee fuzz.log
tally fuzz.log; rm -f fuzz.log
# valgrind: the corpus through the engine, no invalid access, no definite leak.
bash test/valgrind.sh build-test 2>&1 | tee valgrind.log
tally valgrind.log; rm -f valgrind.log
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc_all" -eq 0 ] && [ "$failed" -eq 0 ]
