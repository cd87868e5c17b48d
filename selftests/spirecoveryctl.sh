#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# spirecoveryctl against the real module, in the VM: every command, its text
# and JSON output, its errors and exit statuses (0 ok, 1 usage, 2 failure).
# Real IPsec: $NS_A sends ESP with the kernel's own SAs, $NS_B loses its
# inbound SA, and the miss it then reports is checked field by field against
# the SA and the packet, and against what the kernel's YNL library decodes
# from the same notification. JSON is checked with jq (python3 starts too
# slowly under TCG to run once per check).
source "$(dirname "$0")/lib.sh"

require_root_tools
CTL=$BUILD/tools/spirecoveryctl
[ -x "$CTL" ] || bail "spirecoveryctl is built" "no $CTL: run make -C tools on the host"
SPEC=$REPO/Documentation/netlink/specs/spirecovery.yaml
SPI=0x5ec0e5a1     # the SA that B loses
BARRIER_SA=0xba000000 # an SA only A has: each datagram through it is a miss at B
BARRIER_PORT=9

# ctl ARGS...: run spirecoveryctl, keeping stdout in $OUT, stderr in $ERR and
# the exit status in $RC.
ctl() {
	OUT=$("$CTL" "$@" 2>"$TMP/ctl.err")
	RC=$?
	ERR=$(cat "$TMP/ctl.err")
}

# check_fails DESC STATUS STDERR-REGEX ARGS...: spirecoveryctl exits with
# STATUS, prints nothing on stdout and a matching line on stderr.
check_fails() {
	local desc=$1 status=$2 regex=$3
	shift 3
	ctl "$@"
	if [ "$RC" = "$status" ] && [ -z "$OUT" ] && grep -qE -- "$regex" <<<"$ERR"; then
		ok "$desc"
	else
		not_ok "$desc" "spirecoveryctl $*" "status $RC (want $status), stdout: $OUT" \
			"stderr: $ERR" "want stderr matching: $regex"
	fi
}

# check_json DESC JQ-FILTER: $OUT is JSON and the filter yields true.
check_json() {
	local result
	if result=$(jq -e "$2" <<<"$OUT" 2>&1) && [ "$result" = true ]; then
		ok "$1"
	else
		not_ok "$1" "jq: $2" "got: $result" "JSON: $OUT"
	fi
}

# counter NAME: a counter of B, read with the selftests' own netlink client.
counter() {
	kv "$1" "$(sr "$NS_B" get-stats)"
}

# events_due: events B's module tried to deliver; while a listener is there
# each lands in events-sent, send-failed or no-listener.
events_due() {
	local stats
	stats=$(sr "$NS_B" get-stats)
	echo $(($(kv events-sent "$stats") + $(kv send-failed "$stats") + $(kv no-listener "$stats")))
}

# barrier: a datagram through the barrier SA, so one more miss event at B.
barrier() {
	send_udp "$NS_A" $B4 $BARRIER_PORT
}

# barriers FILE: how many barrier events FILE holds.
barriers() {
	grep -ci "$BARRIER_SA" "$1"
}

# ---- no module -------------------------------------------------------------

rmmod spirecovery 2>/dev/null
# Looking the family up loads an installed module (MODULE_ALIAS_GENL_FAMILY);
# pretend it is not installed by making modprobe a no-op.
modprobe_path=$(cat /proc/sys/kernel/modprobe)
echo /bin/true >/proc/sys/kernel/modprobe
check_fails "without the module: show says to load it (exit 2)" 2 \
	'^spirecoveryctl: the spirecovery kernel module is not loaded \(run: modprobe spirecovery\)$' \
	show
echo "$modprobe_path" >/proc/sys/kernel/modprobe
ctl show
check_eq "with the module installed, the first command loads it" "0:yes" \
	"$RC:$([ -d /sys/module/spirecovery ] && echo yes)"

# ---- topology: A -> B over ESP with the kernel's own SAs --------------------

