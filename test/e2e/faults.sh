#!/usr/bin/env bash
# faults.sh - faults through a real Postfix; each must end with no mail lost
# (delivered sanitized, held, or refused with 4xx so the sender keeps it)
# and no unsanitized delivery, with a clear log line:
#   signature database missing or corrupt, quarantine disk full, quarantine
#   index locked, worker killed, milter killed mid-transaction, Postfix's
#   milter timeout shorter than a stuck message.
# Usage: faults.sh MUGAI-MILTER MUGAI   (needs a -Dtest_hooks=true build
# for the stuck message; root for the tmpfs of the disk-full case)
cd "$(dirname "$0")/../.."
. test/e2e/lib.sh
e2e_skip_unless_root
export MUGAI_TEST_HOOKS=1
sigs=$(mktemp -d /tmp/mugai-sigs.XXXXXX)
cp fixtures/sigs/*.?db "$sigs/"
E2E_TIMEOUT=30 E2E_SIGS=$sigs E2E_CLAMAV_EXTRA="reload_interval = 1" e2e_start "$1" "$2"
cleanup() {
    umount "$E2E/quarantine" 2>/dev/null
    e2e_stop
    rm -rf "$sigs"
}
trap cleanup EXIT

# reply FILE - swaks' transcript of one submission (never fails)
reply() { swaks --server 127.0.0.1 --port $P_SMTPD --from a@example.net --to b@example.lg.jp --data @"$1" 2>&1; }
is_4xx() { grep -q '<\*\* *4[0-9][0-9]' <<<"$1"; }
# unsanitized - sink files without X-Mugai-Status (the original passed)
unsanitized() { grep -L '^X-Mugai-Status:' "$E2E"/sink/* 2>/dev/null; }
# workers - the supervisor's children except the libmilter front
workers() {
    local p front
    front=$(front_pid)
    for p in $(mugai_pids); do
        [ "$p" != "$MILTER_PID" ] && [ "$p" != "$front" ] \
            && [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$MILTER_PID" ] && echo "$p"
    done
}
stuck="$E2E/stuck.eml"
printf 'From: a@example.net\r\nTo: b@example.lg.jp\r\nSubject: stuck\r\nX-Mugai-Test: hang\r\n\r\nbody\r\n' > "$stuck"

# 1. Signature database missing at start: mugai-milter refuses to start
#    (exit 75), Postfix defers; nothing is relayed.
milter_stop
sed "s|^database = .*|database = $E2E/no-such-dir|" "$E2E/mugai.conf" > "$E2E/nosigs.conf"
"$MILTER_BIN" -c "$E2E/nosigs.conf" -f >"$E2E/nosigs.log" 2>&1
check "missing signatures: exit 75" test $? -eq 75
check "missing signatures: logged" grep -q 'no signatures loaded from .*no-such-dir.*not starting (fail closed)' "$E2E/nosigs.log"
n0=$(sink_count)
out=$(reply fixtures/msg/html-newsletter.eml)
check "missing signatures: Postfix defers (4xx)" is_4xx "$out"
sleep 1
check "missing signatures: nothing relayed" test "$(sink_count)" -eq "$n0"

# 2. A corrupt signature file at start: refused too.
printf 'this is not a signature\n\x01\x02garbage:::\n' > "$sigs/broken.ndb"
"$MILTER_BIN" -c "$E2E/mugai.conf" -f >"$E2E/corrupt.log" 2>&1
check "corrupt signatures at start: exit 75" test $? -eq 75
check "corrupt signatures at start: logged" grep -q 'libclamav' "$E2E/corrupt.log"
rm -f "$sigs/broken.ndb"
milter_start

# 3. A corrupt signature file appears while running: the reload fails, the
#    running engine is kept and still finds viruses.
printf 'this is not a signature\n\x01\x02garbage:::\n' > "$sigs/broken.ndb"
for i in $(seq 1 50); do grep -q 'keeping the running engine' "$E2E/milter.log" && break; sleep 0.2; done
check "corrupt signatures at reload: old engine kept" grep -q 'reload (signature database changed): .*keeping the running engine' "$E2E/milter.log"
n0=$(sink_count)
send fixtures/msg/virus-eicar.eml
check "corrupt signatures at reload: mail still relayed" wait_sink $((n0 + 1))
check "corrupt signatures at reload: virus still found" grep -q 'virus=Mugai.Test.EICAR' <(sed -n '/^X-Mugai-Status/p' "$(newest_sink)")
rm -f "$sigs/broken.ndb"

# 4. Quarantine disk full: the original cannot be held, so the message is
#    deferred (451) and stays with the sender; after space returns it is held.
milter_stop
rm -rf "$E2E/quarantine"; mkdir -m 700 "$E2E/quarantine"
if mount -t tmpfs -o size=1m,mode=700 tmpfs "$E2E/quarantine" 2>/dev/null; then
    milter_start
    dd if=/dev/zero of="$E2E/quarantine/filler" bs=4k 2>/dev/null
    n0=$(sink_count)
    out=$(reply fixtures/msg/virus-eicar.eml)
    check "disk full: deferred (4xx)" is_4xx "$out"
    check "disk full: reply says why" grep -q 'quarantine unavailable' <<<"$out"
    sleep 1
    check "disk full: nothing relayed" test "$(sink_count)" -eq "$n0"
    check "disk full: logged as a full file system" grep -q 'quarantine file system is full' "$E2E/milter.log"
    check "disk full: write failure logged" grep -q 'quarantine write failed: .*answering tempfail' "$E2E/milter.log"
    rm -f "$E2E/quarantine/filler"
    send fixtures/msg/virus-eicar.eml
    check "disk free again: relayed" wait_sink $((n0 + 1))
    check "disk free again: held" grep -q 'virus' <(mq list --status held)
    check "disk free again: store consistent" mq check
    milter_stop
    umount "$E2E/quarantine"
else
    echo "skip: cannot mount a tmpfs here; disk-full case not tested"
fi
milter_start

# 5. The quarantine index locked longer than the busy timeout (15 s):
#    deferred; after the lock is gone the same message is held.
(echo 'BEGIN EXCLUSIVE;'; sleep 20; echo 'COMMIT;') | sqlite3 "$E2E/quarantine/index.db" & lockpid=$!
sleep 1
n0=$(sink_count)
out=$(reply fixtures/msg/virus-eicar.eml)
check "index locked: deferred (4xx)" is_4xx "$out"
check "index locked: logged" grep -q 'quarantine write failed: .*locked' "$E2E/milter.log"
check "index locked: nothing relayed" test "$(sink_count)" -eq "$n0"
wait $lockpid
send fixtures/msg/virus-eicar.eml
check "index unlocked: relayed" wait_sink $((n0 + 1))

# 6. A worker killed (SIGKILL) in the middle of a message: the original is
#    held and a notice is delivered; the worker is replaced.
n0=$(sink_count); h0=$(mq list --reason processing-failed | grep -c stuck)
send "$stuck" & sp=$!
sleep 1.5
ws=$(workers)
check "workers found" test -n "$ws"
kill -KILL $ws
wait $sp
check "worker killed: message answered 250" test $? -eq 0
check "worker killed: notice relayed" wait_sink $((n0 + 1))
check "worker killed: original held" test "$(mq list --reason processing-failed | grep -c stuck)" -gt "$h0"
sleep 1
n0=$(sink_count)
send fixtures/msg/html-newsletter.eml
check "worker killed: next message sanitized" wait_sink $((n0 + 1))

# 7. The whole milter killed in the middle of a transaction (after DATA
#    started): Postfix defers; restarted, the same message goes through.
n0=$(sink_count)
python3 - "$P_SMTPD" "$E2E" >"$E2E/mid.out" 2>&1 <<'PY' &
import smtplib, sys, time, os
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=60)
s.ehlo('client.example.net')
s.mail('a@example.net'); s.rcpt('b@example.lg.jp')
code, _ = s.docmd('DATA')
s.send(b'From: a@example.net\r\nTo: b@example.lg.jp\r\nSubject: mid-transaction\r\n\r\nfirst half\r\n')
open(os.path.join(sys.argv[2], 'mid.ready'), 'w').close()
time.sleep(3)
s.send(b'second half\r\n.\r\n')
code, msg = s.getreply()
print('final reply', code, msg.decode())
PY
midpid=$!
for i in $(seq 1 50); do [ -e "$E2E/mid.ready" ] && break; sleep 0.1; done
kill -KILL $(mugai_pids) 2>/dev/null
wait "$MILTER_PID" 2>/dev/null
wait $midpid
check "milter killed mid-transaction: 4xx" grep -q 'final reply 4[0-9][0-9]' "$E2E/mid.out"
sleep 1
check "milter killed mid-transaction: nothing relayed" test "$(sink_count)" -eq "$n0"
milter_start
send fixtures/msg/html-newsletter.eml
check "milter restarted: delivered sanitized" wait_sink $((n0 + 1))

# 8. Postfix's milter timeout shorter than a stuck message: Postfix gives
#    up and defers; mugai survives and serves the next message.
postconf -c "$E2E/pf/etc" -e milter_content_timeout=3s
postfix -c "$E2E/pf/etc" reload >/dev/null 2>&1; sleep 1
n0=$(sink_count)
out=$(reply "$stuck")
check "MTA timeout: deferred (4xx)" is_4xx "$out"
check "MTA timeout: Postfix logged it" grep -q 'milter.*timed out' "$E2E/pf/maillog"
postconf -c "$E2E/pf/etc" -e milter_content_timeout=300s
postfix -c "$E2E/pf/etc" reload >/dev/null 2>&1; sleep 1
send fixtures/msg/html-newsletter.eml
check "MTA timeout: next message sanitized" wait_sink $((n0 + 1))
check "MTA timeout: the stuck one not relayed unsanitized" test -z "$(unsanitized)"

check "no unsanitized message ever reached the sink" test -z "$(unsanitized)"
echo "$((checks - fail)) of $checks checks passed"
[ "$fail" -eq 0 ]
