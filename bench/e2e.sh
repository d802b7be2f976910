#!/usr/bin/env bash
# e2e.sh - end-to-end benchmark through a private Postfix on loopback.
#
#   sudo bash bench/e2e.sh [MESSAGES_PER_ROUND] [ROUNDS]    (defaults 1000 3)
#
# Six set-ups, interleaved round by round in the same run so that the
# machine's mood affects all alike:
#   postfix    Postfix alone (no milter): the baseline
#   null       bench/null_milter: asks for what mugai asks (headers, body,
#              no replies), discards it and accepts unchanged: what the
#              milter conversation alone costs
#   replace    bench/null_milter -r: the same, but replaces each body with a
#              line of text and sets Content-Type, as every sanitizing
#              filter must: the ceiling for any such milter on this machine
#   scan       bench/null_milter -s: as replace, and first one libclamav pass
#              over the whole message through mugai's own av module and
#              configuration (the pass mugai makes): the floor under any
#              filter that must scan mail with libclamav
#   mugai      mugai-milter (libclamav in the process)
#   mimedefang MIMEDefang 3 (Debian package) with a filter doing the same job:
#              HTML rendered to text (HTML::FormatText), plain text kept,
#              every attachment dropped, one text/plain part out, and the
#              message scanned by clamd (its usual set-up) with the same
#              signatures.
# Each round sends MESSAGES_PER_ROUND messages of a realistic mix over 20
# SMTP sessions (BENCH_SESSIONS; 1 shows each set-up's latency per message) and times until the last one reaches the sink.  CPU time is
# read from the processes' own accounting (/proc/PID/stat, children waited
# for included): mugai's supervisor, front and workers; MIMEDefang's
# multiplexor, milter, Perl workers and clamd.  Peak memory: the sum of
# VmHWM over those processes.  Then: peak RSS of mugai-milter with 50
# concurrent messages, and for one message of 10, 50 and 100 MB
# (BENCH_BIG_SIZES) in turn.
# Machine CPU per message (all processes, from /proc/stat) shows what each
# set-up costs the box as a whole, Postfix and the load generator included.
# Prints a table and the ratios; needs root, postfix, swaks, mimedefang,
# clamav-daemon, libhtml-format-perl.
#
# Every filter listens on a unix socket, as the sample configurations have
# it (mugai's [milter] socket, MIMEDefang's -p); BENCH_TRANSPORT=inet puts
# them all on TCP loopback instead.  On Linux that costs each message a
# delayed-ACK wait of up to 40 ms (docs/performance.md, "The milter
# socket"), which at 20 sessions shows as throughput.
#
#   BENCH_SETUPS="postfix mugai" sudo -E bash bench/e2e.sh 500 2
# runs only the named set-ups (quicker while working on mugai; the ratio to
# MIMEDefang needs all three).  BENCH_MEMORY=0 skips the memory part.
# E2E_TMPDIR=DIR puts Postfix's queue, the sink and mugai's quarantine
# under DIR instead of /tmp (another file system; default /tmp).
# BENCH_PERF=1 adds a table of CPU per message by command name (needs perf).
# The mix repeats 16 messages, so their attachments' bytes repeat, and
# mugai's [engine] type_cache answers libmagic's questions after the first
# round; BENCH_TYPE_CACHE=0 measures mugai as if every attachment were new.
# BENCH_INLINE_MAX=SIZE sets mugai's [quarantine] inline_max (default
# 128K: the mix's held originals go into the index; 0: each to a file).
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
ROUNDS=${2:-3}
SESSIONS=${BENCH_SESSIONS:-20}
MILTER_BIN=${MILTER_BIN:-build/src/mugai-milter}
NULL_BIN=${NULL_BIN:-build/bench/null_milter}
. test/e2e/lib.sh
e2e_skip_unless_root
read -r -a SETUPS <<<"${BENCH_SETUPS:-postfix null replace scan mugai mimedefang}"
has_setup() { [[ " ${SETUPS[*]} " == *" $1 "* ]]; }
if has_setup mimedefang; then
    for p in mimedefang mimedefang-multiplexor clamd; do
        command -v $p >/dev/null || { echo "needs $p (apt-get install mimedefang clamav-daemon libhtml-format-perl)"; exit 1; }
    done
