#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Talk to the spirecovery generic-netlink family for the benchmarks.

    genl.py set NAME=VALUE...        SET_CONFIG (enabled, source_rate, ...)
    genl.py stats                    GET_STATS as one JSON object on stdout
    genl.py listen STATE OUT         join "events", count them until SIGTERM

Everything concerns the network namespace the command runs in.  `listen`
joins "events" and writes "0" to STATE; then it counts events, keeping
each one's kernel timestamp, and on every SIGUSR1 reads the stats (a
"mark") and writes the number of marks so far to STATE; on SIGTERM or
SIGINT it writes OUT: {"events", "overruns" (ENOBUFS seen),
"timestamps_ns" (sorted), "marks": [{"seconds" (CLOCK_MONOTONIC), "stats"}]}.

Attribute numbers come from uapi/linux/spirecovery.h itself, so this file
cannot drift from the contract; only the types are listed here.
"""
import errno
import json
import os
import re
import select
import signal
import socket
import sys
import time

from pyroute2.netlink import NLM_F_ACK, NLM_F_REQUEST, genlmsg
from pyroute2.netlink.generic import GenericNetlinkSocket

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "../../uapi/linux/spirecovery.h")

CONFIG_TYPES = {
    "ENABLED": "uint8",
    "SOURCE_RATE": "uint32",
    "SOURCE_BURST": "uint32",
    "GLOBAL_RATE": "uint32",
    "GLOBAL_BURST": "uint32",
    "IPV6_PREFIX": "uint8",
}
EVENT_TYPES = {
    "PAD": "none",
    "FAMILY": "uint8",
    "PROTO": "uint8",
    "SADDR4": "uint32",
    "DADDR4": "uint32",
    "SADDR6": "cdata",
    "DADDR6": "cdata",
    "SPI": "uint32",
    "SEQ": "uint32",
    "ENCAP": "uint8",
    "SPORT": "uint16",
    "DPORT": "uint16",
    "IFINDEX": "uint32",
    "MARK": "uint32",
    "SUPPRESSED": "uint32",
    "TIMESTAMP": "uint64",
}


def uapi_enum(prefix):
    """{NAME: value} of the enum whose members start with prefix."""
    with open(HEADER) as f:
        text = f.read()
    for body in re.findall(r"enum\s*\{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        members = [m.split("=") for m in re.split(r",\s*", body.strip()) if m]
        if not members or not members[0][0].strip().startswith(prefix):
            continue
        values, value = {}, -1
        for m in members:
            name = m[0].strip()
            value = int(m[1], 0) if len(m) > 1 and m[1].strip().isdigit() else value + 1
            if name.startswith(prefix) and not name.endswith("_MAX"):
                values[name[len(prefix):]] = value
        return values
    raise SystemExit(f"genl.py: no enum {prefix}* in {HEADER}")


def message_class(prefix, types):
    values = uapi_enum(prefix)
    unknown = set(values) - set(types)
    if unknown:
        raise SystemExit(f"genl.py: no type for {', '.join(sorted(unknown))}: update genl.py")
    nla_map = tuple((v, name, types[name]) for name, v in sorted(values.items(), key=lambda i: i[1]))

    class Message(genlmsg):
        pass

    Message.nla_map = nla_map
    return Message


COMMANDS = uapi_enum("SPIRECOVERY_CMD_")
Config = message_class("SPIRECOVERY_A_CONFIG_", CONFIG_TYPES)
Stats = message_class("SPIRECOVERY_A_STATS_",
                      {n: "none" if n == "PAD" else "uint64"
                       for n in uapi_enum("SPIRECOVERY_A_STATS_")})
Event = message_class("SPIRECOVERY_A_EVENT_", EVENT_TYPES)


def open_socket(msg_class):
    sock = GenericNetlinkSocket()
    sock.bind("spirecovery", msg_class)
    return sock


def request(msg_class, cmd, attrs=(), flags=NLM_F_REQUEST):
    with open_socket(msg_class) as sock:
        msg = msg_class()
        msg["cmd"] = COMMANDS[cmd]
        msg["version"] = 1
        msg["attrs"] = list(attrs)
        return sock.nlm_request(msg, msg_type=sock.prid, msg_flags=flags)


def set_config(pairs):
    attrs = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name.upper() not in CONFIG_TYPES:
            raise SystemExit(f"genl.py: '{pair}' is not NAME=VALUE with NAME one of "
                             f"{', '.join(n.lower() for n in CONFIG_TYPES)}")
        attrs.append((name.upper(), int(value, 0)))
    request(Config, "SET_CONFIG", attrs, NLM_F_REQUEST | NLM_F_ACK)


def get_stats():
    reply = request(Stats, "GET_STATS")[0]
    return {name.lower(): value for name, value in reply["attrs"] if name != "PAD"}


def listen(state_path, out_path):
    """Count events until SIGTERM; on each SIGUSR1 read the stats ("a mark")."""
    wakeup_r, wakeup_w = socket.socketpair()
    wakeup_r.setblocking(False)
    wakeup_w.setblocking(False)
    signal.set_wakeup_fd(wakeup_w.fileno())
    pending = []
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):
        signal.signal(signum, lambda signum, _: pending.append(signum))
    timestamps, marks, overruns = [], [], 0

    sock = open_socket(Event)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)  # ride out bursts
    sock.add_membership("events")

    def report_state():
        with open(state_path + ".tmp", "w") as f:
            f.write(f"{len(marks)}\n")
        os.replace(state_path + ".tmp", state_path)

    def drain():
        nonlocal overruns
        while select.select([sock], [], [], 0)[0]:
            try:
                messages = sock.get()
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                overruns += 1
                continue
            for m in messages:
                if m["cmd"] == COMMANDS["MISS_NTF"]:
                    timestamps.append(m.get_attr("TIMESTAMP"))

    report_state()
    while True:
        select.select([sock, wakeup_r], [], [])
        drain()
        try:
            while wakeup_r.recv(64):
                pass
        except BlockingIOError:
            pass
        signals = []
        while pending:  # a handler may append meanwhile: take one at a time
            signals.append(pending.pop(0))
        if signal.SIGUSR1 in signals:
            marks.append({"seconds": time.monotonic(), "stats": get_stats()})
            report_state()
        if signal.SIGTERM in signals or signal.SIGINT in signals:
            break
    drain()
    sock.close()
    with open(out_path, "w") as f:
        json.dump({"events": len(timestamps), "overruns": overruns,
                   "timestamps_ns": sorted(timestamps), "marks": marks}, f)


def main(argv):
    if len(argv) >= 2 and argv[1] == "set" and len(argv) > 2:
        set_config(argv[2:])
    elif argv[1:] == ["stats"]:
        json.dump(get_stats(), sys.stdout)
        print()
    elif len(argv) == 4 and argv[1] == "listen":
        listen(argv[2], argv[3])
    else:
        raise SystemExit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv)
