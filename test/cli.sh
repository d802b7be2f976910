#!/bin/sh
# cli.sh - mugai's exit codes and error messages (sysexits)
set -u
mugai=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect CODE PATTERN -- ARGS...: exit status CODE and PATTERN in stderr
expect() {
    code=$1 pat=$2
    shift 3
    "$mugai" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" != "$code" ] || ! grep -q -- "$pat" "$tmp/err"; then
        echo "FAIL: mugai $* -> exit $rc (want $code), stderr: $(cat "$tmp/err")"
        fail=1
    else
        echo "ok: mugai $* -> $rc"
    fi
}

printf '[clamav]\ndatabse = x\n' >"$tmp/typo.conf"
printf '[clamav]\ndatabase = %s/nosigs\n' "$tmp" >"$tmp/nosigs.conf"
mkdir "$tmp/nosigs"

printf '[clamav]\ndatabase = fixtures/sigs\n[rule x]\ntype = text/*\n' >"$tmp/noaction.conf"
printf '[clamav]\ndatabase = fixtures/sigs\n[rule x]\naction = remove\n[rule y]\nmacro = yes\naction = quarantine\n' >"$tmp/lastcond.conf"
printf '[clamav]\ndatabase = fixtures/sigs\n[rule x]\naction = burn\n' >"$tmp/badaction.conf"
printf '[clamav]\ndatabase = fixtures/sigs\n[rule x]\nextention = exe\naction = remove\n' >"$tmp/rulekey.conf"
printf '[clamav]\ndatabase = fixtures/sigs\n[rule x]\nmacro = maybe\naction = remove\n[rule z]\naction = remove\n' >"$tmp/badbool.conf"
printf '[clamav]\ndatabase = fixtures/sigs\n[engine]\ntype_cache = 65537\n' >"$tmp/bigcache.conf"
printf '[clamav]\nmode = clamd\nclamd_socket = unix:%s/no-clamd.sock\n' "$tmp" >"$tmp/noclamd.conf"

