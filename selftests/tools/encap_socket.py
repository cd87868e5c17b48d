#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold a UDP socket with UDP_ENCAP_ESPINUDP, as an IKE daemon does on 4500.

    encap_socket.py --family 4|6 --port PORT --ready FILE --out FILE

With the option set the kernel takes ESP-in-UDP off the socket and hands
it to xfrm; what reaches the socket (IKE, with the non-ESP marker) is
appended to --out, one line per datagram: "from=ADDR:PORT data=HEX".
--ready is created once the socket is bound.  Runs until killed.
"""

import argparse
import socket

UDP_ENCAP = 100  # linux/udp.h
UDP_ENCAP_ESPINUDP = 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--family", choices=("4", "6"), required=True)
    parser.add_argument("--port", type=int, default=4500)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    family = socket.AF_INET if args.family == "4" else socket.AF_INET6
    with socket.socket(family, socket.SOCK_DGRAM) as s, open(args.out, "a") as out:
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
        s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", args.port))
        open(args.ready, "w").close()
        while True:
            data, peer = s.recvfrom(65536)
            out.write(f"from={peer[0]}:{peer[1]} data={data.hex()}\n")
            out.flush()


if __name__ == "__main__":
    main()
