#!/usr/bin/env bash
# protocol.sh - mugai-milter driven by miltertest (the Sendmail/Postfix
# milter protocol without an MTA).  Usage: protocol.sh MUGAI-MILTER
cd "$(dirname "$0")/../.."
command -v miltertest >/dev/null || { echo "skip: needs miltertest"; exit 77; }
. test/e2e/lib.sh
T=$(mktemp -d /tmp/mugai-mt.XXXXXX)
P=$(free_port)
cat > "$T/mugai.conf" <<CONF
[clamav]
database = $PWD/fixtures/sigs
[quarantine]
directory = $T/quarantine
[limits]
max_message_bytes = 1M
[milter]
socket = inet:$P@127.0.0.1
user =
group =
pidfile = $T/pid
spool_directory = $T/spool
workers = 1
CONF
"$1" -c "$T/mugai.conf" -f >"$T/log" 2>&1 & pid=$!
wait_port $P
MUGAI_MILTER_SOCKET="inet:$P@127.0.0.1" miltertest -s test/e2e/protocol.lua 2>&1; rc=$?
kill -TERM $pid; wait $pid
[ $rc -eq 0 ] || cat "$T/log"
rm -rf "$T"
exit $rc
