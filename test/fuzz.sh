#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer targets (clang, ASan, UBSan) and run each
# for FUZZ_SECONDS (default 60), seeded from fixtures/ and ../shared/corpus.
#
#   bash test/fuzz.sh [TARGET...]        # engine html charset container
#   FUZZ_SECONDS=3600 FUZZ_SEED=0 bash test/fuzz.sh engine    # a longer run
#
# FUZZ_SEED (default 1) fixes libFuzzer's random seed.  That does not make
# runs repeatable (fresh clones of one commit took different paths), so the
# CI step still explores and a new finding turns CI red.  Longer runs use
# FUZZ_SEED=0 (a new seed each time); what they find becomes a fixture, and
# its golden test keeps it from coming back.
#
# Prints "ok - fuzz TARGET (N runs)" or "not ok - ..." per target and ends
# with "N passed, N failed".  A crash leaves its input in fuzz/crashes/;
# make it a fixture (fixtures/msg/fuzz-*.eml and a golden file) when fixed.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-1}
build=${FUZZ_BUILD:-build-fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(engine html charset container)

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false "$build" >/dev/null \
        || { echo "not ok - fuzz build set-up"; echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$build" $(printf 'fuzz/fuzz_%s ' "${targets[@]}") >/dev/null \
    || { echo "not ok - fuzz build"; echo "0 passed, 1 failed"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p fuzz/crashes
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# seeds TARGET DIR - the seed inputs of a target, copied into DIR
seeds() {
    local t=$1 d=$2 f
    mkdir -p "$d"
    case $t in
    engine | html)
        cp fixtures/msg/*.eml "$d/"
        [ -d ../shared/corpus ] && find ../shared/corpus -type f -size -256k \
            \( -name '*.eml' -o -name '*.msg' -o -name '*.txt' -o -name '*.mime' -o -name '*.mbox' \) \
            -exec cp -t "$d/" {} + 2>/dev/null
        ;;
    charset)
        # A selector byte, then text in each of the fixtures' encodings.
        for f in fixtures/msg/ja-*.eml fixtures/msg/iso-2022-jp.eml fixtures/msg/undeclared-cp932.eml; do
            for b in 0 1 2 3 5; do { printf "\\x0$b"; cat "$f"; } > "$d/$(basename "$f").$b"; done
        done
        ;;
    container)
        python3 - "$d" <<'PY'
import base64, email, os, sys
from email import policy
for name in sorted(os.listdir('fixtures/msg')):
    if not name.startswith('policy-') or not name.endswith('.eml'):
        continue
    msg = email.message_from_binary_file(open('fixtures/msg/' + name, 'rb'), policy=policy.default)
    for i, part in enumerate(msg.iter_attachments()):
        data = part.get_payload(decode=True) or b''
        if len(data) < 262144:
            for sel in range(8):
                open(os.path.join(sys.argv[1], '%s.%d.%d' % (name, i, sel)), 'wb').write(bytes([sel]) + data)
PY
        ;;
    esac
}

pass=0 failn=0
for t in "${targets[@]}"; do
    seeds "$t" "$work/seed-$t"
    mkdir -p "$work/corpus-$t"
    "$build/fuzz/fuzz_$t" "$work/corpus-$t" "$work/seed-$t" -max_total_time="$secs" -seed="$seed" -timeout=20 \
        -rss_limit_mb=2560 -max_len=262144 -print_final_stats=1 \
        -artifact_prefix="fuzz/crashes/$t-" >"$work/$t.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    if [ $rc -eq 0 ]; then
        echo "ok - fuzz $t (${runs:-?} runs in ${secs}s, seed $seed)"
        pass=$((pass + 1))
    else
        echo "not ok - fuzz $t (exit $rc, seed $seed); input saved in fuzz/crashes/"
        grep -m1 -A20 'ERROR\|runtime error\|invariant\|deadly signal' "$work/$t.log"
        failn=$((failn + 1))
    fi
done
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
