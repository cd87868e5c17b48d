#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Receive notifications through the kernel's YNL library, as JSON.

    ynl_events.py --ynl DIR --spec YAML --group NAME --ready FILE
                  [--count N] [--timeout S]

Decoding goes by the spec alone (byte orders, display hints), so comparing
the result with the packet that caused it checks the spec against the
module.  --ready is created once the group is joined.  Prints the first
--count (default 1) notifications, one JSON object {"name": ..., "msg":
{...}} per line, and exits 0, or exits 1 after --timeout seconds without
them.
"""

import argparse
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ynl", required=True, help="tools/net/ynl of a kernel tree")
    parser.add_argument("--spec", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()

    sys.path.insert(0, args.ynl)
    from lib import YnlFamily  # pylint: disable=import-outside-toplevel

    # The schema is validated separately (ynl.sh): decode only here.
    ynl = YnlFamily(args.spec, schema="")
    ynl.ntf_subscribe(args.group)
    open(args.ready, "w").close()
    deadline = time.monotonic() + args.timeout
    while len(ynl.async_msg_queue) < args.count and time.monotonic() < deadline:
        time.sleep(0.05)
        ynl.check_ntf()
    for msg in ynl.async_msg_queue[:args.count]:
        print(json.dumps(msg, sort_keys=True))
    if len(ynl.async_msg_queue) < args.count:
        sys.exit(f"ynl_events: {len(ynl.async_msg_queue)} of {args.count} notifications")


if __name__ == "__main__":
    main()
