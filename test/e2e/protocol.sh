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
MILTER=$1
"$MILTER" -c "$T/mugai.conf" -f >"$T/log" 2>&1 & pid=$!
wait_port $P
MUGAI_MILTER_SOCKET="inet:$P@127.0.0.1" miltertest -s test/e2e/protocol.lua 2>&1; rc=$?
kill -TERM $pid; wait $pid
[ $rc -eq 0 ] || cat "$T/log"

# -f copies log lines to standard error, except when standard error is
# systemd's journal stream (JOURNAL_STREAM=DEVICE:INODE, as systemd sets it):
# the syslog lines reach the journal already, and journalctl would show
# every line twice.  A JOURNAL_STREAM naming another file keeps the copy.
logs_lines() {    # logs_lines FILE JOURNAL_STREAM-or-empty: start, stop, count log lines
    JOURNAL_STREAM=$2 "$MILTER" -c "$T/mugai.conf" -f 2>"$1" & pid=$!
    wait_port $P >&2
    kill -TERM $pid; wait $pid
    grep -c '^mugai-milter\[[0-9]*\]: ' "$1"
}
journal_check() {   # journal_check WHAT EXPECTED-COUNT-TEST
    if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; cat "$T/stderr"; rc=1; fi
}
n=$(grep -c '^mugai-milter\[[0-9]*\]: listening on' "$T/log")
journal_check "-f without JOURNAL_STREAM copies log lines to stderr" '[ "$n" -ge 1 ]'
: > "$T/stderr"
n=$(logs_lines "$T/stderr" "$(stat -c %d:%i "$T/stderr")")
journal_check "-f with stderr as the journal stream: no copy ($n lines)" '[ "$n" -eq 0 ]'
n=$(logs_lines "$T/stderr" "$(stat -c %d:%i "$T/log")")
journal_check "-f with JOURNAL_STREAM naming another file: copied ($n lines)" '[ "$n" -ge 2 ]'
rm -rf "$T"
exit $rc