topo_pair
# Two SAs from A to B: reqids bind each policy to its own.
xfrm_sa "$NS_A" esp $A4 $B4 $SPI reqid 1
xfrm_sa "$NS_B" esp $A4 $B4 $SPI reqid 1
ip -n "$NS_A" xfrm policy add src $A4 dst $B4 proto icmp dir out \
	tmpl src $A4 dst $B4 proto esp reqid 1 mode transport || bail "xfrm policy icmp A->B"
xfrm_sa "$NS_A" esp $A4 $B4 $BARRIER_SA reqid 2
ip -n "$NS_A" xfrm policy add src $A4 dst $B4 proto udp dport $BARRIER_PORT dir out \
	tmpl src $A4 dst $B4 proto esp reqid 2 mode transport || bail "xfrm policy udp A->B"
ping_b() {
	ip netns exec "$NS_A" ping -q -c 1 -W "${1:-2}" $B4 >/dev/null 2>&1
}
ping_b 5
check_eq "ping over ESP works while B has the SA" 0 $?

check_fails "-n with a namespace that does not exist: named (exit 2)" 2 \
	"^spirecoveryctl: network namespace \"nope-$$\" not found" -n "nope-$$" show

# ---- show, enable, set -------------------------------------------------------

ctl -n "$NS_B" show
check_eq "show: exit 0" 0 "$RC"
check_eq "show: off by default, the default limits" \
	"recovery     disabled|per source   1 events/s, burst 5|per netns    100 events/s, burst 200|ipv6 prefix  /64" \
	"$(head -4 <<<"$OUT" | paste -sd'|')"

ctl -n "$NS_B" enable
check_eq "enable: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" show -j
check_json "show -j: JSON with the spec's keys, enabled" \
	'.config == {"enabled": 1, "source-rate": 1, "source-burst": 5, "global-rate": 100,
	 "global-burst": 200, "ipv6-prefix": 64}
	 and (.summary | keys) == (["events-sent", "misses", "misses-ipv4", "misses-ipv6",
	 "sources", "suppressed", "suppressed-global", "suppressed-source", "unknown-source"])'

ctl -n "$NS_B" set source-burst 3 global-rate 500
check_eq "set two values: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" -j show
check_json "set changed only the given values" \
	'.config == {"enabled": 1, "source-rate": 1, "source-burst": 3, "global-rate": 500,
	 "global-burst": 200, "ipv6-prefix": 64}'

# The kernel's words may vary; the message must name the attribute and its range.
check_fails "set source-rate 0: the kernel's reason, the attribute, the range (exit 2)" 2 \
	'^spirecoveryctl: the kernel rejected set-config: .*source-rate.*1\.\.1000000' \
	-n "$NS_B" set source-rate 0
check_fails "set ipv6-prefix 129: the kernel's reason, the attribute, the range (exit 2)" 2 \
	'^spirecoveryctl: the kernel rejected set-config: .*ipv6-prefix.*1\.\.128' \
	-n "$NS_B" set ipv6-prefix 129
check_fails "set global-burst 2 ipv6-prefix 0: the bad one is named (exit 2)" 2 \
	'^spirecoveryctl: the kernel rejected set-config: .*ipv6-prefix.*1\.\.128' \
	-n "$NS_B" set global-burst 2 ipv6-prefix 0
ctl -n "$NS_B" -j show
check_json "a rejected set changes nothing" \
	'.config."global-burst" == 200 and .config."ipv6-prefix" == 64'
check_fails "set source-rate ten: refused before asking the kernel (exit 1)" 1 \
	'^spirecoveryctl: set: source-rate ten is not a decimal number \(allowed: 1\.\.1000000\)$' \
	-n "$NS_B" set source-rate ten
check_fails "an unknown command: the usage (exit 1)" 1 '^Usage: spirecoveryctl' frobnicate

# ---- without privileges --------------------------------------------------------

# unprivileged NS ARGS...: spirecoveryctl ARGS as nobody, without capabilities, in NS.
unprivileged() {
	local ns=$1
	shift
	OUT=$(ip netns exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all "$CTL" "$@" 2>"$TMP/ctl.err")
	RC=$? ERR=$(cat "$TMP/ctl.err")
}
for cmd in show stats sources flush enable monitor; do
	unprivileged "$NS_B" $cmd
	check_eq "unprivileged $cmd: says what it needs (exit 2)" \
		"2:spirecoveryctl: not permitted: this needs CAP_NET_ADMIN in the network namespace (run as root)" \
		"$RC:$ERR"
