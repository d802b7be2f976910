# lib.sh - a private Postfix on loopback, mugai-milter and smtp-sink, for
# the end-to-end tests.  Source it; call e2e_start MILTER_BINARY MUGAI_BINARY.
# Everything lives under $E2E (a temporary directory under $E2E_TMPDIR,
# default /tmp) and is torn down on exit.
#
#   client --swaks--> postfix smtpd 127.0.0.1:$P_SMTPD --milter--> mugai-milter
#                         | relayhost
#                         v
#                     smtp-sink 127.0.0.1:$P_SINK  (writes $E2E/sink/*)
#   mugai quarantine release --> postfix smtpd 127.0.0.1:$P_RELEASE (no milter) --> sink
#
# Postfix reaches the milter over inet loopback (127.0.0.1:$P_MILTER); with
# E2E_MILTER_UNIX=1 over a unix socket ($E2E/run/milter.sock), as the sample
# configuration has it.  $PF_MILTER is the smtpd_milters value either way.

set -u
fail=0
checks=0

# check DESCRIPTION COMMAND... - run a check, count it, report it
check() {
    local what=$1; shift
    checks=$((checks + 1))
    if "$@"; then
        echo "ok - $what"
    else
        echo "not ok - $what"
        fail=$((fail + 1))
    fi
}

e2e_skip_unless_root() {
    if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null || ! command -v smtp-sink >/dev/null \
        || ! command -v swaks >/dev/null; then
        echo "skip: needs root, postfix, smtp-sink and swaks"
        exit 77
    fi
}

# free_port - an unused loopback TCP port.  It lies outside the kernel's
# ephemeral range (ip_local_port_range), so no outgoing connection can hold
# it as its local port by the time a daemon binds it; a plain bind() takes
# it now (nothing listens on it or is connected from it); and it is none of
# $PORTS_TAKEN (the ports this run has already handed out).
free_port() {
    python3 - ${PORTS_TAKEN:-} <<'PY'
import random, socket, sys
lo, hi = map(int, open('/proc/sys/net/ipv4/ip_local_port_range').read().split())
taken = {int(a) for a in sys.argv[1:]}
span = range(max(1024, lo - 12000), lo) if lo - 1024 >= 2000 else range(hi + 1, 65536)
for p in random.sample(span, min(len(span), 2000)):
    if p in taken:
        continue
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    sys.exit(0)
sys.exit('free_port: no free loopback port outside the ephemeral range %d-%d' % (lo, hi))
PY
}

# pick_port VAR - set VAR to a free_port and add it to $PORTS_TAKEN
pick_port() {
    local p
    p=$(free_port) || exit 1
    PORTS_TAKEN="${PORTS_TAKEN:-} $p"
    printf -v "$1" %s "$p"
}

e2e_start() {
    MILTER_BIN=$1
    MUGAI_BIN=$2
    E2E=$(mktemp -d "${E2E_TMPDIR:-/tmp}/mugai-e2e.XXXXXX")
    chmod 755 "$E2E"
    trap e2e_stop EXIT
    pick_port P_SMTPD; pick_port P_SINK; pick_port P_RELEASE; pick_port P_MILTER
    mkdir -p "$E2E/sink" "$E2E/pf/etc" "$E2E/pf/queue" "$E2E/pf/data"
    chmod 777 "$E2E/sink"
    chown postfix "$E2E/pf/data"
    if [ -n "${E2E_MILTER_UNIX:-}" ]; then
        mkdir -p "$E2E/run"
        chmod 755 "$E2E/run"
        MILTER_SOCK=$E2E/run/milter.sock
        MILTER_CONN=unix:$MILTER_SOCK PF_MILTER=unix:$MILTER_SOCK
    else
        MILTER_SOCK=
        MILTER_CONN=inet:$P_MILTER@127.0.0.1 PF_MILTER=inet:127.0.0.1:$P_MILTER
    fi
    cat > "$E2E/mugai.conf" <<CONF
[clamav]
database = ${E2E_SIGS:-$PWD/fixtures/sigs}
${E2E_CLAMAV_EXTRA:-}
[quarantine]
directory = $E2E/quarantine
release_relay = 127.0.0.1:$P_RELEASE
[limits]
max_message_bytes = ${E2E_MAX_MESSAGE:-50M}
[milter]
socket = $MILTER_CONN
user =
group =
pidfile = $E2E/mugai-milter.pid
spool_directory = $E2E/spool
spool_memory = 64K
workers = 2
timeout = ${E2E_TIMEOUT:-60}
${E2E_CONF_EXTRA:-}
CONF
    cat > "$E2E/pf/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $E2E/pf/queue
data_directory = $E2E/pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.mugai-test.invalid
mydestination =
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$P_SINK
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_milters = $PF_MILTER
milter_default_action = tempfail
milter_protocol = 6
non_smtpd_milters =
alias_maps =
alias_database =
maillog_file = $E2E/pf/maillog
maillog_file_prefixes = ${E2E_TMPDIR:-/tmp}
smtp_tls_security_level = none
smtpd_tls_security_level = none
message_size_limit = 104857600
CONF
    cat > "$E2E/pf/etc/master.cf" <<CONF
127.0.0.1:$P_SMTPD inet n - n - - smtpd
127.0.0.1:$P_RELEASE inet n - n - - smtpd -o smtpd_milters=
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CONF
    smtp-sink -u postfix -d "$E2E/sink/%Y%m%d%H%M%S." 127.0.0.1:$P_SINK 50 &
    SINK_PID=$!
    wait_port $P_SINK || { echo "smtp-sink did not start on 127.0.0.1:$P_SINK"; exit 1; }
    milter_start
    script -qc "postfix -c $E2E/pf/etc start" /dev/null >"$E2E/postfix-start.log" 2>&1 || { echo "postfix did not start:"; cat "$E2E/postfix-start.log"; exit 1; }
    wait_port $P_SMTPD || exit 1
}