expect 64 usage -- bogus
expect 64 usage -- sanitize --no-such-option
expect 78 databse -- sanitize -c "$tmp/typo.conf" fixtures/msg/empty.eml
expect 78 "no-such.conf" -- sanitize -c "$tmp/no-such.conf" fixtures/msg/empty.eml
expect 66 "cannot open" -- sanitize -c fixtures/test.conf "$tmp/missing.eml"
# No signatures: fail closed, nothing on stdout.
expect 75 "no signatures" -- sanitize -c "$tmp/nosigs.conf" fixtures/msg/alternative-plain.eml
if [ -s "$tmp/out" ]; then echo "FAIL: output written without a virus scanner"; fail=1; fi
# Bad rules name the section and the key.
expect 78 "\[rule x\]: no action" -- sanitize -c "$tmp/noaction.conf" fixtures/msg/empty.eml
expect 78 "last \[rule ...\] section must have no conditions" -- sanitize -c "$tmp/lastcond.conf" fixtures/msg/empty.eml
expect 78 "\[rule x\] action: \"burn\"" -- sanitize -c "$tmp/badaction.conf" fixtures/msg/empty.eml
expect 78 "unknown key \"extention\" in section \[rule x\]" -- sanitize -c "$tmp/rulekey.conf" fixtures/msg/empty.eml
expect 78 "\[rule x\] macro: \"maybe\" is not yes or no" -- sanitize -c "$tmp/badbool.conf" fixtures/msg/empty.eml
expect 78 "\[engine\] type_cache: at most 65536" -- sanitize -c "$tmp/bigcache.conf" fixtures/msg/empty.eml
# clamd mode with no clamd: fail closed.
expect 75 "no-clamd.sock" -- sanitize -c "$tmp/noclamd.conf" fixtures/msg/alternative-plain.eml
if [ -s "$tmp/out" ]; then echo "FAIL: output written without clamd"; fail=1; fi
# [clamav] temp_directory: must exist; used, and left empty, when it does.
printf '[clamav]\ndatabase = %s/fixtures/sigs\ntemp_directory = %s/no-such-dir\n' "$PWD" "$tmp" >"$tmp/notmp.conf"
expect 75 "temp_directory: .*no-such-dir is not a directory" -- sanitize -c "$tmp/notmp.conf" fixtures/msg/alternative-plain.eml
mkdir "$tmp/clamtmp"
printf '[clamav]\ndatabase = %s/fixtures/sigs\ntemp_directory = %s/clamtmp\n' "$PWD" "$tmp" >"$tmp/tmpdir.conf"
expect 0 "virus=Mugai.Test.EICAR" -- sanitize -c "$tmp/tmpdir.conf" fixtures/msg/policy-eicar-zip.eml
if [ -n "$(ls -A "$tmp/clamtmp")" ]; then echo "FAIL: temp_directory not left empty"; fail=1; fi
# libclamav's scratch space full: an archive it cannot unpack to look
# inside is not called clean; the message is deferred (fail closed).
# Needs a file system that can fill up: a 16 KB tmpfs (root only).
mkdir "$tmp/fulltmp"
if mount -t tmpfs -o size=16k,mode=1777 tmpfs "$tmp/fulltmp" 2>/dev/null; then
    dd if=/dev/zero of="$tmp/fulltmp/fill" bs=4k count=8 2>/dev/null
    printf '[clamav]\ndatabase = %s/fixtures/sigs\ntemp_directory = %s/fulltmp\n' "$PWD" "$tmp" >"$tmp/fulltmp.conf"
    "$mugai" sanitize -c "$tmp/fulltmp.conf" fixtures/msg/policy-eicar-zip.eml >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 0 ] && grep -q '^451 4.3.0 ' "$tmp/err" && grep -q 'decision=tempfail reason=scan-failed' "$tmp/err" \
        && [ ! -s "$tmp/out" ]; then
        echo "ok: scratch space full -> zipped virus deferred"
    else
        echo "FAIL: scratch space full: exit $rc, stdout: $(head -c 300 "$tmp/out"), stderr: $(cat "$tmp/err")"; fail=1
    fi
    # Then libclamav's mail parser cannot write out a single part and calls
    # the message clean.  A clean pass that unpacked nothing does not spare
    # the body text its own scan: the virus in base64 body text is found
    # and the text is withheld.
    "$mugai" sanitize -c "$tmp/fulltmp.conf" fixtures/msg/virus-in-body-encoded.eml >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 0 ] && grep -q 'decision=deliver .*virus=Mugai.Test.EICAR' "$tmp/err" \
        && ! sed '1,/^$/d' "$tmp/out" | base64 -d 2>/dev/null | grep -q 'EICAR-STANDARD'; then
        echo "ok: scratch space full -> virus in body text found, text withheld"
    else
        echo "FAIL: scratch space full, virus in body text: exit $rc, stderr: $(cat "$tmp/err")"; fail=1
    fi
    # Room for one page: the small attachment is written out and scanned,
    # the long body text is cut at 4 KB ("Can't write ... to temporary
    # file"), before the test string at its end, and the message ends
    # clean.  That warning makes the body text get its own scan.
    rm -f "$tmp/fulltmp/fill"
    dd if=/dev/zero of="$tmp/fulltmp/fill" bs=4k count=3 2>/dev/null
    "$mugai" sanitize -c "$tmp/fulltmp.conf" fixtures/msg/virus-in-body-long.eml >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 0 ] && grep -q "Can't write" "$tmp/err" && grep -q 'decision=deliver .*virus=Mugai.Test.EICAR' "$tmp/err" \
        && ! sed '1,/^$/d' "$tmp/out" | base64 -d 2>/dev/null | grep -q 'EICAR-STANDARD'; then
        echo "ok: scratch space filling up -> virus at the end of long body text found"
    else
        echo "FAIL: scratch space filling up, virus in long body text: exit $rc, stderr: $(head -c 600 "$tmp/err")"; fail=1
    fi
    umount "$tmp/fulltmp"
else
    echo "skip: scratch space full (needs root to mount a small tmpfs)"
