#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ICMP echo requests from SRC to DST every INTERVAL seconds until the first reply:
how long a path that is down takes to carry traffic again.

    recovery_probe.py [--interval S] [--timeout S] SRC DST
    recovery_probe.py [--interval S] [--timeout S] --all SRC,SRC... DST

With --all, from every SRC at once (each its own socket and sequence, all started
together) until each has had a reply or the timeout passed; prints

    sources=M recovered=K never=M-K ms=D first_ms=D1 ms_list=D,D,...

ms being when the last source got its first reply, first_ms the first, ms_list each
source's in the order given (-1: none), and exits 1 when a source never got a reply.

The clock starts when the first request leaves, so the interpreter's start-up (seconds
under qemu TCG) is not part of the result. Prints one line of NAME=VALUE pairs:

    sent=N reply_seq=K ms=D first_sent=T

ms being the time from sending the first request to receiving the first reply (any
reply: a later request may be the first to get through), first_sent that request's
wall-clock time (seconds since the epoch) for comparison with logs. Exits 1 with
"sent=N no reply" when none came within the timeout. IPv4, needs CAP_NET_RAW.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time

# The selftests' packet builder has the Internet checksum.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from send_packets import checksum  # noqa: E402

ECHO_REQUEST, ECHO_REPLY = 8, 0


def echo_request(ident, seq):
    payload = b"spirecovery-bench"
    header = struct.pack("!BBHHH", ECHO_REQUEST, 0, 0, ident, seq)
    return struct.pack("!BBHHH", ECHO_REQUEST, 0, checksum(header + payload), ident,
                       seq) + payload


def reply_seq(packet, ident):
    """The sequence number of an echo reply to us in a raw IPv4 packet, else None."""
    if len(packet) < 20:
        return None
    start = (packet[0] & 0x0F) * 4
    if len(packet) < start + 8:
        return None
    kind, _, _, reply_ident, seq = struct.unpack_from("!BBHHH", packet, start)
    return seq if kind == ECHO_REPLY and reply_ident == ident else None


def probe(source, destination, interval, timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.bind((source, 0))
    ident = os.getpid() & 0xFFFF

    def send(seq):
        # A send error (no route, the policy's larval state) is a lost request too.
        try:
            sock.sendto(echo_request(ident, seq & 0xFFFF), (destination, 0))
        except OSError:
            pass

    sent = 1
    first_wall, first = time.time(), time.monotonic()
    send(sent)
    deadline = first + timeout
    next_send = first + interval
    while True:
        now = time.monotonic()
        if now >= deadline:
            return f"sent={sent} no reply", 1
        if now >= next_send:
            sent += 1
            send(sent)
            # After a stall (a descheduled vCPU), carry on at the interval, no burst.
            next_send = max(next_send + interval, now)
            continue
        readable, _, _ = select.select([sock], [], [], min(next_send, deadline) - now)
        if not readable:
            continue
        packet = sock.recv(65535)
        received = time.monotonic()
        seq = reply_seq(packet, ident)
        if seq is not None:
            ms = (received - first) * 1000
            return f"sent={sent} reply_seq={seq} ms={ms:.1f} first_sent={first_wall:.6f}", 0


def probe_all(sources, destination, interval, timeout):
    """The first reply of every source; each source's socket sends every interval."""
    socks = []
    for index, source in enumerate(sources):
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        sock.bind((source, 0))  # a bound raw socket reads only what is sent to it
        socks.append(sock)
    ident = os.getpid() & 0xFFFF
    sent = [0] * len(socks)
    replied = [None] * len(socks)
    first = time.monotonic()
    deadline = first + timeout
    next_send = first
    while time.monotonic() < deadline and None in replied:
        now = time.monotonic()
        if now >= next_send:
            for index, sock in enumerate(socks):
                if replied[index] is None:
                    sent[index] += 1
                    try:
                        sock.sendto(echo_request(ident, sent[index] & 0xFFFF), (destination, 0))
                    except OSError:
                        pass
            next_send = max(next_send + interval, now)
        waiting = [sock for index, sock in enumerate(socks) if replied[index] is None]
        readable, _, _ = select.select(waiting, [], [], max(0, min(next_send, deadline) - now))
        received = time.monotonic()
        for sock in readable:
            if reply_seq(sock.recv(65535), ident) is not None:
                replied[socks.index(sock)] = (received - first) * 1000
    got = [ms for ms in replied if ms is not None]
    line = (f"sources={len(socks)} recovered={len(got)} never={len(socks) - len(got)}"
            f" ms={max(got) if got else -1:.1f} first_ms={min(got) if got else -1:.1f}"
            f" ms_list={','.join(f'{ms:.0f}' if ms is not None else '-1' for ms in replied)}")
    return line, 0 if len(got) == len(socks) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between requests")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for a reply")
    parser.add_argument("--all", action="store_true",
                        help="SRC is a comma-separated list: until every one has a reply")
    parser.add_argument("source")
    parser.add_argument("destination")
    args = parser.parse_args()
    if args.interval <= 0 or args.timeout <= 0:
        parser.error("--interval and --timeout must be positive")
    if args.all:
        line, status = probe_all(args.source.split(","), args.destination, args.interval,
                                 args.timeout)
    else:
        line, status = probe(args.source, args.destination, args.interval, args.timeout)
    print(line)
    sys.exit(status)


if __name__ == "__main__":
    main()