fi
# A production host has a syslog daemon behind /dev/log (journald, rsyslog).
# Without one, glibc's syslog() tries socket() and connect() again on every
# call, a cost no operator pays; stand in a discarding one for the run.
# A socket left behind by a run that was killed has no reader, and would
# make every syslog() call connect again: replace it.
if [ -S /dev/log ] && ! python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).connect("/dev/log")' 2>/dev/null; then
    echo "bench: /dev/log has no reader (left by a killed run?); standing one in"
    rm -f /dev/log
fi
SYSLOG_PID=
if [ ! -e /dev/log ]; then
    python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
sys.stdout.close()
while True:
    s.recv(65536)
' & SYSLOG_PID=$!
    E2E_ON_STOP='kill $SYSLOG_PID; rm -f /dev/log'
    for i in $(seq 1 50); do [ -S /dev/log ] && break; sleep 0.1; done
fi
# Scratch space on tmpfs for both filters, as their documentation advises
# (mugai's [clamav] temp_directory, MIMEDefang's spool, clamd's
# TemporaryDirectory): a directory per message on ext4 costs a journal
# write, and neither should be measured with that.
SCRATCH=$(mktemp -d /dev/shm/mugai-bench.XXXXXX)
chmod 755 "$SCRATCH"
E2E_ON_STOP="${E2E_ON_STOP:+$E2E_ON_STOP; }rm -rf $SCRATCH"
mkdir -p "$SCRATCH/clamav" "$SCRATCH/md-spool" "$SCRATCH/clamd"
TRANSPORT=${BENCH_TRANSPORT:-unix}
case $TRANSPORT in
unix) E2E_MILTER_UNIX=1 ;;
inet) E2E_MILTER_UNIX= ;;
*) echo "BENCH_TRANSPORT: unix or inet"; exit 64 ;;
esac
E2E_MAX_MESSAGE=200M e2e_start "$MILTER_BIN" build/src/mugai
sed -i "s/^spool_memory = 64K$/spool_memory = 1M/; s/^workers = 2$/workers = ${MUGAI_WORKERS:-4}/" "$E2E/mugai.conf"
sed -i "s|^\[clamav\]$|[clamav]\ntemp_directory = $SCRATCH/clamav|" "$E2E/mugai.conf"
printf '\n[engine]\ntype_cache = %s\n' "${BENCH_TYPE_CACHE:-4096}" >>"$E2E/mugai.conf"
if [ -n "${BENCH_INLINE_MAX:-}" ]; then
    sed -i "s|^\[quarantine\]$|[quarantine]\ninline_max = $BENCH_INLINE_MAX|" "$E2E/mugai.conf"
fi
postconf -c "$E2E/pf/etc" -e message_size_limit=262144000
milter_stop; milter_start
# Where each filter listens, as it sees it (CONN_*) and as Postfix does (PF_*).
if [ "$TRANSPORT" = unix ]; then
    CONN_NULL=unix:$E2E/run/null.sock CONN_REPLACE=unix:$E2E/run/replace.sock
    CONN_SCAN=unix:$E2E/run/scan.sock CONN_MD=unix:$E2E/md/run/md.sock
    PF_NULL=$CONN_NULL PF_REPLACE=$CONN_REPLACE PF_SCAN=$CONN_SCAN PF_MD=$CONN_MD
else
    pick_port P_MD; pick_port P_NULL; pick_port P_REPLACE; pick_port P_SCAN
    CONN_NULL=inet:$P_NULL@127.0.0.1 CONN_REPLACE=inet:$P_REPLACE@127.0.0.1 CONN_MD=inet:$P_MD@127.0.0.1
    CONN_SCAN=inet:$P_SCAN@127.0.0.1
    PF_NULL=inet:127.0.0.1:$P_NULL PF_REPLACE=inet:127.0.0.1:$P_REPLACE PF_MD=inet:127.0.0.1:$P_MD
    PF_SCAN=inet:127.0.0.1:$P_SCAN
fi
# wait_listen CONN - wait until a filter listens on CONN; a unix socket is
# opened to Postfix's smtpd (it runs as postfix)
wait_listen() {
    case $1 in
    unix:*) wait_socket "${1#unix:}" && chmod 666 "${1#unix:}" ;;
    inet:*) local p=${1#inet:}; wait_port "${p%@*}" ;;
    esac
}
MX_PID= MD_PID= CLAMD_PID= NULL_PID= REPLACE_PID= SCAN_PID= PERF_PID=

