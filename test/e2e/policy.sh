#!/usr/bin/env bash
# policy.sh - the attachment policy and ClamAV end to end through a real
# Postfix: quarantined versus removed attachments, a rejecting rule, a
# signature reload under load with no mail lost or passed unscanned, and
# clamd mode (a real clamd on a private socket) failing closed when clamd
# goes away.  Usage: policy.sh MUGAI-MILTER MUGAI
cd "$(dirname "$0")/../.."
. test/e2e/lib.sh
e2e_skip_unless_root
sigs=$(mktemp -d /tmp/mugai-sigs.XXXXXX)
cp fixtures/sigs/*.?db "$sigs/"
E2E_SIGS=$sigs E2E_CLAMAV_EXTRA="reload_interval = 1" e2e_start "$1" "$2"
trap 'e2e_stop; rm -rf "$sigs"' EXIT

held_count() { mq list --status held --json | grep -c '"id" :'; }
# sink_with TEXT - the sink files whose sanitized text contains TEXT
sink_with() { local f; for f in "$E2E"/sink/*; do decoded "$f" | grep -q -- "$1" && echo "$f"; done; }

# 1. An encrypted ZIP is quarantined; the notice says why and names the ID.
n0=$(sink_count); h0=$(held_count)
send fixtures/msg/policy-encrypted.eml
check "encrypted ZIP message relayed" wait_sink $((n0 + 1))
f=$(newest_sink)
check "notice says encrypted" grep -q '暗号化（パスワード付き）' <(decoded "$f")
check "encrypted ZIP message held" test "$(held_count)" -eq $((h0 + 1))
id=$(mq list --status held --json | sed -n 's/^ *"id" : "\(.*\)",$/\1/p' | head -1)
check "notice names the quarantine ID" grep -q "$id" <(decoded "$f")
check "report lists archive members" grep -q '"path" : "setup.exe"' <(mq show "$id" --json)

# 2. Attachments the policy only removes: delivered, not held.
n0=$(sink_count); h0=$(held_count)
send fixtures/msg/policy-ja-members.eml
check "removed-only message relayed" wait_sink $((n0 + 1))
check "notice lists CP932 member names" grep -q '議事録/出席者①.txt' <(decoded "$(newest_sink)")
check "removed-only message not held" test "$(held_count)" -eq "$h0"

# 3. A signature reload under load.  A marker string is not a virus yet.
marker="$E2E/marker.eml"
printf 'From: a@example.net\nTo: b@example.lg.jp\nSubject: reload marker\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="data.bin"\n\nMUGAI-RELOAD-MARKER-7f3e9a\n--b--\n' > "$marker"
n0=$(sink_count)
send "$marker"
check "marker relayed before the reload" wait_sink $((n0 + 1))
check "marker is clean before the reload" not grep -q 'Mugai.Test.Reload' <(decoded "$(newest_sink)")

# Load over 8 sessions at a time; a new signature file lands mid-way.
# The senders go on until told to stop: the file lands once 8 load
# messages were decided, and the load stops once 8 more were decided
# after the reload, so the swap falls inside the load whatever this
# machine's speed (at most 30 messages per session).
decisions() { grep -c 'decision=' "$E2E/milter.log"; }
# wait_decided N BASE - until N decisions were logged past BASE (30 s)
wait_decided() {
    local i
    for i in $(seq 1 300); do
        [ $(( $(decisions) - $2 )) -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
n0=$(sink_count); d0=$(decisions)
load() {
    local i m
    for i in $(seq 1 30); do
        [ -e "$E2E/load.stop" ] && break
        case $(( ($1 + i) % 3 )) in 0) m=virus-eicar;; 1) m=html-newsletter;; 2) m=policy-nested;; esac
        if send fixtures/msg/$m.eml; then echo "$m" >>"$E2E/load.sent"; else echo "send failed: $m"; fi
    done
}
: > "$E2E/load.out"; : > "$E2E/load.sent"; rm -f "$E2E/load.stop"
pids=()
for s in $(seq 1 8); do load "$s" >>"$E2E/load.out" 2>&1 & pids+=($!); done
check "8 load messages decided before the new signatures" wait_decided 8 "$d0"
printf 'Mugai.Test.Reload:0:*:%s\n' "$(printf 'MUGAI-RELOAD-MARKER-7f3e9a' | od -An -tx1 | tr -d ' \n')" > "$sigs/reload.ndb"
for i in $(seq 1 100); do grep -q 'reloaded (signature database changed)' "$E2E/milter.log" && break; sleep 0.1; done
check "8 load messages decided after the reload" wait_decided 8 "$(decisions)"
touch "$E2E/load.stop"
for p in "${pids[@]}"; do wait "$p"; done
sent=$(wc -l <"$E2E/load.sent")
check "every load message accepted ($sent)" test ! -s "$E2E/load.out"
check "all $sent load messages relayed" wait_sink $((n0 + sent))
check "reload logged" grep -q 'reloaded (signature database changed): 3 signatures' "$E2E/milter.log"
# The swap happened with load messages on both sides of it.
before=$(sed -n '1,/reloaded (signature database changed)/p' "$E2E/milter.log" | grep -c 'decision=')
after=$(sed -n '/reloaded (signature database changed)/,$p' "$E2E/milter.log" | grep -c 'decision=')
check "load messages decided before the swap ($((before - d0))) and after it ($after)" \
    test $((before - d0)) -ge 8 -a "$after" -ge 8
check "no EICAR string reached the sink" test -z "$(grep -l 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' "$E2E"/sink/*)"
check "every EICAR message named the virus" test "$(sink_with 'Mugai.Test.EICAR' | wc -l)" -eq "$(grep -c virus-eicar "$E2E/load.sent")"
sleep 1
n0=$(sink_count)
send "$marker"
check "marker relayed after the reload" wait_sink $((n0 + 1))
check "new signature used after the reload" grep -q 'Mugai.Test.Reload' <(decoded "$(newest_sink)")

# 4. A rejecting rule: Postfix answers 550 5.7.1 and relays nothing.
cat >> "$E2E/mugai.conf" <<'CONF'
[rule executable]
type = application/x-dosexec; application/vnd.microsoft.portable-executable
action = reject
reason = executable
[rule default]
action = remove
CONF
kill -HUP "$MILTER_PID"
for i in $(seq 1 50); do [ "$(grep -c 'reloaded (' "$E2E/milter.log")" -ge 2 ] && break; sleep 0.1; done
sleep 1
n0=$(sink_count)
out=$(swaks --server 127.0.0.1 --port $P_SMTPD --from a@example.net --to b@example.lg.jp --data @fixtures/msg/policy-reject.eml 2>&1)
check "rejecting rule: 550 5.7.1 reply" grep -q '<\*\* *550 5.7.1 .*refused by attachment policy: tool.exe' <<<"$out"
sleep 1
check "rejecting rule: nothing relayed" test "$(sink_count)" -eq "$n0"

# 5. clamd mode: a real clamd on a private socket.
if command -v clamd >/dev/null; then
    cat > "$E2E/clamd.conf" <<CONF
LocalSocket $E2E/clamd.sock
DatabaseDirectory $PWD/fixtures/sigs
Foreground yes
LogFile $E2E/clamd.log
PidFile $E2E/clamd.pid
TemporaryDirectory $E2E
StreamMaxLength 100M
CONF
    clamd -c "$E2E/clamd.conf" >/dev/null 2>&1 & CLAMD_PID=$!
    for i in $(seq 1 100); do [ -S "$E2E/clamd.sock" ] && break; sleep 0.1; done
    check "clamd started" test -S "$E2E/clamd.sock"
    sed -i "s|^\[clamav\]$|[clamav]\nmode = clamd\nclamd_socket = unix:$E2E/clamd.sock|" "$E2E/mugai.conf"
    check "check-config reports clamd's version" grep -q '^clamav version: ClamAV' <("$2" check-config -c "$E2E/mugai.conf")
    kill -HUP "$MILTER_PID"
    for i in $(seq 1 50); do [ "$(grep -c 'reloaded (' "$E2E/milter.log")" -ge 3 ] && break; sleep 0.1; done
    sleep 1
    n0=$(sink_count)
    send fixtures/msg/virus-eicar.eml
    check "clamd: virus message relayed" wait_sink $((n0 + 1))
    check "clamd: virus named in the notice" grep -q 'Mugai.Test.EICAR' <(decoded "$(newest_sink)")
    send fixtures/msg/html-newsletter.eml
    check "clamd: clean message relayed" wait_sink $((n0 + 2))
    check "clamd: clean message sanitized" grep -q 'virus=none' <(sed -n '/^X-Mugai-Status/p' "$(newest_sink)")
    kill "$CLAMD_PID"; wait "$CLAMD_PID" 2>/dev/null
    n0=$(sink_count)
    out=$(swaks --server 127.0.0.1 --port $P_SMTPD --from a@example.net --to b@example.lg.jp --data @fixtures/msg/html-newsletter.eml 2>&1)
    check "clamd gone: message deferred (4xx)" grep -q '<\*\* *4[0-9][0-9]' <<<"$out"
    sleep 1
    check "clamd gone: nothing relayed" test "$(sink_count)" -eq "$n0"
    check "clamd gone: logged" grep -q 'virus scan failed: clamd' "$E2E/milter.log"
else
    echo "skip: clamd not installed (clamav-daemon); clamd mode not tested"
fi

echo "$((checks - fail)) of $checks checks passed"
[ "$fail" -eq 0 ]
