#!/usr/bin/env bash
# transport.sh - Postfix reaching mugai-milter over a unix socket, as the
# sample configuration has it ([milter] socket = unix:PATH), rather than the
# inet loopback the other end-to-end tests use: the socket's mode, a
# sanitized delivery, a held virus, concurrent sessions with none lost, and
# a restart that takes over the stale socket file.
# Usage: transport.sh MUGAI-MILTER MUGAI
cd "$(dirname "$0")/../.."
. test/e2e/lib.sh
e2e_skip_unless_root
E2E_MILTER_UNIX=1 E2E_CONF_EXTRA="[output]
keep_headers = X-Load-Id" e2e_start "$1" "$2"

held_count() { mq list --status held --json | grep -c '"id" :'; }

# 1. The socket: 0660 (Postfix reaches it through the group), logged.
check "milter listens on a unix socket" test -S "$MILTER_SOCK"
check "socket mode is 0660" test "$(stat -c %a "$MILTER_SOCK")" = 660
check "startup log names the socket" grep -q "listening on unix:$MILTER_SOCK" "$E2E/milter.log"

# 2. A newsletter arrives as one text/plain part.
n0=$(sink_count)
send fixtures/msg/html-newsletter.eml
check "newsletter relayed" wait_sink $((n0 + 1))
f=$(newest_sink)
check "sanitized status header" has_header 'X-Mugai-Status: sanitized' "$f"
check "single text/plain part" has_header 'Content-Type: text/plain' "$f"
check "no HTML left" not grep -qi '<html' <(decoded "$f")

# 3. A virus is held and only the notice is relayed.
n0=$(sink_count); h0=$(held_count)
send fixtures/msg/virus-eicar.eml
check "virus message's notice relayed" wait_sink $((n0 + 1))
check "virus message held" test "$(held_count)" -eq $((h0 + 1))
check "EICAR not relayed" not grep -q 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' "$(newest_sink)"

# 4. 200 messages over 20 sessions: every one accepted and relayed.
n0=$(sink_count)
mix=(ja-outlook-nec html-newsletter policy-nested true-type virus-eicar forwarded-rfc822)
files=(); for m in "${mix[@]}"; do files+=("fixtures/msg/$m.eml"); done
LOADGEN_ID_BASE=7000000 python3 test/e2e/loadgen.py "$P_SMTPD" 200 20 "${files[@]}" >"$E2E/load.out"
check "every message accepted" grep -q 'accepted=200 ' "$E2E/load.out"
check "every message relayed" wait_sink $((n0 + 200))
ids=$(grep -h '^X-Load-Id: 700' "$E2E"/sink/* | tr -d '\r' | awk '{print $2}' | sort -u | wc -l)
check "each load ID arrived" test "$ids" -eq 200
check "no load ID twice" test "$(grep -h '^X-Load-Id: 700' "$E2E"/sink/* | wc -l)" -eq 200

# 5. A restart with the old socket file left behind (as after a crash).
milter_stop
check "nothing listens after the stop" not python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])" "$MILTER_SOCK"
[ -e "$MILTER_SOCK" ] || python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$MILTER_SOCK"
"$MILTER_BIN" -c "$E2E/mugai.conf" -f >>"$E2E/milter.log" 2>&1 &
MILTER_PID=$!
for i in $(seq 1 100); do grep -c "listening on unix:" "$E2E/milter.log" | grep -q 2 && break; sleep 0.1; done
chgrp postfix "$MILTER_SOCK"
n0=$(sink_count)
send fixtures/msg/ja-outlook-nec.eml
check "restarted over a stale socket file, mail flows" wait_sink $((n0 + 1))

echo "$((checks - fail)) of $checks checks passed"
[ "$fail" -eq 0 ]