# --- MIMEDefang with clamd -------------------------------------------------
start_mimedefang() {
mkdir -p "$E2E/md/spool" "$E2E/md/quarantine" "$E2E/md/run"
MDUSER=defang               # made by the Debian package; MIMEDefang refuses root
chown -R "$MDUSER" "$E2E/md"
cat > "$E2E/clamd.conf" <<CONF
LocalSocket $E2E/clamd.sock
DatabaseDirectory $PWD/fixtures/sigs
Foreground yes
LogFile $E2E/clamd.log
TemporaryDirectory $SCRATCH/clamd
StreamMaxLength 200M
CONF
clamd -c "$E2E/clamd.conf" >/dev/null 2>&1 & CLAMD_PID=$!
cat > "$E2E/md/filter" <<FILTER
# mimedefang-filter for the benchmark: the same job as mugai's default.
use HTML::FormatText;
use MIME::Entity;
\$ClamdSock = '$E2E/clamd.sock';
\$AdminAddress = 'postmaster\@localhost';
\$DaemonAddress = 'mimedefang\@localhost';
our (@Texts, \$Virus, \$Dropped);
sub filter_begin {
    my (\$entity) = @_;
    @Texts = (); \$Virus = ''; \$Dropped = 0;
    my (\$code, \$category, \$action) = message_contains_virus_clamd();
    \$Virus = \$VirusName if \$category eq 'virus';
}
sub filter {
    my (\$entity, \$fname, \$ext, \$type) = @_;
    my \$body = \$entity->bodyhandle ? \$entity->bodyhandle->as_string : '';
    if (\$type eq 'text/plain' && \$fname eq '') {
        push @Texts, \$body;
    } elsif (\$type eq 'text/html' && \$fname eq '') {
        push @Texts, HTML::FormatText->format_string(\$body, leftmargin => 0, rightmargin => 78);
    } else {
        \$Dropped++;
    }
    return action_drop();
}
sub filter_end {
    my (\$entity) = @_;
    my \$notice = "[sanitized] attachments removed: \$Dropped" . (\$Virus ? "; virus: \$Virus" : '') . "\n\n";
    my \$text = \$Virus ? '' : join("\n", @Texts);
    replace_entire_message(MIME::Entity->build(Type => 'text/plain', Charset => 'utf-8',
        Encoding => 'quoted-printable', Data => [\$notice . \$text]));
}
1;
FILTER
cat > "$E2E/md/mimedefang.pl" <<WRAP
#!/bin/sh
exec /usr/bin/mimedefang.pl -f $E2E/md/filter "\$@"
WRAP
chmod 755 "$E2E/md/mimedefang.pl"
chown -R "$MDUSER" "$E2E/md"
for i in $(seq 1 100); do [ -S "$E2E/clamd.sock" ] && break; sleep 0.1; done
chown "$MDUSER" "$SCRATCH/md-spool"
mimedefang-multiplexor -D -U "$MDUSER" -z "$SCRATCH/md-spool" -s "$E2E/md/mx.sock" -f "$E2E/md/mimedefang.pl" \
    -m 2 -x 4 -r 500 -q 100 -Q 60 >"$E2E/md/mx.log" 2>&1 & MX_PID=$!
for i in $(seq 1 100); do [ -S "$E2E/md/mx.sock" ] && break; sleep 0.1; done
chmod 755 "$E2E/md" "$E2E/md/run"
mimedefang -D -U "$MDUSER" -z "$SCRATCH/md-spool" -m "$E2E/md/mx.sock" -p "$CONN_MD" \
    >"$E2E/md/md.log" 2>&1 & MD_PID=$!
wait_listen "$CONN_MD" || { echo "MIMEDefang did not start"; cat "$E2E/md/"*.log; exit 1; }
}
trap 'kill $MD_PID $MX_PID $CLAMD_PID $NULL_PID $REPLACE_PID $SCAN_PID $PERF_PID 2>/dev/null; e2e_stop' EXIT
# --- the null milters: the floor under any milter ----------------------------
# start_null PIDVAR CONN [OPTION...] - null_milter with OPTIONs on CONN, its
# pid in PIDVAR
start_null() {
    local var=$1 conn=$2
    shift 2
    "$NULL_BIN" "$@" "$conn" &
    printf -v "$var" %s $!
    wait_listen "$conn" || { echo "null_milter $* did not start"; exit 1; }
}
has_setup null && start_null NULL_PID "$CONN_NULL"
has_setup replace && start_null REPLACE_PID "$CONN_REPLACE" -r
if has_setup scan; then
    # A copy of mugai's configuration: mugai_pids finds mugai's processes
    # by the path of theirs on the command line.
    cp "$E2E/mugai.conf" "$E2E/scan.conf"
    start_null SCAN_PID "$CONN_SCAN" -s "$E2E/scan.conf"
