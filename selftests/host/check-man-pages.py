#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The daemon's man pages against the daemon's own option table, so that they
cannot drift: every option of `spirecoveryd --help` has an entry, every
numeric one with its range and default, every entry is an option, and every
key the man page lists in [module] and [peer.NAME] is one the daemon's parser
accepts. Prints TAP.

Usage: check-man-pages.py SPIRECOVERYD SPIRECOVERYD.8 SPIRECOVERYD.CONF.5
"""
import os
import re
import subprocess
import sys
import tempfile

daemon, man8, man5 = sys.argv[1:4]
n = 0
failed = False


def check(ok, desc, detail=""):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} {desc}")
    if not ok:
        failed = True
        for line in detail.splitlines():
            print(f"#   {line}")


def plain(roff):
    """roff text without font escapes and with plain hyphens."""
    text = re.sub(r"\\f[BIRP]", "", roff).replace("\\-", "-").replace("\\(mu", "x")
    return text.replace("\\(en", "-")


def entries(path):
    """{section: {tag: paragraph}} of the .TP items of a man page."""
    result, section, tag, body = {}, None, None, []
    lines = open(path, encoding="utf-8").read().splitlines()

    def close():
        if section is not None and tag is not None:
            result.setdefault(section, {})[tag] = " ".join(body)

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".SH"):
            close()
            section, tag, body = plain(line[3:]).strip().strip('"'), None, []
        elif line == ".TP" and i + 1 < len(lines):
            close()
            i += 1
            head = plain(lines[i])
            head = re.sub(r'^\.(B|BI|BR|I)\s+', "", head).replace('"', "")
            # An option tag names every spelling ("-c, --config FILE").
            names = re.findall(r"(?:^|[\s,])--?([a-zA-Z][a-z-]*)", head)
            tag = ",".join(names) if names else (head.split() or [""])[0]
            body = []
        elif tag is not None and not line.startswith(".\\\""):
            body.append(plain(re.sub(r"^\.(B|BI|BR|I|IR|RB)\s+", "", line)).replace('"', ""))
        i += 1
    close()
    return result


# spirecoveryd --help: "  --name arg   description (default) [min-max]", wrapped.
help_text = subprocess.run([daemon, "--help"], capture_output=True, text=True).stdout
options, section, current = {}, None, None
for line in help_text.splitlines():
    if line and not line.startswith(" "):
        section = line.rstrip(":")
        continue
    m = re.match(r"^\s+(?:-\w \[ )?--([a-z-]+)(?: \])?(?: arg)?(?: \(=[^)]*\))?\s*(.*)$", line)
    if m:
        current = m.group(1)
        options[current] = {"section": section, "help": m.group(2)}
    elif current and line.strip():
        options[current]["help"] += " " + line.strip()

check(len(options) > 10, f"spirecoveryd --help lists its options ({len(options)})")
check("spirecoveryd.conf(5)" in help_text and "Documentation/" not in help_text,
      "spirecoveryd --help points at spirecoveryd.conf(5), not into the source tree")

man8_entries = entries(man8)
man5_entries = entries(man5)
commands = {name for tag in man8_entries.get("OPTIONS", {}) for name in tag.split(",")}
globals_ = man5_entries.get("GLOBAL OPTIONS", {})

for name, option in options.items():
    if option["section"].startswith("Daemon options"):
        body = globals_.get(name)
        if body is None:
            check(False, f"spirecoveryd.conf(5) documents {name}")
            continue
        rng = re.search(r"\[(\d+)-(\d+)\]", option["help"])
        default = re.findall(r"\(([^()]*)\)", option["help"])
        want = []
        if rng:
            want.append(f"Range {rng.group(1)}-{rng.group(2)}")
        if default:
            want.append(f"default {default[-1]}" if rng else f"Default {default[-1]}")
        missing = [w for w in want if w not in body]
        check(not missing, f"spirecoveryd.conf(5): {name}: {', '.join(want)}",
              f"entry: {body}\nmissing: {missing}\n--help: {option['help']}")
    else:
        check(name in commands, f"spirecoveryd(8) documents --{name}",
              f"documented: {sorted(commands)}")

for name in globals_:
    check(name in options and options[name]["section"].startswith("Daemon options"),
          f"spirecoveryd.conf(5)'s {name} is an option of the daemon")

# The section keys: each one the man page lists must be accepted by the parser.
samples = {"enabled": "yes", "address": "192.0.2.1", "backends": "exec",
           "local-id": "a.example", "remote-id": "b.example", "proposals": "aes256gcm16-prfsha256-x25519",
           "port": "500", "exec-command": "/bin/true", "psk": "0x00112233445566778899",
           "ipv6-prefix": "64", "local-address": "192.0.2.2", "nat-traversal": "yes",
           "peer-filter": "yes", "ike-version": "2", "implementation": "libreswan"}
with tempfile.TemporaryDirectory() as tmp:
    psk = os.path.join(tmp, "psk")
    with open(psk, "w") as f:
        f.write("0x00112233445566778899\n")
    os.chmod(psk, 0o600)
    samples["psk-file"] = psk
    peer = ("[peer.x]\naddress = 192.0.2.1\nbackends = exec\nexec-command = /bin/true\n")
    for section, header in (("THE [module] SECTION", "[module]"), ("PEER SECTIONS", "[peer.x]")):
        keys = man5_entries.get(section, {})
        check(len(keys) > 0, f"spirecoveryd.conf(5) lists the keys of {header}")
        for key in keys:
            # A valid file with the key added: it must stay valid.
            value = samples.get(key, "1")
            if header == "[module]":
                text = f"[module]\n{key} = {value}\n{peer}"
            else:
                lines = [l for l in peer.splitlines()[1:] if not l.startswith(key + " ")]
                text = f"[peer.x]\n{key} = {value}\n" + "\n".join(lines) + "\n"
                if key in ("psk", "psk-file", "local-id", "remote-id", "proposals", "port"):
                    text += "local-id = a.example\nremote-id = b.example\n" if key not in (
                        "local-id", "remote-id") else ""
            conf = os.path.join(tmp, "conf")
            with open(conf, "w") as f:
                f.write(text)
            os.chmod(conf, 0o600)
            r = subprocess.run([daemon, "--check-config", "--config", conf],
                               capture_output=True, text=True)
            check(r.returncode == 0, f"spirecoveryd --check-config accepts {header} key {key}",
                  text + "\n" + r.stdout + r.stderr)

print(f"1..{n}")
sys.exit(1 if failed else 0)