done
unprivileged "$NS_A" -n "$NS_B" show
check_eq "unprivileged -n: entering the namespace needs CAP_SYS_ADMIN (exit 2)" \
	"2:spirecoveryctl: not permitted to enter network namespace \"$NS_B\": this needs CAP_SYS_ADMIN (run as root)" \
	"$RC:$ERR"

# ---- monitor: an SA miss, as text, as JSON and as YNL decodes it --------------

# Room for the barriers from here on; limits are tested by ratelimit.sh.
ctl -n "$NS_B" set source-rate 1000 source-burst 1000

# start_monitor NAME ARGS...: spirecoveryctl -n $NS_B monitor ARGS in the
# background, output in $TMP/NAME.out; returns once it demonstrably receives
# events (a barrier event reached it).
declare -A MONITOR_PID
start_monitor() {
	local name=$1
	shift
	"$CTL" -n "$NS_B" monitor "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	MONITOR_PID[$name]=$!
	BG_PIDS+=($!)
	for _ in $(seq 30); do
		barrier
		wait_until 1 test "$(barriers "$TMP/$name.out")" -gt 0 && return
	done
	bail "monitor $name receives events" "$(cat "$TMP/$name.err")"
}

start_monitor json -j
start_monitor text -t
ip netns exec "$NS_B" python3 "$PYTOOLS/ynl_events.py" --ynl "$TOOLS/ynl" --spec "$SPEC" \
	--group events --count 1 --timeout 120 --ready "$TMP/ynl.ready" >"$TMP/ynl.out" 2>&1 &
ynl_pid=$!
BG_PIDS+=("$ynl_pid")
wait_until 60 test -e "$TMP/ynl.ready" || bail "YNL listener" "$(cat "$TMP/ynl.out")"

ip -n "$NS_B" xfrm state del src $A4 dst $B4 proto esp spi $SPI || bail "delete B's SA"
ping_b 1
check_eq "ping fails once B has lost the SA" 1 $?
wait "$ynl_pid"
wait_until 10 grep -q "\"$SPI\"" "$TMP/json.out"
OUT=$(grep "\"$SPI\"" "$TMP/json.out" | head -1)
check_json "monitor -j: the miss, every field as sent (the SA's SPI, ESP seq 2, veth_b)" \
	'.name == "miss-ntf" and (.msg | del(.timestamp)) ==
	 {"family": 2, "proto": 50, "saddr4": "'$A4'", "daddr4": "'$B4'", "spi": "'$SPI'",
	  "seq": 2, "encap": "none", "ifindex": '$IFINDEX_B', "mark": 0, "suppressed": 0}
	 and (.msg.timestamp | type) == "number"'
check_json "monitor -j: the attributes in spec order" \
	'[.msg | keys_unsorted[]] == ["family", "proto", "saddr4", "daddr4", "spi", "seq", "encap",
	 "ifindex", "mark", "suppressed", "timestamp"]'
# The YNL listener's first event may be a late barrier: compare it with our
# line of the same notification, found by its timestamp.
ynl_event=$(head -1 "$TMP/ynl.out")
stamp=$(jq .msg.timestamp <<<"$ynl_event")
check_eq "monitor -j prints what the kernel's YNL library decodes from the same message" \
	"$(jq -cS . <<<"$ynl_event")" \
	"$(jq -cS "select(.msg.timestamp == $stamp)" "$TMP/json.out")"

spi_text=$(printf '0x%08x' $SPI)
wait_until 10 grep -qF "spi=$spi_text" "$TMP/text.out"
text_line=$(grep -F "spi=$spi_text" "$TMP/text.out" | head -1)
if [[ "$text_line" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z\ (.*)$ ]] &&
	[ "${BASH_REMATCH[1]}" = "%SPIRECOVERY-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=$B4, prot=50, spi=$spi_text, srcaddr=$A4 (0 suppressed)" ]; then
	ok "monitor -t: a timestamp and the IOS log line"
else
	not_ok "monitor -t: a timestamp and the IOS log line" "got: $text_line" \
		"output: $(cat "$TMP/text.out")"