fi
has_setup mimedefang && start_mimedefang

# --- measurement helpers ----------------------------------------------------
md_pids() { echo "$MD_PID $MX_PID $CLAMD_PID"; pgrep -P "$MX_PID"; }
# cpu_ticks PIDS - utime+stime+cutime+cstime summed (clock ticks)
cpu_ticks() {
    local p t=0
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] || continue
        t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}')))
    done
    echo $t
}
# postfix_pids - Postfix's master and its live children (the master waits
# for the ones that exited, so its cutime holds theirs)
postfix_pids() { local m; m=$(sed -n '1s/ //gp' "$E2E/pf/queue/pid/master.pid" 2>/dev/null); [ -n "$m" ] && { echo "$m"; pgrep -P "$m"; }; }
# filter_pids SETUP - the processes of SETUP's filter (none for postfix);
# read again after a round, since workers may have been replaced
filter_pids() {
    case $1 in mugai) mugai_pids ;; mimedefang) md_pids ;; null) echo "$NULL_PID" ;;
        replace) echo "$REPLACE_PID" ;; scan) echo "$SCAN_PID" ;; esac
}
# machine_ticks - non-idle CPU time of the whole machine (clock ticks)
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# hwm_kb PIDS - sum of peak resident sizes
hwm_kb() { local p t=0; for p in "$@"; do t=$((t + $(awk '/^VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done; echo $t; }
use() {
    case $1 in
    postfix) postconf -c "$E2E/pf/etc" -e 'smtpd_milters=' ;;
    null) postconf -c "$E2E/pf/etc" -e "smtpd_milters=$PF_NULL" ;;
    replace) postconf -c "$E2E/pf/etc" -e "smtpd_milters=$PF_REPLACE" ;;
    scan) postconf -c "$E2E/pf/etc" -e "smtpd_milters=$PF_SCAN" ;;
    mugai) postconf -c "$E2E/pf/etc" -e "smtpd_milters=$PF_MILTER" ;;
    mimedefang) postconf -c "$E2E/pf/etc" -e "smtpd_milters=$PF_MD" ;;
    esac
    postfix -c "$E2E/pf/etc" reload >/dev/null 2>&1
    sleep 2
}
# BENCH_PERF=1: each counted round under `perf record -a` (cpu-clock at
# BENCH_PERF_HZ, default 499), then a table of CPU per message by command
# name, every process on the machine: where a set-up's cost lands (Postfix's
# smtpd, cleanup, qmgr, smtp; the sink; the load generator; the filter).
PERF_HZ=${BENCH_PERF_HZ:-499}
perf_start() {
    [ "${BENCH_PERF:-0}" = 1 ] || return 0
    perf record -q -a -F "$PERF_HZ" -e cpu-clock -o "$E2E/perf-$1-$2.data" >/dev/null 2>&1 & PERF_PID=$!
    sleep 0.5
}
perf_stop() { [ -z "$PERF_PID" ] || { kill -INT "$PERF_PID"; wait "$PERF_PID"; PERF_PID=; }; }
if [ "${BENCH_PERF:-0}" = 1 ] && ! command -v perf >/dev/null; then
    echo "BENCH_PERF=1 needs perf (apt-get install linux-perf)"; exit 1
fi
mapfile -t mix < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' bench/mix.list)
files=(); for m in "${mix[@]}"; do files+=("fixtures/msg/$m.eml"); done

declare -A secs cpu mcpu pcpu
for s in "${SETUPS[@]}"; do secs[$s]=0; cpu[$s]=0; mcpu[$s]=0; pcpu[$s]=0; done
front_cpu=0
# A warm-up round for each, not counted.
for s in "${SETUPS[@]}"; do
    use $s; n0=$(sink_count)
    LOADGEN_ID_BASE=9000000 python3 test/e2e/loadgen.py "$P_SMTPD" 100 10 "${files[@]}" >/dev/null
    wait_sink $((n0 + 100))
