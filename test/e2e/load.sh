#!/usr/bin/env bash
# load.sh - LOAD_MESSAGES (default 10,000) messages of a realistic mix over
# 50 concurrent SMTP sessions through a real Postfix and mugai-milter: every
# one must be delivered sanitized (the held ones too), none lost, and the
# milter's memory and file descriptors must stay flat.
# Usage: load.sh MUGAI-MILTER MUGAI
cd "$(dirname "$0")/../.."
. test/e2e/lib.sh
e2e_skip_unless_root
total=${LOAD_MESSAGES:-10000}
sessions=50
E2E_CONF_EXTRA="[output]
keep_headers = X-Load-Id" e2e_start "$1" "$2"
sed -i 's/^workers = 2$/workers = 4/' "$E2E/mugai.conf"
milter_stop; milter_start

# sample LABEL - total RSS (KB) and open descriptors of every mugai process
sample() {
    local p rss=0 fds=0 n=0
    for p in $(mugai_pids); do
        rss=$((rss + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
        fds=$((fds + $(ls "/proc/$p/fd" 2>/dev/null | wc -l)))
        n=$((n + 1))
    done
    echo "$1 processes=$n rss_kb=$rss fds=$fds"
}

# The mix: Japanese plain text, HTML newsletters, attachments (PDF, Office,
# archives, an executable), a virus, forwarded and damaged messages.
mix=(ja-outlook-nec ja-gmail-split ja-thunderbird-sjis ja-keitai-hankaku iso-2022-jp html-newsletter
     html-newsletter shift-jis-html-meta alternative-plain alternative-stub related-inline-images
     attachment-names true-type policy-macro policy-nested policy-encrypted policy-ja-members
     virus-eicar forwarded-rfc822 malformed-boundary)
files=(); for m in "${mix[@]}"; do files+=("fixtures/msg/$m.eml"); done

# Warm-up: the workers have loaded what they load lazily.
LOADGEN_ID_BASE=1000000 python3 test/e2e/loadgen.py "$P_SMTPD" 200 10 "${files[@]}" >/dev/null
wait_sink 200
sample start | tee "$E2E/samples"
(
    while sleep 5; do sample "t+$((SECONDS))s"; done >>"$E2E/samples"
) & sampler=$!
n0=$(sink_count)
python3 test/e2e/loadgen.py "$P_SMTPD" "$total" "$sessions" "${files[@]}" | tee "$E2E/load.out"
kill $sampler
check "all $total accepted by Postfix (2xx)" grep -q "accepted=$total " "$E2E/load.out"
for i in $(seq 1 60); do [ "$(sink_count)" -ge $((n0 + total)) ] && break; sleep 2; done
check "all $total relayed" test "$(sink_count)" -ge $((n0 + total))
sample end | tee -a "$E2E/samples"
cat "$E2E/samples"

# Every X-Load-Id arrived exactly once, and every delivery is sanitized.
grep -h '^X-Load-Id:' "$E2E"/sink/* | tr -d '\r' | awk '{print $2}' | sort -n | uniq -c >"$E2E/ids"
check "every load id arrived" test "$(awk '$2 >= 1 && $2 <= '"$total" "$E2E/ids" | wc -l)" -eq "$total"
check "none arrived twice" test -z "$(awk '$1 > 1' "$E2E/ids")"
check "every delivery carries X-Mugai-Status" test -z "$(grep -L '^X-Mugai-Status: ' "$E2E"/sink/*)"
check "no attachment reached the sink" test -z "$(grep -l '^Content-Disposition: attachment' "$E2E"/sink/*)"
check "no EICAR string reached the sink" test -z "$(grep -l 'EICAR-STANDARD-ANTIVIRUS' "$E2E"/sink/*)"
held=$(mq list --status held --json | grep -c '"id" :')
check "held originals recorded ($held)" test "$held" -gt 0
check "quarantine store consistent" mq check

# Flat: after the warm-up, memory grows by less than half and descriptors by
# at most a few (a leak of one per message would show thousands).
rss0=$(awk '/^start/ {sub("rss_kb=", "", $3); print $3}' "$E2E/samples")
rss1=$(awk '/^end/ {sub("rss_kb=", "", $3); print $3}' "$E2E/samples")
fd0=$(awk '/^start/ {sub("fds=", "", $4); print $4}' "$E2E/samples")
fd1=$(awk '/^end/ {sub("fds=", "", $4); print $4}' "$E2E/samples")
if ldd "$1" 2>/dev/null | grep -q libasan; then
    # ASan keeps freed memory in its quarantine (256 MB per process), so RSS
    # grows by design; its leak checker at exit covers leaks instead.
    echo "note: AddressSanitizer build, memory ${rss0} KB -> ${rss1} KB not judged"
else
    check "memory flat: ${rss0} KB -> ${rss1} KB" test "$rss1" -lt $((rss0 * 3 / 2))
fi
check "descriptors flat: $fd0 -> $fd1" test "$fd1" -le $((fd0 + 8))
echo "$((checks - fail)) of $checks checks passed"
[ "$fail" -eq 0 ]