fi
# ESP in UDP over IPv6 (crafted: B holds an encapsulation socket as an IKE
# daemon does), for the addresses, ports and encap of the other family.
ip netns exec "$NS_B" python3 "$PYTOOLS/encap_socket.py" --family 6 --port 4500 \
	--ready "$TMP/encap.ready" --out "$TMP/encap.out" &
BG_PIDS+=($!)
wait_until 60 test -e "$TMP/encap.ready" || bail "encapsulation socket in $NS_B"
send_ab "esp:src=$A6,dst=$B6,spi=0xfedcba98,seq=78,sport=4501,dport=4500"
wait_until 10 grep -q '"0xfedcba98"' "$TMP/json.out"
OUT=$(grep '"0xfedcba98"' "$TMP/json.out" | head -1)
check_json "monitor -j: an ESP-in-UDP/IPv6 miss, as YNL renders it" \
	'(.msg | del(.timestamp)) == {"family": 10, "proto": 50, "saddr6": "'$A6'",
	 "daddr6": "'$B6'", "spi": "0xfedcba98", "seq": 78, "encap": "espinudp", "sport": 4501,
	 "dport": 4500, "ifindex": '$IFINDEX_B', "mark": 0, "suppressed": 0}'
wait_until 10 grep -q 'spi=0xfedcba98' "$TMP/text.out"
check_eq "monitor -t: the ports of ESP in UDP" \
	"destaddr=$B6, prot=50, spi=0xfedcba98, srcaddr=$A6, sport=4501, dport=4500 (0 suppressed)" \
	"$(grep -o 'destaddr=.*0xfedcba98.*' "$TMP/text.out")"

# An SPI with leading zeros: written 0x%08x everywhere, as ip xfrm state prints it.
send_ab "esp:src=198.51.100.9,dst=$B4,spi=0x1000,seq=1"
wait_until 10 grep -q 'srcaddr=198.51.100.9' "$TMP/text.out" &&
	wait_until 10 grep -q '"198.51.100.9"' "$TMP/json.out"
check_eq "SPI 0x1000 is 0x00001000 in monitor, monitor -j and dmesg" \
	"spi=0x00001000, srcaddr=198.51.100.9|0x00001000|spi=0x00001000, srcaddr=198.51.100.9" \
	"$(grep -o 'spi=[^ ]* srcaddr=198.51.100.9' "$TMP/text.out")|$(grep '"198.51.100.9"' \
		"$TMP/json.out" | jq -r .msg.spi)|$(dmesg | grep -o 'spi=[^ ]* srcaddr=198.51.100.9' | tail -1)"

kill -INT "${MONITOR_PID[text]}"
wait "${MONITOR_PID[text]}"
check_eq "monitor: SIGINT ends it with status 0" 0 $?

# ---- stats, sources, flush --------------------------------------------------------

ctl -n "$NS_B" stats -j
check_json "stats -j: every counter of the spec, in order; the misses and events counted" \
	'keys_unsorted == ["miss-ipv4-esp", "miss-ipv4-ah", "miss-ipv4-esp-udp", "miss-ipv6-esp",
	 "miss-ipv6-ah", "miss-ipv6-esp-udp", "events-sent", "suppressed-source",
	 "suppressed-global", "malformed", "send-failed", "no-listener", "disabled",
	 "unknown-source"]
	 and ."miss-ipv4-esp" >= 2 and ."events-sent" >= 2'
ctl -n "$NS_B" stats -s -p
check_json "stats -s -p: totals and shares" \
	'.derived.misses == ([to_entries[] | select(.key | startswith("miss-")) | .value] | add)
	 and (100 * ."events-sent" / .derived.misses - .derived."events-sent-pct" | fabs) <= 0.05'
ctl -n "$NS_B" stats
check_eq "stats: one line per counter, named as in the spec" \
	"14:$(counter miss-ipv4-esp)" \
	"$(wc -l <<<"$OUT"):$(awk '$1 == "miss-ipv4-esp" { print $2 }' <<<"$OUT")"
