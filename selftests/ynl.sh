#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The YNL spec against the real module, with the kernel's own YNL tools
# (tools/net/ynl, extracted from the kernel source tarball by the selftests
# Makefile, never committed):
#  - cli.py drives every operation and decodes the replies by the spec;
#  - notifications decoded by the YNL library match the packets.
# That the spec validates against its protocol's schema is checked on the
# host by make -C selftests regen-check (ynl-gen-c.py validates it).
source "$(dirname "$0")/lib.sh"

require_root_tools
load_module
YNL=$TOOLS/ynl
SPEC=$REPO/Documentation/netlink/specs/spirecovery.yaml

# json_sorted: stdin's JSON values (one per line) with sorted keys and,
# with -t, without the "timestamp" of notifications.
json_sorted() {
	python3 -c '
import json, sys
for line in sys.stdin:
    v = json.loads(line)
    if sys.argv[1:] == ["-t"]:
        v["msg"].pop("timestamp", None)
    print(json.dumps(v, sort_keys=True))' "$@"
}

topo_pair
cli() {
	in_ns "$NS_B" python3 "$YNL/cli.py" --spec "$SPEC" --no-schema --output-json "$@"
}

check_eq "cli.py --do get-config: the defaults" \
	'{"enabled": 0, "global-burst": 200, "global-rate": 100, "ipv6-prefix": 64, "source-burst": 5, "source-rate": 1}' \
	"$(cli --do get-config | json_sorted)"
check_eq "cli.py --do set-config" null \
	"$(cli --do set-config --json '{"enabled": 1, "source-burst": 9, "ipv6-prefix": 60}')"
# Read back without YNL: each cli.py run costs seconds under TCG.
check_eq "cli.py --do set-config: the values set" \
	"enabled=1 source-rate=1 source-burst=9 global-rate=100 global-burst=200 ipv6-prefix=60" \
	"$(sr "$NS_B" get-config)"
# YNL decodes the extack: the bad attribute by its spec name and the
# kernel's policy for it, which must be the spec's checks.
out=$(cli --do set-config --json '{"source-rate": 0}' 2>&1)
check_eq "cli.py --do set-config with source-rate 0: rejected, extack names it" 1 \
	"$(echo "$out" | grep -c "'bad-attr': '.source-rate'")"
check_eq "cli.py: the module's policy for source-rate is the spec's 1..rate-max" 1 \
	"$(echo "$out" | grep -c "'min-value': 1, 'max-value': 1000000,")"
check_eq "cli.py --do get-stats: every counter, all 0" \
	'{"disabled": 0, "events-sent": 0, "malformed": 0, "miss-ipv4-ah": 0, "miss-ipv4-esp": 0, "miss-ipv4-esp-udp": 0, "miss-ipv6-ah": 0, "miss-ipv6-esp": 0, "miss-ipv6-esp-udp": 0, "no-listener": 0, "send-failed": 0, "suppressed-global": 0, "suppressed-source": 0, "unknown-source": 0}' \
	"$(cli --do get-stats | json_sorted)"

# Two misses, decoded by YNL: plain ESP over IPv4, ESP-in-UDP over IPv6.
in_ns_bg "$NS_B" /dev/null "$TMP/encap.err" python3 "$PYTOOLS/encap_socket.py" --family 6 \
	--port 4500 --ready "$TMP/encap.ready" --out "$TMP/encap.out"
in_ns_bg "$NS_B" "$TMP/ynl.out" "$TMP/ynl.err" python3 "$PYTOOLS/ynl_events.py" --ynl "$YNL" \
	--spec "$SPEC" --group events --count 2 --ready "$TMP/ynl.ready"
ynl_pid=$BG_PID
wait_until 60 test -e "$TMP/ynl.ready" -a -e "$TMP/encap.ready" ||
	bail "YNL listener" "$(cat "$TMP/ynl.err" "$TMP/encap.err")"
send_ab "esp:src=$A4,dst=$B4,spi=0x12345678,seq=77" \
	"esp:src=$A6,dst=$B6,spi=0xfedcba98,seq=78,sport=4501,dport=4500"
wait "$ynl_pid"
check_eq "YNL decodes an ESP/IPv4 event as sent" \
	"{\"msg\": {\"daddr4\": \"$B4\", \"encap\": \"none\", \"family\": 2, \"ifindex\": $IFINDEX_B, \"mark\": 0, \"proto\": 50, \"saddr4\": \"$A4\", \"seq\": 77, \"spi\": \"0x12345678\", \"suppressed\": 0}, \"name\": \"miss-ntf\"}" \
	"$(head -1 "$TMP/ynl.out" | json_sorted -t)"
check_eq "YNL decodes an ESP-in-UDP/IPv6 event as sent" \
	"{\"msg\": {\"daddr6\": \"$B6\", \"dport\": 4500, \"encap\": \"espinudp\", \"family\": 10, \"ifindex\": $IFINDEX_B, \"mark\": 0, \"proto\": 50, \"saddr6\": \"$A6\", \"seq\": 78, \"spi\": \"0xfedcba98\", \"sport\": 4501, \"suppressed\": 0}, \"name\": \"miss-ntf\"}" \
	"$(sed -n 2p "$TMP/ynl.out" | json_sorted -t)"
entries=$(cli --dump get-source | python3 -c '
import json, sys
print(" ".join(sorted(e.get("addr4") or e.get("addr6") for e in json.load(sys.stdin))))')
check_eq "cli.py --dump get-source: both sources, addresses decoded" "$A4 fd00::" "$entries"
check_eq "cli.py --do flush-sources" null "$(cli --do flush-sources)"
check_eq "flush-sources emptied the table" "" "$(sr "$NS_B" dump-sources)"
finish
