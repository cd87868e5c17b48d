#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send crafted ESP, AH and UDP packets from a network interface.

The packets are whole Ethernet frames written to an AF_PACKET socket, so
that source addresses can be spoofed and headers can be malformed on
purpose; the receiving kernel sees them exactly as built here.

    send_packets.py --dev IF --dst-mac MAC SPEC...

Each SPEC is KIND:key=value,... and is sent in order:

    esp   ESP with spi, seq (first; +1 per packet), len (bytes after the
          8-byte header, default 48); with dport (and sport, default 4500)
          it is UDP-encapsulated (RFC 3948)
    ah    AH with spi, seq, hdrlen (the length field; default: a 12-byte ICV)
    udp   UDP with sport, dport and payload (hex)
    raw   IP protocol proto with payload (hex): truncated headers and such

Common keys: src, dst (IPv4 or IPv6), count (packets per source, default
1), sources (consecutive source addresses from src, default 1), ext (IPv6
extension headers before the transport header: hop and/or dst, joined by
'+').  ESP payloads and AH ICVs are counting bytes that differ per packet.

Prints "elapsed_ns=N", the time from the first to the last packet sent.
"""

import argparse
import ipaddress
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
IPPROTO_HOPOPTS = 0
IPPROTO_UDP = 17
IPPROTO_ESP = 50
IPPROTO_AH = 51
IPPROTO_DSTOPTS = 60
EXT_HEADERS = {"hop": IPPROTO_HOPOPTS, "dst": IPPROTO_DSTOPTS}


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, IPPROTO_UDP, length)
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", length, IPPROTO_UDP)
    csum = checksum(pseudo + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", csum) + payload


def esp(spi, seq, length, fill):
    body = bytes((fill + i) & 0xFF for i in range(length))
    return struct.pack("!II", spi, seq) + body


def ah(spi, seq, hdrlen, fill):
    icv = bytes((fill + i) & 0xFF for i in range(12))
    # Next header "no next header": the AH is all there is.
    return struct.pack("!BBHII", 59, hdrlen, 0, spi, seq) + icv


def ipv6_ext(kinds, proto):
    """Extension headers, each 8 bytes of PadN options, ending in @proto."""
    numbers = [EXT_HEADERS[k] for k in kinds]
    out = b""
    for i, _ in enumerate(numbers):
        following = numbers[i + 1] if i + 1 < len(numbers) else proto
        out += struct.pack("!BBBB", following, 0, 1, 4) + b"\0" * 4
    return (numbers[0] if numbers else proto), out


def ip_packet(src, dst, proto, payload, ext):
    if src.version == 4:
        header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                             64, proto, 0, src.packed, dst.packed)
        header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        return ETH_P_IP, header + payload
    first, ext_bytes = ipv6_ext(ext, proto)
    body = ext_bytes + payload
    header = struct.pack("!IHBB16s16s", 6 << 28, len(body), first, 64, src.packed, dst.packed)
    return ETH_P_IPV6, header + body


def parse_spec(text):
    kind, _, rest = text.partition(":")
    if kind not in ("esp", "ah", "udp", "raw"):
        raise ValueError(f"unknown packet kind '{kind}'")
    keys = {}
    for item in filter(None, rest.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"'{item}' is not key=value")
        keys[key] = value
    return kind, keys


def build(kind, keys, src, seq_offset, fill):
    """The IP packet (ethertype, bytes) for one packet of a spec."""
    dst = ipaddress.ip_address(keys["dst"])

    def num(key, default=None):
        if key in keys:
            return int(keys[key], 0)
        if default is None:
            raise ValueError(f"{kind} needs {key}=")
        return default

    ext = [e for e in keys.get("ext", "").split("+") if e]
    if ext and src.version != 6:
        raise ValueError("extension headers need IPv6")
    if kind == "esp":
        payload = esp(num("spi"), num("seq", 1) + seq_offset, num("len", 48), fill)
        if "dport" in keys:
            return ip_packet(src, dst, IPPROTO_UDP,
                             udp(src, dst, num("sport", 4500), num("dport"), payload), ext)
        return ip_packet(src, dst, IPPROTO_ESP, payload, ext)
    if kind == "ah":
        return ip_packet(src, dst, IPPROTO_AH,
                         ah(num("spi"), num("seq", 1) + seq_offset, num("hdrlen", 4), fill), ext)
    payload = bytes.fromhex(keys.get("payload", ""))
    if kind == "udp":
        return ip_packet(src, dst, IPPROTO_UDP,
                         udp(src, dst, num("sport"), num("dport"), payload), ext)
    return ip_packet(src, dst, num("proto"), payload, ext)


def frames(spec, dst_mac, src_mac):
    kind, keys = parse_spec(spec)
    first_src = ipaddress.ip_address(keys["src"])
    count = int(keys.get("count", "1"), 0)
    for s in range(int(keys.get("sources", "1"), 0)):
        src = first_src + s
        for i in range(count):
            ethertype, packet = build(kind, keys, src, i, s * count + i)
            yield dst_mac + src_mac + struct.pack("!H", ethertype) + packet


def mac_address(text):
    octets = text.split(":")
    if len(octets) != 6 or not all(len(o) == 2 for o in octets):
        raise argparse.ArgumentTypeError(f"'{text}' is not a MAC address like 02:00:00:00:00:01")
    try:
        return bytes.fromhex("".join(octets))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a MAC address") from None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", required=True, help="interface to send from")
    parser.add_argument("--dst-mac", required=True, type=mac_address,
                        help="MAC address of the receiver")
    parser.add_argument("specs", nargs="+", metavar="SPEC")
    args = parser.parse_args()

    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((args.dev, 0))
        # The bound address carries the interface's MAC (no sysfs needed,
        # which shows another namespace's devices after a plain setns).
        src_mac = s.getsockname()[4]
        try:
            # Build everything first so that sending is quick and evenly paced.
            all_frames = [fr for spec in args.specs for fr in frames(spec, args.dst_mac, src_mac)]
        except (ValueError, KeyError) as e:
            sys.exit(f"send_packets: bad spec: {e}")
        start = time.monotonic_ns()
        for frame in all_frames:
            s.send(frame)
        elapsed = time.monotonic_ns() - start
    print(f"elapsed_ns={elapsed}")


if __name__ == "__main__":
    main()