done
for r in $(seq 1 "$ROUNDS"); do
    for s in "${SETUPS[@]}"; do
        use $s
        pids=$(filter_pids "$s")
        c0=$(cpu_ticks $pids)
        f0=$(cpu_ticks $(front_pid))
        p0=$(cpu_ticks $(postfix_pids))
        n0=$(sink_count)
        # The machine's CPU is read around the round alone, not around the
        # readings of the processes' CPU above and below: a sed and an awk
        # per process, 2-2.8 ms of CPU per message of a round by perf.
        perf_start "$s" "$r"
        m0=$(machine_ticks)
        t0=$(date +%s.%N)
        LOADGEN_ID_BASE=$((r * 1000000)) python3 test/e2e/loadgen.py "$P_SMTPD" "$N" "$SESSIONS" "${files[@]}" >"$E2E/round.out"
        # Wait for what was accepted (a peer may refuse some, e.g. viruses).
        acc=$(sed -n 's/.*accepted=\([0-9]*\).*/\1/p' "$E2E/round.out")
        for i in $(seq 1 600); do [ "$(sink_count)" -ge $((n0 + acc)) ] && break; sleep 0.05; done
        t1=$(date +%s.%N)
        m1=$(machine_ticks)
        perf_stop
        pids=$(filter_pids "$s")
        c1=$(cpu_ticks $pids)
        pcpu[$s]=$((pcpu[$s] + $(cpu_ticks $(postfix_pids)) - p0))
        [ "$s" = mugai ] && front_cpu=$((front_cpu + $(cpu_ticks $(front_pid)) - f0))
        mcpu[$s]=$((mcpu[$s] + m1 - m0))
        got=$(( $(sink_count) - n0 ))
        secs[$s]=$(echo "${secs[$s]} + ($t1 - $t0) * $N / $got" | bc -l)
        cpu[$s]=$((cpu[$s] + c1 - c0))
        printf 'round %d %-10s %5d/%d relayed in %6.2f s  (%s)\n' "$r" "$s" "$got" "$N" "$(echo "$t1 - $t0" | bc)" "$(tail -1 "$E2E/round.out")"
    done
done
hz=$(getconf CLK_TCK)
total=$((N * ROUNDS))
echo
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), Postfix $(postconf -d -h mail_version)"
echo "messages: $total per set-up ($ROUNDS rounds of $N, $SESSIONS sessions, ${#mix[@]}-message mix); milters over $TRANSPORT sockets"
printf '| set-up | msg/s | vs Postfix alone | milter CPU ms/msg | vs MIMEDefang | Postfix CPU ms/msg | machine CPU ms/msg |\n| --- | --- | --- | --- | --- | --- | --- |\n'
base=
has_setup postfix && base=$(echo "$total / ${secs[postfix]}" | bc -l)
mdcpu=
has_setup mimedefang && mdcpu=$(echo "${cpu[mimedefang]} * 1000 / $hz / $total" | bc -l)
for s in "${SETUPS[@]}"; do
    rate=$(echo "$total / ${secs[$s]}" | bc -l)
    ms=$(echo "${cpu[$s]} * 1000 / $hz / $total" | bc -l)
    vsp='-'; [ -n "$base" ] && vsp=$(printf '%.0f %%' "$(echo "100 * $rate / $base" | bc -l)")
    cpus='-'; vs='-'
    if [ $s != postfix ]; then
        cpus=$(printf '%.2f' "$ms")
        [ -n "$mdcpu" ] && vs=$(printf '%.2f' "$(echo "$ms / $mdcpu" | bc -l)")
    fi
    printf '| %s | %.0f | %s | %s | %s | %.2f | %.2f |\n' "$s" "$rate" "$vsp" "$cpus" "$vs" \
        "$(echo "${pcpu[$s]} * 1000 / $hz / $total" | bc -l)" "$(echo "${mcpu[$s]} * 1000 / $hz / $total" | bc -l)"
done
# vs_baseline SETUP WHAT - mugai's rate as a share of SETUP's (the same
# messages, so the ratio of the times taken)
vs_baseline() {
    has_setup "$1" && has_setup mugai || return 0
    printf 'mugai reaches %.0f %% of the rate of %s\n' "$(echo "100 * ${secs[$1]} / ${secs[mugai]}" | bc -l)" "$2"
}
vs_baseline replace 'null_milter -r, the ceiling for a milter that replaces every body here'
vs_baseline scan 'null_milter -s, the floor under a milter that replaces every body and scans it with libclamav'
if [ "${BENCH_PERF:-0}" = 1 ]; then
    echo
    echo "CPU ms per message by command (perf record -a, cpu-clock at $PERF_HZ Hz, $ROUNDS rounds; 'swapper' is idle time the sampler saw):"
    for s in "${SETUPS[@]}"; do
        for f in "$E2E"/perf-"$s"-*.data; do
            perf report -i "$f" --stdio -n --sort comm 2>/dev/null | awk -v s="$s" '/^ +[0-9.]+% +[0-9]+ /{print s, $2, $3}'
        done
    done | python3 -c '
