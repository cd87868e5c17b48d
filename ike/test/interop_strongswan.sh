#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the recovery exchange (build/ike/recovery_driver) against an unmodified strongSwan
# charon. Two network namespaces joined by a veth pair: "A" runs charon as the responder that
# holds the stale SA, "B" is the rebooted host. Each check prints a TAP line; the exit status
# is non-zero when any failed. Needs root, charon and swanctl (strongSwan 5.9.x).
#
# The stale IKE SA is created by a second charon in B (childless, so no kernel ESP support is
# needed), which is then killed with SIGKILL and its XFRM state flushed: a reboot, as far as
# A can tell. Usage: interop_strongswan.sh [work directory, default build/ike/interop]
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DRIVER=$ROOT/build/ike/recovery_driver
WORK=${1:-$ROOT/build/ike/interop}
CHARON=${CHARON:-/usr/lib/ipsec/charon}
SUFFIX=$$
NS_A=ikeA-$SUFFIX
NS_B=ikeB-$SUFFIX
ADDR_A=10.77.0.1
ADDR_B=10.77.0.2
PSK=interop-test-secret-$SUFFIX
STALE_SPI=c0ffee01

# shellcheck source=selftests/common.sh
source "$ROOT/selftests/common.sh"
not() { ! "$@"; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
[ -x "$CHARON" ] && command -v swanctl >/dev/null || { echo "1..0 # SKIP strongSwan missing"; exit 4; }
[ -x "$DRIVER" ] || { echo "missing $DRIVER (make -C ike interop-driver)" >&2; exit 1; }

cleanup() {
	for pid_file in "$WORK"/*/run/charon.pid; do
		[ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null
	done
	sleep 0.5
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
}
trap cleanup EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
ip netns add "$NS_A"
ip netns add "$NS_B"
ip -n "$NS_A" link set lo up
ip -n "$NS_B" link set lo up
ip link add vethA-$SUFFIX netns "$NS_A" type veth peer name vethB-$SUFFIX netns "$NS_B"
ip -n "$NS_A" addr add $ADDR_A/24 dev vethA-$SUFFIX
ip -n "$NS_B" addr add $ADDR_B/24 dev vethB-$SUFFIX
ip -n "$NS_A" link set vethA-$SUFFIX up
ip -n "$NS_B" link set vethB-$SUFFIX up

# write_peer NAME: a private charon configuration below $WORK/NAME
write_peer() {
	local dir=$WORK/$1
	mkdir -p "$dir/run"
	cat >"$dir/strongswan.conf" <<-CONF
	charon {
		load = random nonce openssl kdf pem pkcs1 x509 pubkey kernel-netlink socket-default vici
		install_routes = no
		# one half-open IKE SA is enough to demand a COOKIE (RFC 7296 2.6), see the last test
		cookie_threshold = 1
		filelog {
			log {
				path = $dir/charon.log
				time_format = %T
				flush_line = yes
				default = 1
				ike = 2
				cfg = 1
				net = 1
				enc = 1
			}
		}
	}
	CONF
}

# start_charon NAME NAMESPACE: charon with its own /run (pid file, vici socket)
start_charon() {
	local dir=$WORK/$1
	STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$2" \
		sh -c "mount --bind '$dir/run' /run && exec '$CHARON'" >"$dir/stdout" 2>&1 &
	disown $! # stopped through its pid file; keeps bash from reporting the SIGKILL below
	for _ in $(seq 50); do
		[ -S "$dir/run/charon.vici" ] && return 0
		sleep 0.1
	done
	echo "# charon $1 did not start" >&2
	return 1
}

swanctl_at() { # NAME COMMAND args...: swanctl wants the command first
	local dir=$WORK/$1 command=$2
	shift 2
	STRONGSWAN_CONF=$dir/strongswan.conf swanctl "$command" --uri "unix://$dir/run/charon.vici" "$@"
}
a_has_sa() { swanctl_at a --list-sas 2>/dev/null | grep -q ESTABLISHED; }

# configure_a PROPOSALS: A's connection for B; CHILD_SA config as a real gateway would have
configure_a() {
	cat >"$WORK/a/swanctl.conf" <<-CONF
	connections {
		b {
			local_addrs = $ADDR_A
			remote_addrs = $ADDR_B
			proposals = $1
			local { auth = psk
				id = a.example }
			remote { auth = psk
				id = b.example }
			children { net { local_ts = $ADDR_A/32
				remote_ts = $ADDR_B/32 } }
		}
	}
	secrets { ike-ab { id-a = a.example
		id-b = b.example
		secret = "$PSK" } }
	CONF
	swanctl_at a --load-all --file "$WORK/a/swanctl.conf" >/dev/null 2>&1
}

write_peer a
write_peer b
start_charon a "$NS_A" || exit 1
configure_a "aes256gcm16-prfsha256-x25519, aes128-sha256-ecp256, aes256-sha384-modp2048"

# --- Stale IKE SA: B's old charon authenticates, then "reboots" ---
cat >"$WORK/b/swanctl.conf" <<CONF
connections {
	a {
		local_addrs = $ADDR_B
		remote_addrs = $ADDR_A
		proposals = aes256gcm16-prfsha256-x25519
		childless = force
		local { auth = psk
			id = b.example }
		remote { auth = psk
			id = a.example }
	}
}
secrets { ike-ab { id-a = a.example
	id-b = b.example
	secret = "$PSK" } }
CONF
start_charon b "$NS_B" || exit 1
swanctl_at b --load-all --file "$WORK/b/swanctl.conf" >/dev/null 2>&1
swanctl_at b --initiate --ike a --timeout 10 >"$WORK/b/initiate.log" 2>&1
tap_check "old B established an IKE SA with A" grep -q "established between $ADDR_A\[a.example\]...$ADDR_B\[b.example\]" "$WORK/a/charon.log"
kill -9 "$(cat "$WORK/b/run/charon.pid")"
rm -f "$WORK/b/run/charon.pid"
ip -n "$NS_B" xfrm state flush
ip -n "$NS_B" xfrm policy flush
tap_check "A still holds the stale IKE SA" a_has_sa

# run_driver LOGNAME args...: the library from B's namespace
run_driver() {
	local log=$WORK/$1
	shift
	PSK_VALUE=$PSK ip netns exec "$NS_B" "$DRIVER" --local $ADDR_B --remote $ADDR_A \
		--id b.example --psk-env PSK_VALUE --spi $STALE_SPI "$@" >"$log" 2>&1
}

# Log lines A wrote since the previous mark.
a_log_since_mark() {
	tail -c +"$(($(cat "$WORK/a/log.offset" 2>/dev/null || echo 0) + 1))" "$WORK/a/charon.log"
}
mark_a_log() { stat -c %s "$WORK/a/charon.log" >"$WORK/a/log.offset"; }
a_logged() { a_log_since_mark | grep -qE "$1"; }

# --- 1. The recovery itself ---
mark_a_log
tap_check "recovery exchange succeeds (AES-GCM-256, x25519)" run_driver recovery.log --remote-id a.example
sleep 0.5
tap_check "A: IKE SA established with our identity" a_logged "IKE_SA b\[[0-9]+\] established between $ADDR_A\[a.example\]...$ADDR_B\[b.example\]"
tap_check "A: received INITIAL_CONTACT, destroyed the stale IKE SA" a_logged "destroying duplicate IKE_SA for peer 'b.example', received INITIAL_CONTACT"
tap_check "A: parsed the childless IKE_AUTH request" a_logged "parsed IKE_AUTH request 1 \[ IDi N\(INIT_CONTACT\) IDr AUTH \]"
tap_check "A: parsed INFORMATIONAL N(INVALID_SPI)" a_logged "parsed INFORMATIONAL request 2 \[ N\(INVAL_SPI\) \]"
tap_check "A: processed Delete(IKE)" a_logged "received DELETE for IKE_SA b\[[0-9]+\]"
tap_check "A: no SA left" not a_has_sa

# --- 1b. Stale SPI unknown (the daemon lost the events): no INVALID_SPI, Delete is request 2 ---
mark_a_log
tap_check "recovery with the stale SPI unknown" sh -c "PSK_VALUE='$PSK' ip netns exec '$NS_B' '$DRIVER' --local $ADDR_B --remote $ADDR_A --id b.example --psk-env PSK_VALUE >'$WORK/no_spi.log' 2>&1"
sleep 0.5
tap_check "A: Delete(IKE) is INFORMATIONAL request 2" a_logged "parsed INFORMATIONAL request 2 \[ D \]"
tap_check "A: no INVALID_SPI" not a_logged "INVAL_SPI"

# --- 2. Other suites: AES-CBC + HMAC-SHA2, ECP-256 and MODP-2048 ---
mark_a_log
tap_check "AES-CBC-128/HMAC-SHA2-256, ECP-256" run_driver cbc.log --proposal aes128-sha256-ecp256
mark_a_log
tap_check "AES-CBC-256/HMAC-SHA2-384, MODP-2048" run_driver modp.log --proposal aes256-sha384-modp2048

# --- 3. INVALID_KE_PAYLOAD: we lead with x25519, A only takes ECP-256 for CBC ---
mark_a_log
tap_check "INVALID_KE_PAYLOAD retry succeeds" run_driver invalid_ke.log --proposal aes128-sha256-x25519-ecp256
tap_check "driver retried with the group A asked for" grep -q "peer requested DH group ECP_256" "$WORK/invalid_ke.log"

# --- 4. NAT-T port with non-ESP marker from the start ---
mark_a_log
tap_check "recovery over port 4500 with non-ESP marker" run_driver nat_t.log --nat-t
tap_check "A: received it on port 4500" a_logged "received packet: from $ADDR_B\[[0-9]+\] to $ADDR_A\[4500\]"

# --- 5. A real NAT (port translation on B's way out): detected, moves to 4500 ---
ip netns exec "$NS_B" nft -f - <<NFT
table ip spirecovery_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		udp dport { 500, 4500 } snat to $ADDR_B:40000-40999
	}
}
NFT
mark_a_log
tap_check "recovery through a NAT" run_driver nat.log
tap_check "driver detected the NAT and moved to port 4500" grep -q "we are behind a NAT, switching to port 4500" "$WORK/nat.log"
tap_check "A: detected the NAT too" a_logged "remote host is behind NAT"
tap_check "A: IKE_AUTH arrived on 4500 through the NAT" a_logged "received packet: from $ADDR_B\[40[0-9]{3}\] to $ADDR_A\[4500\]"
ip netns exec "$NS_B" nft delete table ip spirecovery_nat

# --- 6. Failures end cleanly ---
mark_a_log
tap_check "wrong PSK fails" sh -c "! PSK_VALUE=wrong ip netns exec '$NS_B' '$DRIVER' --local $ADDR_B --remote $ADDR_A --id b.example --psk-env PSK_VALUE --spi $STALE_SPI >'$WORK/wrong_psk.log' 2>&1"
tap_check "wrong PSK: AUTHENTICATION_FAILED reported" grep -q "peer rejected IKE_AUTH with AUTHENTICATION_FAILED" "$WORK/wrong_psk.log"
mark_a_log
tap_check "unacceptable proposal fails" sh -c "! PSK_VALUE='$PSK' ip netns exec '$NS_B' '$DRIVER' --local $ADDR_B --remote $ADDR_A --id b.example --psk-env PSK_VALUE --spi $STALE_SPI --proposal aes128gcm16-prfsha512-x25519 >'$WORK/no_proposal.log' 2>&1"
tap_check "unacceptable proposal: NO_PROPOSAL_CHOSEN reported" grep -q "NO_PROPOSAL_CHOSEN" "$WORK/no_proposal.log"
mark_a_log
tap_check "wrong expected responder identity fails" sh -c "! PSK_VALUE='$PSK' ip netns exec '$NS_B' '$DRIVER' --local $ADDR_B --remote $ADDR_A --id b.example --remote-id c.example --psk-env PSK_VALUE --spi $STALE_SPI >'$WORK/wrong_idr.log' 2>&1"

# --- 7. COOKIE: a half-open IKE SA at A makes it demand cookies ---
mark_a_log
PSK_VALUE=$PSK ip netns exec "$NS_B" "$DRIVER" --local $ADDR_B --remote $ADDR_A --id b.example \
	--psk-env PSK_VALUE --spi $STALE_SPI --abandon >"$WORK/abandon.log" 2>&1
sleep 0.5
tap_check "recovery succeeds after a COOKIE challenge" run_driver cookie.log
tap_check "A demanded a COOKIE and got it back" a_logged "generating IKE_SA_INIT response 0 \[ N\(COOKIE\) \]"
tap_check "driver retried with the cookie" grep -q "peer requested a COOKIE" "$WORK/cookie.log"

finish