ctl -n "$NS_B" stats -P
# Prometheus' own parser (python3-prometheus-client): families, type, label and a value.
check_eq "stats -P: Prometheus' parser reads 14 counters, labelled netns=\"$NS_B\"" \
	"14 counter {'netns': '$NS_B'} $(counter miss-ipv4-esp)" \
	"$(/usr/bin/python3 -c '
import sys
from prometheus_client.parser import text_string_to_metric_families as parse
fams = {f.name: f for f in parse(sys.stdin.read())}
f = fams["spirecovery_miss_ipv4_esp"]
print(len(fams), f.type, f.samples[0].labels, int(f.samples[0].value))' <<<"$OUT" 2>&1)"
label() { grep -o 'spirecovery_events_sent_total{netns="[^"]*"}' <<<"$1"; }
check_eq "stats -P without -n: the namespace's name in /run/netns, else net:[INODE]" \
	"spirecovery_events_sent_total{netns=\"$NS_B\"}|spirecovery_events_sent_total{netns=\"net:[$(stat -L -c %i /proc/self/ns/net)]\"}" \
	"$(label "$(ip netns exec "$NS_B" "$CTL" stats -P)")|$(label "$("$CTL" stats -P)")"
check_fails "stats -P -j: a usage error" 1 "give it without --json" -n "$NS_B" stats -P -j

ctl -n "$NS_B" sources -j
check_json "sources -j: A's entry, as get-source dumps it" \
	'[.[] | select(."addr4" == "'$A4'" and .family == 2 and ."prefix-len" == 32
	 and .misses >= 2 and (keys_unsorted == ["family", "addr4", "prefix-len", "tokens",
	 "suppressed", "misses", "last-seen-msecs"]))] | length == 1'
ctl -n "$NS_B" sources
check_eq "sources: a header and A's line" "SOURCE TOKENS SUPPRESSED MISSES LAST-SEEN|$A4/32" \
	"$(head -1 <<<"$OUT" | tr -s ' ')|$(awk -v a="$A4/32" '$1 == a { print $1 }' <<<"$OUT")"
ctl -n "$NS_B" flush
check_eq "flush: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" sources -j
check_eq "flush empties the source table" "[]" "$OUT"

# ---- peers: the recovery peer set ------------------------------------------------

ctl -n "$NS_B" peers
check_eq "peers: the set is empty at first (exit 0, no output)" "0:" "$RC:$OUT"
ctl -n "$NS_B" peers set 192.0.2.0/24 2001:db8::/32 198.51.100.7
check_eq "peers set: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" peers show
check_eq "peers show: one ADDR/LEN per line, in the kernel's order" \
	"192.0.2.0/24|198.51.100.7/32|2001:db8::/32" "$(paste -sd'|' <<<"$OUT")"
ctl -n "$NS_B" peers -j
check_json "peers -j: an array of the spec's peer attributes" \
	'. == [{"addr4": "192.0.2.0", "prefix-len": 24}, {"addr4": "198.51.100.7", "prefix-len": 32},
	 {"addr6": "2001:db8::", "prefix-len": 32}]'
ctl -n "$NS_B" peers add 203.0.113.0/25 fd00:1::/64
check_eq "peers add: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" peers del 198.51.100.7 2001:db8::/32
check_eq "peers del: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" peers show
check_eq "peers add and del changed only their peers" "192.0.2.0/24|203.0.113.0/25|fd00:1::/64" \
	"$(paste -sd'|' <<<"$OUT")"

# A is outside the set: its misses only count as unknown-source.
unknown_before=$(counter unknown-source)
barrier
wait_until 10 test "$(counter unknown-source)" -gt "$unknown_before"
ctl -n "$NS_B" stats -j
check_json "a miss from outside the set: stats -j counts it as unknown-source" \
	'."unknown-source" > '"$unknown_before"
ctl -n "$NS_B" show -j
check_json "show -j: the same unknown-source in the summary" \
	'.summary."unknown-source" > '"$unknown_before"

check_fails "peers add of a peer in the set: the kernel refuses, naming it (exit 2)" 2 \
	'^spirecoveryctl: peer-add: the kernel refused 192\.0\.2\.0/24: peer is already in the set or listed twice \(EEXIST\)$' \
	-n "$NS_B" peers add 198.51.100.1 192.0.2.0/24