import collections, sys
hz, total, setups = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
ms = collections.defaultdict(lambda: collections.Counter())
for line in sys.stdin:
    s, n, comm = line.split(None, 2)
    ms[comm.strip()][s] += int(n) * 1000.0 / hz / total
top = sorted(ms, key=lambda c: -sum(ms[c].values()))
shown = [c for c in top if max(ms[c].values()) >= 0.05][:16]
print("| command | " + " | ".join(setups) + " |")
print("| --- |" + " --- |" * len(setups))
for c in shown:
    print("| %s | %s |" % (c, " | ".join("%.2f" % ms[c][s] for s in setups)))
rest = [c for c in top if c not in shown]
print("| (others) | %s |" % " | ".join("%.2f" % sum(ms[c][s] for c in rest) for s in setups))
print("| all | %s |" % " | ".join("%.2f" % sum(ms[c][s] for c in top) for s in setups))
' "$PERF_HZ" "$total" "${SETUPS[@]}"
fi
has_setup mugai && printf 'mugai-milter CPU by process: front %.2f ms/msg, supervisor and workers %.2f ms/msg\n' \
    "$(echo "$front_cpu * 1000 / $hz / $total" | bc -l)" "$(echo "(${cpu[mugai]} - $front_cpu) * 1000 / $hz / $total" | bc -l)"
has_setup mimedefang && echo "peak memory (sum of VmHWM): mugai $(( $(hwm_kb $(mugai_pids)) / 1024 )) MB over $(mugai_pids | wc -w) processes; MIMEDefang $(( $(hwm_kb $(md_pids)) / 1024 )) MB over $(md_pids | wc -w) processes (clamd included)"
[ "${BENCH_MEMORY:-1}" = 0 ] && exit 0

# --- memory: 50 concurrent messages, then one 100 MB message ---------------
use mugai
milter_stop; milter_start
n0=$(sink_count)
LOADGEN_ID_BASE=8000000 python3 test/e2e/loadgen.py "$P_SMTPD" 500 50 "${files[@]}" >/dev/null
wait_sink $((n0 + 500))
echo "mugai-milter, 50 concurrent sessions (500 messages): peak RSS $(( $(hwm_kb $(mugai_pids)) / 1024 )) MB summed over $(mugai_pids | wc -w) processes; largest single process $(( $(for p in $(mugai_pids); do awk '/^VmHWM/ {print $2}' /proc/$p/status; done | sort -n | tail -1) / 1024 )) MB"
# One large message at a time, of growing size: the worker's peak should
# not grow with it (the front spools past spool_memory and hands the file
# over; the engine works from files past [engine] in_memory_max).
for mb in ${BENCH_BIG_SIZES:-10 50 100}; do
python3 - "$E2E/big.eml" "$mb" <<'PY'
import base64, os, sys
with open(sys.argv[1], 'wb') as f:
    f.write(b'From: a@example.net\r\nTo: b@example.lg.jp\r\nSubject: big\r\nMIME-Version: 1.0\r\n'
            b'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbig one\r\n'
            b'--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.bin"\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\n')
    raw = os.urandom(57 * 1024)
    line = base64.encodebytes(raw).replace(b'\n', b'\r\n')
    for _ in range(int(int(sys.argv[2]) * 1024 * 1024 / len(line))):
        f.write(line)
    f.write(b'--b--\r\n')
PY
milter_stop; milter_start
before=$(hwm_kb $(mugai_pids))
n0=$(sink_count)
t0=$(date +%s.%N)
send "$E2E/big.eml" >/dev/null 2>&1
wait_sink $((n0 + 1))
t1=$(date +%s.%N)
front=$(front_pid)
echo "one $(( $(stat -c %s "$E2E/big.eml") / 1048576 )) MB message: relayed in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s; peak RSS front $(( $(awk '/^VmHWM/ {print $2}' /proc/$front/status) / 1024 )) MB (spooled to disk), largest worker $(( $(for p in $(mugai_pids); do [ "$p" = "$front" ] || [ "$p" = "$MILTER_PID" ] || awk '/^VmHWM/ {print $2}' /proc/$p/status; done | sort -n | tail -1) / 1024 )) MB, all processes $(( $(hwm_kb $(mugai_pids)) / 1024 )) MB (idle before: $((before / 1024)) MB)"
done
