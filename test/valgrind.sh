#!/usr/bin/env bash
# valgrind.sh - the fixtures and ../shared/corpus through the engine under
# valgrind memcheck: no invalid read or write, no use of uninitialised
# memory, no definite leak.  Usage: valgrind.sh BUILD-DIR
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}
pass=0 failn=0
for dir in fixtures/msg ../shared/corpus; do
    [ -d "$dir" ] || { echo "skip - valgrind $dir (absent)"; continue; }
    log=$(mktemp)
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --suppressions=test/valgrind.supp \
        --show-leak-kinds=definite "$build/test/corpus_run" fixtures/test.conf "$dir" >"$log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
        echo "ok - valgrind $dir: $(grep '^corpus:' "$log" | cut -c1-120)"
        pass=$((pass + 1))
    else
        echo "not ok - valgrind $dir (exit $rc)"
        grep -m5 -A12 '^==[0-9]*== \(Invalid\|Conditional\|Use of\|.*definitely\)' "$log"
        failn=$((failn + 1))
    fi
    rm -f "$log"
done
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