check_fails "peers set listing a peer twice: the kernel names the second (exit 2)" 2 \
	'^spirecoveryctl: peer-set: the kernel refused 10\.0\.0\.9/32: .*\(EEXIST\)$' \
	-n "$NS_B" peers set 10.0.0.8 10.0.0.9 10.0.0.9
check_fails "peers del of a peer not in the set: the kernel names it (exit 2)" 2 \
	'^spirecoveryctl: peer-del: the kernel refused 10\.9\.0\.0/16: peer is not in the set.*\(ENOENT\)$' \
	-n "$NS_B" peers del 192.0.2.0/24 10.9.0.0/16
ctl -n "$NS_B" peers show
check_eq "a refused write changes nothing" "192.0.2.0/24|203.0.113.0/25|fd00:1::/64" \
	"$(paste -sd'|' <<<"$OUT")"

check_fails "peers add with host bits: the network is suggested (exit 1)" 1 \
	'^spirecoveryctl: peers add: 192\.0\.2\.1/24 has bits set past /24; did you mean 192\.0\.2\.0/24\?$' \
	-n "$NS_B" peers add 192.0.2.1/24
check_fails "peers add with a prefix too long for IPv4 (exit 1)" 1 \
	'^spirecoveryctl: peers add: 192\.0\.2\.0/33: prefix length 33 is out of range 0\.\.32 for IPv4$' \
	-n "$NS_B" peers add 192.0.2.0/33
check_fails "peers del of a name: addresses only (exit 1)" 1 \
	'^spirecoveryctl: peers del: "vpn\.example" is not an IPv4 or IPv6 address' \
	-n "$NS_B" peers del vpn.example
check_fails "peers add without a peer (exit 1)" 1 \
	'^spirecoveryctl: peers add: no peer given \(give one or more ADDR\[/LEN\]\)$' \
	-n "$NS_B" peers add
printf '10.0.0.0/8\n# a comment\n10.1.2.3/16\n' >"$TMP/bad.peers"
check_fails "peers set -f: a bad line is named by its number (exit 1)" 1 \
	"^spirecoveryctl: peers set: $TMP/bad.peers:3: 10\.1\.2\.3/16 has bits set past /16; did you mean 10\.1\.0\.0/16\?$" \
	-n "$NS_B" peers set -f "$TMP/bad.peers"
check_fails "peers set -f of a missing file (exit 2)" 2 \
	"^spirecoveryctl: peers set: cannot read $TMP/none\.peers: No such file or directory$" \
	-n "$NS_B" peers set -f "$TMP/none.peers"

# 65536 peers (the module's default limit) in one atomic replace, about 1.3 MB in one message:
# from a file, with comments, and from standard input.
awk 'BEGIN { print "# every 10.x.y.0/24"; for (i = 0; i < 65536; i++)
	printf "10.%d.%d.0/24\n", int(i / 256), i % 256 }' >"$TMP/many.peers"
start=$(date +%s%N)
ctl -n "$NS_B" peers set -f "$TMP/many.peers"
note "peers set -f of 65536 peers: $((($(date +%s%N) - start) / 1000000)) ms (information only)"
check_eq "peers set -f of 65536 peers: exit 0, silent" "0:" "$RC:$OUT$ERR"
start=$(date +%s%N)
ctl -n "$NS_B" peers
note "peers show of 65536 peers: $((($(date +%s%N) - start) / 1000000)) ms (information only)"
check_eq "peers show: all 65536, the first and the last" "65536|10.0.0.0/24|10.255.255.0/24" \
	"$(wc -l <<<"$OUT")|$(head -1 <<<"$OUT")|$(tail -1 <<<"$OUT")"
check_fails "a 65537th peer: the kernel refuses, naming it (exit 2)" 2 \
	'^spirecoveryctl: peer-add: the kernel refused 192\.0\.2\.1/32: .*module parameter peers.*\(ENOSPC\)$' \
	-n "$NS_B" peers add 192.0.2.1
