#!/usr/bin/env bash
# postfix.sh - end to end through a real Postfix: sanitizing, quarantine,
# release, delete, purge, faults.  Usage: postfix.sh MUGAI-MILTER MUGAI
cd "$(dirname "$0")/../.."
. test/e2e/lib.sh
e2e_skip_unless_root
export MUGAI_TEST_HOOKS=1          # honoured only by a -Dtest_hooks=true build
E2E_TIMEOUT=5 E2E_MAX_MESSAGE=1M e2e_start "$1" "$2"

held_ids() { mq list --status held --json | sed -n 's/^ *"id" : "\(.*\)",$/\1/p'; }
# derive_conf NAME SED-SCRIPT - $E2E/NAME: the test's mugai.conf edited by SED-SCRIPT
derive_conf() { sed "$2" "$E2E/mugai.conf" > "$E2E/$1"; }

# 1. An HTML newsletter arrives as one text/plain part.
n0=$(sink_count)
send fixtures/msg/html-newsletter.eml
check "newsletter accepted and relayed" wait_sink $((n0 + 1))
f=$(newest_sink)
check "newsletter is text/plain UTF-8" has_header 'Content-Type: text/plain; charset=UTF-8' "$f"
check "newsletter has X-Mugai-Status" has_header 'X-Mugai-Status: sanitized' "$f"
check "newsletter text has no markup" not grep -qi '<html\|<a href' <(decoded "$f")
check "one syslog line with the queue ID" grep -q 'queue_id=[0-9A-F]\{6,\} decision=deliver' "$E2E/milter.log"

# 2. A message with attachments: held, the notice names the quarantine ID.
n0=$(sink_count)
send fixtures/msg/attachment-names.eml
check "attachment message relayed" wait_sink $((n0 + 1))
f=$(newest_sink)
id=$(held_ids | head -1)
check "quarantine list shows it held" test -n "$id"
check "notice names quarantine ID $id" grep -q "$id" <(decoded "$f")
check "no attachment part reaches the sink" not grep -qi '^Content-Disposition: attachment' "$f"
check "list prints a table" grep -q "^$id .* held " <(mq list)
check "show prints the attachment table" grep -q 'Attachments:' <(mq show "$id")
# Under [quarantine] inline_max (128K by default) the original is a row of the index.
check "a small original is kept in the index" \
    test "$(sqlite3 "$E2E/quarantine/index.db" "SELECT count(*) FROM originals WHERE id = '$id'")" = 1
check "and not in a file" test ! -e "$E2E/quarantine/msg/$id.eml"

# 3. Release: the original arrives at the sink with a byte-identical body.
n0=$(sink_count)
check "release succeeds" mq release "$id"
check "released original relayed" wait_sink $((n0 + 1))
f=$(newest_sink)
# The original as Postfix received it (swaks ends DATA with an extra CRLF);
# smtp-sink ends each dump with one more newline.
check "export gives the original" grep -q 'names-1@example.com' <(mq export "$id")
check "released body is byte-identical" cmp -s <(body_of "$f") <(mq export "$id" | body_of /dev/stdin; echo)
check "status is released" grep -q '"status" : "released"' <(mq show "$id" --json)
check "history has hold and release" bash -c "'$2' quarantine -c '$E2E/mugai.conf' history $id | grep -q ' hold .*ok' && '$2' quarantine -c '$E2E/mugai.conf' history $id | grep -q ' release .*ok'"
check "the release was rescanned clean" grep -q ' release .*ok.*rescanned clean' <(mq history "$id")

# 4. A virus: delivered sanitized, held with the signature name.
n0=$(sink_count)
send fixtures/msg/virus-eicar.eml
check "virus message relayed sanitized" wait_sink $((n0 + 1))
check "virus named in the notice" grep -q 'Mugai.Test.EICAR' <(decoded "$(newest_sink)")
check "no EICAR string reaches the sink" not grep -q 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' "$(newest_sink)"
vid=$(mq list --reason virus --json | sed -n 's/^ *"id" : "\(.*\)",$/\1/p' | head -1)
check "virus item listed by --reason virus" test -n "$vid"