milter_start() {
    [ -z "$MILTER_SOCK" ] || rm -f "$MILTER_SOCK"
    "$MILTER_BIN" -c "$E2E/mugai.conf" -f >>"$E2E/milter.log" 2>&1 &
    MILTER_PID=$!
    if [ -z "$MILTER_SOCK" ]; then
        wait_port $P_MILTER
    else
        # The front makes its socket 0660, owned by the user it runs as
        # (root here); Postfix's smtpd runs as postfix.
        wait_socket "$MILTER_SOCK" && chgrp postfix "$MILTER_SOCK"
    fi
}

milter_stop() {
    kill -TERM "$MILTER_PID" 2>/dev/null
    wait "$MILTER_PID" 2>/dev/null
}

# wait_socket PATH - wait until a unix socket appears
wait_socket() {
    local i
    for i in $(seq 1 100); do
        [ -S "$1" ] && return 0
        sleep 0.1
    done
    echo "socket $1 never appeared"; return 1
}

wait_port() {
    local i
    for i in $(seq 1 100); do
        (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
        sleep 0.1
    done
    echo "port $1 never opened"; return 1
}

e2e_stop() {
    postfix -c "$E2E/pf/etc" stop >/dev/null 2>&1
    milter_stop
    kill "$SINK_PID" 2>/dev/null
    if [ "$fail" -ne 0 ]; then
        echo "--- milter log"; tail -50 "$E2E/milter.log"
        echo "--- postfix log"; tail -50 "$E2E/pf/maillog" 2>/dev/null
    fi
    [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E"
    # E2E_ON_STOP: the caller's own clean-up (a command line), run last.
    [ -z "${E2E_ON_STOP:-}" ] || eval "$E2E_ON_STOP"
}

# send FILE [swaks options] - submit a message; prints swaks' exit status
send() {
    local f=$1; shift
    swaks --server 127.0.0.1 --port $P_SMTPD --from sender@example.net --to staff@city.example.lg.jp \
        --data @"$f" --hide-all "$@"
}

# sink_count - messages the sink has received
sink_count() { ls "$E2E/sink" | wc -l; }

# wait_sink N - until N messages arrived (30 s)
wait_sink() {
    local i
    for i in $(seq 1 300); do
        [ "$(sink_count)" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# newest_sink - path of the most recent sink file
newest_sink() { ls -t "$E2E/sink"/* | head -1; }

# body_of FILE - the body after the first blank line, CRLF as LF
body_of() { sed 's/\r$//' "$1" | sed '1,/^$/d'; }

mq() { "$MUGAI_BIN" quarantine -c "$E2E/mugai.conf" "$@"; }

# decoded SINK-FILE - the sanitized text, transfer decoding undone
decoded() {
    if grep -qi '^Content-Transfer-Encoding: base64' "$1"; then body_of "$1" | base64 -d
    else body_of "$1"; fi
}

# has_header FIELD FILE - does the top-level header start a line with FIELD?
has_header() { sed 's/\r$//' "$2" | sed '/^$/q' | grep -qi "^$1"; }

# not COMMAND... - succeed when COMMAND fails
not() { ! "$@"; }

# mugai_pids - every process started with this test's configuration
# ("[/]..." keeps grep from matching itself)
mugai_pids() { grep -l -- "[${E2E:0:1}]${E2E:1}/mugai.conf" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3; }

# front_pid - the libmilter front started last
front_pid() { sed -n 's/^mugai-milter\[\([0-9]*\)\]: listening on.*/\1/p' "$E2E/milter.log" | tail -1; }
