#!/bin/sh
# golden.sh - one golden test: fixtures/msg/NAME.eml -> test/golden/NAME.ref
#
#   golden.sh MUGAI TESTVIEW NAME [files]
#
# Runs `mugai sanitize` on the fixture (with fixtures/msg/NAME.conf when it
# exists, else fixtures/test.conf), checks the output invariants, and
# compares what a reader sees (header + decoded text), the JSON report and
# the exit status with the reference.  MUGAI_UPDATE_GOLDEN=1 rewrites the
# reference instead (review the diff before committing it).
#
# With "files", [engine] in_memory_max is 1 byte: the message and every
# part are worked on from temporary files, and the result must be the same
# reference, byte for byte.
set -u
mugai=$1 view=$2 name=$3 mode=${4:-memory}
in=fixtures/msg/$name.eml
conf=fixtures/msg/$name.conf
[ -f "$conf" ] || conf=fixtures/test.conf
ref=test/golden/$name.ref
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$mode" = files ]; then
    mkdir "$tmp/work"
    { cat "$conf"; printf '\n[engine]\nin_memory_max = 1\ntemp_directory = %s\n' "$tmp/work"; } >"$tmp/files.conf"
    conf=$tmp/files.conf
fi

"$mugai" sanitize -c "$conf" --queue-id TESTQ --report "$tmp/report.json" "$in" \
    >"$tmp/out.eml" 2>"$tmp/log"
rc=$?
{
    echo "=== exit $rc ==="
    if [ -s "$tmp/out.eml" ]; then
        "$view" "$tmp/out.eml" "$in" || echo "=== testview exit $? ==="
    else
        echo "=== no message delivered ==="
        grep -v '^mugai: queue_id=' "$tmp/log"
    fi
    echo "=== report ==="
    cat "$tmp/report.json"
} >"$tmp/actual"

if [ "$mode" = files ] && [ -n "$(ls -A "$tmp/work")" ]; then
    echo "temporary files left in [engine] temp_directory: $(ls -A "$tmp/work")" >&2
    exit 1
fi
if [ "${MUGAI_UPDATE_GOLDEN:-}" = 1 ] && [ "$mode" = memory ]; then
    cp "$tmp/actual" "$ref"
    echo "updated $ref"
    exit 0
fi
if ! diff -u "$ref" "$tmp/actual"; then
    echo "golden mismatch for $name (MUGAI_UPDATE_GOLDEN=1 to update)" >&2
    exit 1
fi