# 5. An item held for a virus is not released without --force; release
# to a dead relay keeps the item held.
n0=$(sink_count)
mq release "$vid" >/dev/null 2>"$E2E/err"
check "release of a virus item is refused with exit 65" test $? -eq 65
check "the refusal names the virus found again" grep -q 'refused.*rescan with the current signatures: Mugai.Test.EICAR' "$E2E/err"
check "the refusal names --force" grep -q -- '--force releases it' "$E2E/err"
check "refusal is in the history" grep -q ' release .*refused.*Mugai.Test.EICAR' <(mq history "$vid")
sleep 1
check "a refused release sends nothing" test "$(sink_count)" -eq "$n0"
derive_conf dead.conf "s/^release_relay = .*/release_relay = 127.0.0.1:$(free_port)/"
"$2" quarantine -c "$E2E/dead.conf" release "$vid" --force >/dev/null 2>&1
check "forced release to a dead relay exits 75" test $? -eq 75
check "item stays held" grep -q '"status" : "held"' <(mq show "$vid" --json)
check "failed release is in the history" grep -q ' release .*failed' <(mq history "$vid")

# 5b. The rescan before a release uses the signatures of now: a part that
# was clean when held ("hello" in attachment-names.eml) matches a signature
# added since, and the release is refused; --force sends it, recorded as
# forced.  No signatures at all, or current limits that keep the scan
# from seeing the whole message: the rescan cannot be done, exit 75.
send fixtures/msg/attachment-names.eml; wait_sink $(( $(sink_count) + 1 )) >/dev/null
rid=$(held_ids | head -1)
mkdir -p "$E2E/sigs-new" "$E2E/sigs-none"
cp fixtures/sigs/*.?db "$E2E/sigs-new/"
printf 'Mugai.Test.Rescan:0:*:%s\n' "$(printf 'hello\n' | od -An -tx1 | tr -d ' \n')" > "$E2E/sigs-new/rescan.ndb"
chmod -R a+rX "$E2E/sigs-new" "$E2E/sigs-none"
derive_conf new.conf "s|^database = .*|database = $E2E/sigs-new|"
derive_conf none.conf "s|^database = .*|database = $E2E/sigs-none|"
# parts: the whole-message pass stops at max_filesize, and max_parts skips parts
derive_conf parts.conf 's|^database = .*|&\nmax_filesize = 100|; s|^max_message_bytes = .*|&\nmax_parts = 2|'
derive_conf big.conf 's|^max_message_bytes = .*|max_message_bytes = 100|'
# split: the whole-message pass stops at max_filesize, every part (all
# under 100 bytes) is scanned on its own to the end
derive_conf split.conf 's|^database = .*|&\nmax_filesize = 100|'
"$2" quarantine -c "$E2E/new.conf" release "$rid" >/dev/null 2>"$E2E/err"
check "a virus found by the rescan refuses the release (65)" test $? -eq 65
check "the refusal names the new signature" grep -q 'rescan with the current signatures: Mugai.Test.Rescan' "$E2E/err"
check "still held after the refusal" grep -q '"status" : "held"' <(mq show "$rid" --json)
"$2" quarantine -c "$E2E/none.conf" release "$rid" >/dev/null 2>"$E2E/err"
check "no signatures: the rescan cannot be done (75)" test $? -eq 75
check "still held without signatures" grep -q '"status" : "held"' <(mq show "$rid" --json)
"$2" quarantine -c "$E2E/parts.conf" release "$rid" >/dev/null 2>"$E2E/err"
check "parts skipped by the current limits: the rescan cannot be done (75)" test $? -eq 75
check "that refusal says a limit kept the scan short" grep -q 'could not be done: a limit kept the scan from seeing all' "$E2E/err"
"$2" quarantine -c "$E2E/big.conf" release "$rid" >/dev/null 2>"$E2E/err"
check "over the current size limit: the rescan cannot be done (75)" test $? -eq 75
check "that refusal names the size limit" grep -q 'could not be done: message too large' "$E2E/err"
check "still held after the limit refusals" grep -q '"status" : "held"' <(mq show "$rid" --json)
n0=$(sink_count)
check "--force releases it" "$2" quarantine -c "$E2E/new.conf" release "$rid" --force
check "forced release relayed" wait_sink $((n0 + 1))
mkdir -p "$E2E/sigs-other"; cp "$E2E/sigs-new/rescan.ndb" "$E2E/sigs-other/"; chmod -R a+rX "$E2E/sigs-other"
derive_conf other.conf "s|^database = .*|database = $E2E/sigs-other|"
"$2" quarantine -c "$E2E/other.conf" release "$vid" >/dev/null 2>"$E2E/err"
check "held for a virus, rescanned clean by other signatures: refused (65)" test $? -eq 65
check "that refusal names the virus of the hold" grep -q 'held for a virus: Mugai.Test.EICAR.* (a rescan with the current signatures found none)' "$E2E/err"
check "forced release is in the history" grep -q ' release .*ok.*forced past: virus found by a rescan.*Mugai.Test.Rescan' <(mq history "$rid")
send fixtures/msg/attachment-names.eml; wait_sink $(( $(sink_count) + 1 )) >/dev/null
rid2=$(held_ids | head -1)
n0=$(sink_count)
check "over max_filesize, every part scanned to its end: released" "$2" quarantine -c "$E2E/split.conf" release "$rid2"
check "that release relayed" wait_sink $((n0 + 1))
check "that release is recorded as rescanned clean" grep -q ' release .*ok.*rescanned clean' <(mq history "$rid2")

# 6. Delete and purge leave audit records.
check "delete succeeds" mq delete "$vid"
check "deleted original is gone from the index" \
    test "$(sqlite3 "$E2E/quarantine/index.db" "SELECT count(*) FROM originals WHERE id = '$vid'")" = 0
check "delete is in the history" grep -q ' delete .*ok' <(mq history "$vid")
send fixtures/msg/true-type.eml; wait_sink $(( $(sink_count) + 1 )) >/dev/null
pid1=$(held_ids | head -1)
check "purge --older-than 0s" mq purge --older-than 0s
check "purged item is deleted" grep -q '"status" : "deleted"' <(mq show "$pid1" --json)
check "purge is in the history" grep -q ' purge .*ok' <(mq history "$pid1")

# 7. A damaged store is reported, not crashed on: an original kept in the
# index, and one over inline_max (an attachment of 192 KB) kept in a file.
send fixtures/msg/attachment-names.eml; wait_sink $(( $(sink_count) + 1 )) >/dev/null
cid=$(held_ids | head -1)
sqlite3 "$E2E/quarantine/index.db" "UPDATE originals SET data = data || CAST('tampered' AS BLOB) WHERE id = '$cid'"
mq export "$cid" >/dev/null 2>"$E2E/err"
check "export of a damaged original in the index exits 65" test $? -eq 65
check "damage is named" grep -q 'damaged' "$E2E/err"
sqlite3 "$E2E/quarantine/index.db" "DELETE FROM originals WHERE id = '$cid'"
mq release "$cid" >/dev/null 2>&1
check "release of a missing original exits 65" test $? -eq 65
large="$E2E/large-attachment.eml"
{ sed '/^--b--$/,$d; s/<names-1@example.com>/<large-1@example.com>/' fixtures/msg/attachment-names.eml
  printf -- '--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="large.bin"\n'
  printf 'Content-Transfer-Encoding: base64\n\n'
  head -c 196608 /dev/urandom | base64 -w 76
  printf -- '--b--\n'; } > "$large"
send "$large"; wait_sink $(( $(sink_count) + 1 )) >/dev/null
fid=$(held_ids | head -1)
check "an original over inline_max is a file" test -s "$E2E/quarantine/msg/$fid.eml"
check "and not in the index" \
    test "$(sqlite3 "$E2E/quarantine/index.db" "SELECT count(*) FROM originals WHERE id = '$fid'")" = 0
check "export of it gives the original" grep -q 'large-1@example.com' <(mq export "$fid")
echo "tampered" >> "$E2E/quarantine/msg/$fid.eml"
mq export "$fid" >/dev/null 2>"$E2E/err"
check "export of a damaged original file exits 65" test $? -eq 65
check "the damaged file is named" grep -q "damaged: .*$fid.eml has SHA-256" "$E2E/err"
mq show 20000101-000000-00000000 >/dev/null 2>&1
check "unknown ID exits 66" test $? -eq 66
echo "orphan" > "$E2E/quarantine/msg/20000101-000000-0000abcd.eml"
mq check > "$E2E/check.out" 2>&1
check "check exits 65 on problems" test $? -eq 65
check "check names the missing original" grep -q "^$cid .*DAMAGED" "$E2E/check.out"
check "check names the damaged file" grep -q "^$fid .*DAMAGED" "$E2E/check.out"
check "check names the orphan file" grep -q "^20000101-000000-0000abcd .*ORPHAN" "$E2E/check.out"
rm -f "$E2E/quarantine/msg/20000101-000000-0000abcd.eml"

# (a copy of the binary, so that the checkout's own permissions do not matter)
cp "$2" "$E2E/mugai-copy"; chmod 755 "$E2E/mugai-copy"
(cd / && runuser -u nobody -- "$E2E/mugai-copy" quarantine -c "$E2E/mugai.conf" list) >/dev/null 2>"$E2E/err"
check "another user is refused with exit 77" test $? -eq 77
check "refusal says so" grep -q 'access refused' "$E2E/err"

# 8. Too large: 552 from the milter, nothing relayed.
big="$E2E/big.eml"
{ printf 'From: a@example.net\r\nTo: b@example.lg.jp\r\nSubject: big\r\n\r\n'
  head -c 1500000 /dev/zero | tr '\0' 'x' | fold -w 76; } > "$big"
n0=$(sink_count)
send "$big" >"$E2E/swaks.out" 2>&1
check "too large is refused" test $? -ne 0
check "refusal is 552 5.3.4" grep -q '552 5.3.4' <(swaks --server 127.0.0.1 --port $P_SMTPD --from a@example.net --to b@example.lg.jp --data @"$big" 2>&1)
check "nothing relayed" test "$(sink_count)" -eq "$n0"

# 8b. Larger than spool_memory (64K): the front spools the whole message
# and hands the worker the file (SCM_RIGHTS), not its bytes; the worker
# holds it whole and delivers the sanitized text.
spooled="$E2E/spooled.eml"
python3 - "$spooled" <<'PY'
import base64, sys
exe = b'MZ' + bytes(range(256)) * 1200
with open(sys.argv[1], 'wb') as f:
    f.write(b'From: a@example.net\r\nTo: b@example.lg.jp\r\nSubject: spooled\r\nMIME-Version: 1.0\r\n'
            b'Content-Type: multipart/mixed; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\n'
            b'larger than spool_memory\r\n--s\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Disposition: attachment; filename="tool.exe"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + base64.encodebytes(exe).replace(b'\n', b'\r\n') + b'--s--\r\n')
PY
n0=$(sink_count)
send "$spooled"
check "spooled message relayed" wait_sink $((n0 + 1))
sf=$(newest_sink)
check "spooled message sanitized, attachment held" has_header 'X-Mugai-Status: sanitized;.*quarantined=1' "$sf"
check "spooled message's text delivered" grep -q 'larger than spool_memory' <(decoded "$sf")
sid=$(held_ids | head -1)
# (swaks ends DATA with an extra CRLF, which Postfix passes on)
check "spooled original held whole" cmp -s <(body_of "$spooled"; echo) <(mq export "$sid" | body_of /dev/stdin)

# 9. Poison: a worker that crashes or hangs; others in flight are unaffected.
for kind in crash hang; do
    p="$E2E/poison-$kind.eml"
    { printf 'From: a@example.net\r\nTo: b@example.lg.jp\r\nSubject: poison %s\r\nX-Mugai-Test: %s\r\n\r\nbody\r\n' $kind $kind; } > "$p"
    n0=$(sink_count)
    send "$p" & sp=$!
    sleep 0.3
    send fixtures/msg/html-newsletter.eml
    check "message beside the $kind poison relayed" test $? -eq 0
    wait $sp
    check "$kind poison answered 250" test $? -eq 0
    check "both relayed ($kind)" wait_sink $((n0 + 2))
    pf=$(grep -l "poison $kind" "$E2E"/sink/* | head -1)
    check "$kind poison delivered as a notice" has_header 'X-Mugai-Status: held; processing-failed' "$pf"
    check "$kind poison notice is text/plain" has_header 'Content-Type: text/plain; charset=UTF-8' "$pf"
    check "$kind poison notice keeps Subject" has_header "Subject: poison $kind" "$pf"
    check "$kind poison notice drops the other fields" not has_header 'X-Mugai-Test:' "$pf"
    check "$kind poison original held" grep -q "poison $kind" <(mq list --reason processing-failed)
done
check "worker restarted after crash" grep -q 'killed by signal' "$E2E/milter.log"

# 10. SIGHUP reloads the configuration (notice language).
sed -i 's/^\[limits\]$/[notice]\nlanguage = en\n[limits]/' "$E2E/mugai.conf"
kill -HUP "$MILTER_PID"; sleep 1
n0=$(sink_count)
send fixtures/msg/html-newsletter.eml; wait_sink $((n0 + 1))
check "after SIGHUP the notice is English" grep -q 'mugai sanitizing notice' <(decoded "$(newest_sink)")

# 11. Milter down: 4xx, nothing relayed; back up: delivered sanitized.
milter_stop
n0=$(sink_count)
send fixtures/msg/html-newsletter.eml >"$E2E/swaks.out" 2>&1
check "milter down: message refused" test $? -ne 0
check "milter down: 4xx reply" grep -q '<\*\* *4[0-9][0-9]' <(swaks --server 127.0.0.1 --port $P_SMTPD --from a@example.net --to b@example.lg.jp --data @fixtures/msg/html-newsletter.eml 2>&1)
sleep 1
check "milter down: nothing relayed" test "$(sink_count)" -eq "$n0"
milter_start
send fixtures/msg/html-newsletter.eml
check "milter back: delivered" wait_sink $((n0 + 1))
check "milter back: sanitized" has_header 'X-Mugai-Status: sanitized' "$(newest_sink)"

# 12. Concurrency: 12 sessions at once while the CLI reads the store.
n0=$(sink_count)
pids=()
for i in $(seq 1 12); do
    case $((i % 3)) in 0) m=attachment-names;; 1) m=html-newsletter;; 2) m=iso-2022-jp;; esac
    send fixtures/msg/$m.eml & pids+=($!)
done
for i in $(seq 1 10); do mq list >/dev/null || echo "list failed"; done > "$E2E/cli.out"
okc=0; for p in "${pids[@]}"; do wait "$p" && okc=$((okc + 1)); done
check "12 concurrent sessions accepted" test "$okc" -eq 12
check "12 concurrent messages relayed" wait_sink $((n0 + 12))
check "CLI worked during the load" test ! -s "$E2E/cli.out"
check "every one of the 12 is sanitized" test "$(ls -t "$E2E"/sink/* | head -12 | xargs grep -L 'X-Mugai-Status: sanitized' | wc -l)" -eq 0

# 13. The front killed: the MTA defers (4xx); the supervisor restarts it.
front=$(front_pid)
kill -KILL "$front"
n0=$(sink_count)
send fixtures/msg/html-newsletter.eml >/dev/null 2>&1
check "front killed: message refused (4xx)" test $? -ne 0
sleep 0.5
check "front killed: nothing passed" test "$(sink_count)" -eq "$n0"
wait_port $P_MILTER; sleep 1
send fixtures/msg/html-newsletter.eml
check "front restarted: delivered sanitized" wait_sink $((n0 + 1))
check "restart logged" grep -q 'milter front stopped; restarting it' "$E2E/milter.log"

# 14. A damaged index is reported, not crashed on.
mkdir -p "$E2E/badq/msg"; head -c 5000 /dev/urandom > "$E2E/badq/index.db"
derive_conf bad.conf "s|^directory = .*|directory = $E2E/badq|"
"$2" quarantine -c "$E2E/bad.conf" list >/dev/null 2>"$E2E/err"
rc=$?
check "damaged index: exit 74" test $rc -eq 74
check "damaged index: reported" grep -q 'quarantine index' "$E2E/err"

# 15. SIGTERM while a message is in flight: it is still answered, then the milter exits.
p="$E2E/poison-hang.eml"
send "$p" & sp=$!
sleep 1
kill -TERM "$MILTER_PID"
wait $sp
check "in-flight message answered after SIGTERM" test $? -eq 0
wait "$MILTER_PID"
check "milter exited 0 after draining" test $? -eq 0
check "no milter process left" test -z "$(mugai_pids)"

echo "$((checks - fail)) of $checks checks passed"
[ "$fail" -eq 0 ]
