#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Record what a running charon sends over vici, for the daemon's unit tests.

    record_vici.py SOCKET OUT COMMAND [KEY=VALUE...] [--event NAME]...

Registers for each --event, sends COMMAND with the given key/values and writes every
packet the daemon sends back, until the command's response, to OUT: one line per packet,
"<direction> <hex of the segment without its length header>", ">" for what was sent.
"""

import argparse
import socket
import struct


def segment(sock):
    header = b""
    while len(header) < 4:
        header += sock.recv(4 - len(header))
    (length,) = struct.unpack("!I", header)
    data = b""
    while len(data) < length:
        data += sock.recv(length - len(data))
    return data


def named(kind, name, message=b""):
    return bytes([kind, len(name)]) + name.encode() + message


def key_values(pairs):
    out = b""
    for pair in pairs:
        key, value = pair.split("=", 1)
        out += bytes([3, len(key)]) + key.encode() + struct.pack("!H", len(value)) + value.encode()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("out")
    parser.add_argument("command")
    parser.add_argument("pairs", nargs="*")
    parser.add_argument("--event", action="append", default=[])
    args = parser.parse_args()

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s, open(args.out, "w") as out:
        s.connect(args.socket)

        def send(packet):
            out.write("> " + packet.hex() + "\n")
            s.sendall(struct.pack("!I", len(packet)) + packet)

        for event in args.event:
            send(named(3, event))
            out.write("< " + segment(s).hex() + "\n")
        send(named(0, args.command, key_values(args.pairs)))
        while True:
            packet = segment(s)
            out.write("< " + packet.hex() + "\n")
            if packet[0] != 7:  # anything but an event ends the command
                break


if __name__ == "__main__":
    main()