"$CTL" -n "$NS_B" peers set -f - <"$TMP/bad.peers" >/dev/null 2>&1
check_eq "peers set -f - with a bad line: exit 1" 1 $?
head -1000 "$TMP/many.peers" | "$CTL" -n "$NS_B" peers set -f -
rc=$?
ctl -n "$NS_B" peers
check_eq "peers set -f -: read from standard input" "0:999" "$rc:$(wc -l <<<"$OUT")"

for args in "peers" "peers add 10.0.0.1" "peers flush"; do
	unprivileged "$NS_B" $args
	check_eq "unprivileged $args: says what it needs (exit 2)" \
		"2:spirecoveryctl: not permitted: this needs CAP_NET_ADMIN in the network namespace (run as root)" \
		"$RC:$ERR"
done

ctl -n "$NS_B" peers flush
check_eq "peers flush: exit 0, silent" "0:" "$RC:$OUT$ERR"
ctl -n "$NS_B" peers -j
check_eq "peers flush empties the set" "[]" "$OUT"
ctl -n "$NS_B" peers set 192.0.2.0/24
ctl -n "$NS_B" peers set
ctl -n "$NS_B" peers
check_eq "peers set without peers empties the set too" "0:" "$RC:$OUT"

# ---- disable stops the events --------------------------------------------------

ctl -n "$NS_B" disable
check_eq "disable: exit 0" 0 "$RC"
disabled_before=$(counter disabled)
lines_before=$(wc -l <"$TMP/json.out")
ping_b 1
check_eq "disabled: the miss is counted as such" 1 $(($(counter disabled) - disabled_before))
ctl -n "$NS_B" enable
barrier
wait_until 10 test "$(tail -n +$((lines_before + 1)) "$TMP/json.out" | barriers -)" -gt 0
check_eq "disabled: no event; the first one after enable is the barrier's" "$BARRIER_SA" \
	"$(tail -n +$((lines_before + 1)) "$TMP/json.out" | jq -r .msg.spi | paste -sd' ')"

# ---- overrun: a stopped monitor loses events, and says how many ----------------

ctl -n "$NS_B" set source-rate 1000000 source-burst 1000000 global-rate 1000000 \
	global-burst 1000000
# A barrier seen means every miss before it has been handled: counters are still.
seen=$(barriers "$TMP/json.out")
barrier
wait_until 30 test "$(barriers "$TMP/json.out")" -gt "$seen"
lines_before=$(wc -l <"$TMP/json.out")
due_before=$(events_due)
failed_before=$(counter send-failed)
kill -STOP "${MONITOR_PID[json]}"
send_ab "esp:src=10.0.7.1,dst=$B4,spi=0x0f100d00,seq=1,count=3000"
kill -CONT "${MONITOR_PID[json]}"
seen=$(barriers "$TMP/json.out")
barrier
wait_until 60 test "$(barriers "$TMP/json.out")" -gt "$seen"
due=$(($(events_due) - due_before))
OUT=$(tail -n +$((lines_before + 1)) "$TMP/json.out" | jq -s -c '{
	overruns: [.[] | select(.name == "overrun")] | length,
	lost: [.[] | select(.name == "overrun") | .msg.lost] | add,
	events: [.[] | select(.name == "miss-ntf")] | length}')
check_json "monitor -j after an overrun: losses reported; received + lost = $due due" \
	".overruns > 0 and .lost > 0 and .events + .lost == $due"
check_eq "the events our full queue could not take are counted as send-failed" \
	"$(jq .lost <<<"$OUT")" $(($(counter send-failed) - failed_before))

kill -TERM "${MONITOR_PID[json]}"
wait "${MONITOR_PID[json]}"
check_eq "monitor: SIGTERM ends it with status 0" 0 $?

# ---- the module goes away under a monitor ---------------------------------------

start_monitor gone
rmmod spirecovery || bail "rmmod spirecovery"
wait_until 30 eval '! kill -0 "${MONITOR_PID[gone]}" 2>/dev/null'
wait "${MONITOR_PID[gone]}"
check_eq "monitor: the module unloaded ends it, saying so (exit 2)" \
	"2:spirecoveryctl: the spirecovery kernel module was unloaded: no more events" \
	"$?:$(cat "$TMP/gone.err")"
finish