fi
# Body text is scanned on its own when the whole message was not (larger
# than max_filesize): the virus in the body is still found.
printf '[clamav]\ndatabase = fixtures/sigs\nmax_filesize = 200\n' >"$tmp/smallscan.conf"
expect 0 "virus=Mugai.Test.EICAR" -- sanitize -c "$tmp/smallscan.conf" fixtures/msg/virus-in-body.eml
# An attachment that mugai decodes to other bytes than ClamAV's mail
# parser does (here one newline less at its end) is scanned on its own,
# though the pass over the whole message found the message clean: a
# signature anchored at the end of the file matches mugai's copy only.
mkdir "$tmp/tailsigs"
cp fixtures/sigs/*.?db "$tmp/tailsigs/"
printf 'Mugai.Test.Tail:0:EOF-18:%s\n' "$(printf 'mugai-tail-marker\n' | od -An -tx1 | tr -d ' \n')" >"$tmp/tailsigs/tail.ndb"
printf '[clamav]\ndatabase = %s/tailsigs\n' "$tmp" >"$tmp/tail.conf"
expect 0 "virus=Mugai.Test.Tail" -- sanitize -c "$tmp/tail.conf" fixtures/msg/attachment-tail.eml
# [engine] temp_directory: must exist.
printf '[clamav]\ndatabase = %s/fixtures/sigs\n[engine]\ntemp_directory = %s/no-such-dir\n' "$PWD" "$tmp" >"$tmp/noengtmp.conf"
expect 75 "\[engine\] temp_directory: .*no-such-dir is not a directory" -- sanitize -c "$tmp/noengtmp.conf" fixtures/msg/alternative-plain.eml
# Worked on from files (in_memory_max = 1 byte), from a pipe as from a
# file: the same message out as in memory.
printf '[clamav]\ndatabase = %s/fixtures/sigs\n[engine]\nin_memory_max = 1\n' "$PWD" >"$tmp/files.conf"
"$mugai" sanitize -c fixtures/test.conf fixtures/msg/policy-nested.eml >"$tmp/mem.eml" 2>/dev/null
cat fixtures/msg/policy-nested.eml | "$mugai" sanitize -c "$tmp/files.conf" - >"$tmp/pipe.eml" 2>/dev/null
if [ ! -s "$tmp/mem.eml" ] || ! cmp -s "$tmp/mem.eml" "$tmp/pipe.eml"; then
    echo "FAIL: a piped message worked on from files differs from the one in memory"; fail=1
else
    echo "ok: piped message from files = in memory"
fi
# A temporary file that cannot be written (the file size limit stands in
# for a full disk): tempfail, nothing on stdout.
( trap "" XFSZ; ulimit -f 1
  "$mugai" sanitize -c "$tmp/files.conf" fixtures/msg/policy-nested.eml 2>&1 >"$tmp/out.pipe" | cat
  echo "rc=$?" ) >"$tmp/err" 2>&1
if ! grep -q "temporary file failed: .*File too large; answering tempfail" "$tmp/err" \
    || ! grep -q "451 4.3.0 temporary storage failed" "$tmp/err" || [ -s "$tmp/out.pipe" ]; then
    echo "FAIL: temporary file write error: $(cat "$tmp/err")"; fail=1
else
    echo "ok: temporary file write error -> 451 4.3.0"
fi
# A decision (even reject) exits 0; reject writes the reply and no message.
expect 0 "552 5.3.4" -- sanitize -c fixtures/msg/too-large.conf fixtures/msg/too-large.eml
if [ -s "$tmp/out" ]; then echo "FAIL: rejected message was written"; fail=1; fi
# Standard input works.
"$mugai" sanitize -c fixtures/test.conf <fixtures/msg/alternative-plain.eml >"$tmp/out" 2>/dev/null
if [ $? != 0 ] || ! grep -q '^X-Mugai-Status: sanitized' "$tmp/out"; then
    echo "FAIL: stdin input"; fail=1
else
    echo "ok: stdin input"
fi
if "$mugai" check-config -c fixtures/test.conf >"$tmp/out" 2>&1 \
    && grep -q '^clamav signatures loaded: 2$' "$tmp/out" && grep -q '^\[limits\] max_parts = 500$' "$tmp/out" \
    && grep -q '^clamav database mugai-test.ndb: 1 signatures (no version)$' "$tmp/out" \
    && grep -q '^\[rule macro\]$' "$tmp/out" && grep -q '^\[rule default\]$' "$tmp/out"; then
    echo "ok: check-config"
else
    echo "FAIL: check-config: $(cat "$tmp/out")"; fail=1
fi
# check-config prints the effective rules: a file's own list replaces the built-in one,
# and the printed rules read back as the same list.
if "$mugai" check-config -c fixtures/msg/policy-extract-text.conf >"$tmp/out" 2>&1 \
    && grep -q '^\[rule text\]$' "$tmp/out" && grep -q '^action = extract-text$' "$tmp/out" \
    && ! grep -q '^\[rule macro\]$' "$tmp/out"; then
    echo "ok: check-config prints the file's rules"
else
    echo "FAIL: check-config rules: $(cat "$tmp/out")"; fail=1
fi
"$mugai" check-config -c fixtures/test.conf 2>/dev/null | sed -n '/^\[rule /,/^clamav /p' | grep -v '^clamav ' >"$tmp/rules.conf"
printf '[clamav]\ndatabase = fixtures/sigs\n' | cat - "$tmp/rules.conf" >"$tmp/rt.conf"
"$mugai" check-config -c "$tmp/rt.conf" 2>/dev/null | sed -n '/^\[rule /,/^clamav /p' | grep -v '^clamav ' >"$tmp/rules2.conf"
if [ -s "$tmp/rules.conf" ] && cmp -s "$tmp/rules.conf" "$tmp/rules2.conf"; then
    echo "ok: printed rules read back the same"
else
    echo "FAIL: printed rules do not read back"; diff "$tmp/rules.conf" "$tmp/rules2.conf"; fail=1
fi
# The sample configuration is valid and lists every key (only its database is swapped).
sed 's|^database = /var/lib/clamav|database = fixtures/sigs|' milter-conf/mugai.conf >"$tmp/sample.conf"
if "$mugai" check-config -c "$tmp/sample.conf" >"$tmp/out" 2>&1 \
    && [ "$(grep -c '^\[[a-z]*\] [a-z_]* = ' "$tmp/out")" = "$(grep -c '^[a-z_]* =' milter-conf/mugai.conf)" ]; then
    echo "ok: sample config"
else
    echo "FAIL: sample config: $(cat "$tmp/out")"; fail=1
fi
exit $fail
