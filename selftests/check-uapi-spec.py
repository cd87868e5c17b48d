#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the uapi header agrees with the YNL spec; print TAP.

    check-uapi-spec.py [--spec YAML] [--header H]

Every name the spec implies (YNL's naming: FAMILY_A_SET_ATTR, FAMILY_CMD_OP,
FAMILY_MCGRP_GROUP, FAMILY_CONST, FAMILY_ENUM_ENTRY, FAMILY_FAMILY_NAME and
_VERSION) is checked twice against the header:
  - gcc compiles a generated file of _Static_asserts against the header, so
    the values are the ones C programs see;
  - the header's enums are parsed, so their entries come in the spec's order
    and the header has no entry the spec lacks.
Then the same checks run against deliberately altered copies of the header
and must fail there: a check that cannot fail proves nothing.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def c_upper(name):
    return name.upper().replace("-", "_")


class Group:
    """One TAP line: a part of the spec and the C facts it implies."""

    def __init__(self, name):
        self.name = name
        self.asserts = []      # (C integer constant expression, what it means)
        self.enum = None       # (header enum the spec's entries make up, [entries])
        self.errors = []


def expected_groups(spec):
    fam = c_upper(spec["name"])
    groups = []

    g = Group("family name, version and multicast groups")
    g.asserts.append((f'__builtin_strcmp({fam}_FAMILY_NAME, "{spec["name"]}") == 0',
                      f'{fam}_FAMILY_NAME is "{spec["name"]}"'))
    version = spec.get("version", 1)
    g.asserts.append((f"{fam}_FAMILY_VERSION == {version}", f"{fam}_FAMILY_VERSION is {version}"))
    for grp in spec.get("mcast-groups", {}).get("list", []):
        macro = f"{fam}_MCGRP_{c_upper(grp['name'])}"
        g.asserts.append((f'__builtin_strcmp({macro}, "{grp["name"]}") == 0',
                          f'{macro} is "{grp["name"]}"'))
    groups.append(g)

    for d in spec.get("definitions", []):
        if d["type"] == "const":
            g = Group(f"constant {d['name']}")
            macro = f"{fam}_{c_upper(d['name'])}"
            g.asserts.append((f"{macro} == {d['value']}", f"{macro} is {d['value']}"))
        elif d["type"] == "enum":
            g = Group(f"enum {d['name']}")
            names = []
            value = d.get("value-start", 0)
            for entry in d["entries"]:
                entry = entry if isinstance(entry, dict) else {"name": entry}
                value = entry.get("value", value)
                macro = f"{fam}_{c_upper(d['name'])}_{c_upper(entry['name'])}"
                g.asserts.append((f"{macro} == {value}", f"{macro} is {value}"))
                names.append(macro)
                value += 1
            g.enum = (f"{spec['name']}_{d['name']}".replace("-", "_"), names)
        else:
            g = Group(f"definition {d['name']}")
            g.errors.append(f"definitions of type {d['type']} are not checked")
        groups.append(g)

    for attr_set in spec["attribute-sets"]:
        g = Group(f"attribute-set {attr_set['name']}")
        prefix = f"{fam}_A_{c_upper(attr_set['name'])}"
        names = []
        value = 1
        for attr in attr_set["attributes"]:
            value = attr.get("value", value)
            macro = f"{prefix}_{c_upper(attr['name'])}"
            g.asserts.append((f"{macro} == {value}", f"{macro} is {value}"))
            names.append(macro)
            value += 1
        g.asserts.append((f"{prefix}_MAX == {value - 1}", f"{prefix}_MAX is {value - 1}"))
        g.enum = (None, names + [f"__{prefix}_MAX", f"{prefix}_MAX"])
        groups.append(g)

    g = Group("operations")
    names = []
    value = 1
    for op in spec["operations"]["list"]:
        value = op.get("value", value)
        macro = f"{fam}_CMD_{c_upper(op['name'])}"
        g.asserts.append((f"{macro} == {value}", f"{macro} is {value}"))
        names.append(macro)
        value += 1
    g.asserts.append((f"{fam}_CMD_MAX == {value - 1}", f"{fam}_CMD_MAX is {value - 1}"))
    g.enum = (None, names + [f"__{fam}_CMD_MAX", f"{fam}_CMD_MAX"])
    groups.append(g)
    return groups


def compile_asserts(header, groups):
    """Compile every assertion against @header; record failures per group."""
    lines = [f'#include "{os.path.abspath(header)}"']
    owner = {}
    for g in groups:
        for expr, meaning in g.asserts:
            owner[len(lines) + 1] = (g, meaning)
            c_meaning = meaning.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'_Static_assert({expr}, "{c_meaning}");')
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        source = f.name
    try:
        result = subprocess.run(["gcc", "-std=gnu11", "-fsyntax-only", "-fmax-errors=0", source],
                                capture_output=True, text=True)
    finally:
        os.unlink(source)
    if result.returncode == 0:
        return
    blamed = set()
    for m in re.finditer(rf"^{re.escape(source)}:(\d+):\d+: error: (.*)$", result.stderr, re.M):
        line = int(m.group(1))
        if line in owner and line not in blamed:
            blamed.add(line)
            g, meaning = owner[line]
            g.errors.append(f"not true in C: {meaning} ({m.group(2)})")
    if not blamed:
        # The header itself does not compile: every group fails with gcc's words.
        for g in groups:
            g.errors.append("header does not compile: " + result.stderr.strip()[:500])


def header_enums(text):
    """The header's enums as (name or None, [entry names]), comments removed."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    enums = []
    for m in re.finditer(r"\benum\s*(\w*)\s*\{(.*?)\}", text, re.S):
        entries = [e.split("=")[0].strip() for e in m.group(2).split(",")]
        enums.append((m.group(1) or None, [e for e in entries if e]))
    return enums


def compare_enums(header_text, groups):
    """Each spec enum is exactly one header enum, in order; no header enum is extra."""
    enums = header_enums(header_text)
    matched = set()
    for g in groups:
        if not g.enum:
            continue
        name, names = g.enum
        found = [i for i, (n, entries) in enumerate(enums)
                 if (name and n == name) or (not name and names[0] in entries)]
        if len(found) != 1:
            g.errors.append(f"{len(found)} header enums hold {name or names[0]}, expected 1")
            continue
        matched.add(found[0])
        entries = enums[found[0]][1]
        if entries != names:
            extra = [e for e in entries if e not in names]
            missing = [e for e in names if e not in entries]
            g.errors.append(f"header enum entries {entries} differ from the spec's {names}"
                            + (f"; extra {extra}" if extra else "")
                            + (f"; missing {missing}" if missing else ""))
    return [f"header enum {n or '(anonymous)'} starting {entries[:1]} is not in the spec"
            for i, (n, entries) in enumerate(enums) if i not in matched]


def check(spec, header):
    """All groups for @header, plus one for header enums the spec lacks."""
    with open(header) as f:
        text = f.read()
    groups = expected_groups(spec)
    compile_asserts(header, groups)
    extra = Group("no header enum the spec lacks")
    extra.errors = compare_enums(text, groups)
    return groups + [extra]


# Alterations of the header the check must catch: (what, old text, new text).
MUTATIONS = [
    ("two attributes swapped",
     "SPIRECOVERY_A_CONFIG_SOURCE_RATE,\t/* u32: events/s per source, 1..RATE_MAX */\n"
     "\tSPIRECOVERY_A_CONFIG_SOURCE_BURST,",
     "SPIRECOVERY_A_CONFIG_SOURCE_BURST,\n\tSPIRECOVERY_A_CONFIG_SOURCE_RATE,"),
    ("an attribute renamed", "SPIRECOVERY_A_EVENT_SUPPRESSED,", "SPIRECOVERY_A_EVENT_SKIPPED,"),
    ("an extra attribute", "\t__SPIRECOVERY_A_EVENT_MAX,",
     "\tSPIRECOVERY_A_EVENT_EXTRA,\n\t__SPIRECOVERY_A_EVENT_MAX,"),
    ("a command missing", "\tSPIRECOVERY_CMD_FLUSH_SOURCES,\n", ""),
    ("a constant changed", "SPIRECOVERY_RATE_MAX\t\t1000000", "SPIRECOVERY_RATE_MAX\t\t100000"),
    ("an enum value changed", "SPIRECOVERY_ENCAP_ESPINUDP = 2", "SPIRECOVERY_ENCAP_ESPINUDP = 1"),
    ("an extra enum entry", "SPIRECOVERY_ENCAP_ESPINUDP = 2,",
     "SPIRECOVERY_ENCAP_ESPINUDP = 2,\n\tSPIRECOVERY_ENCAP_ESPINTCP = 7,"),
    ("an extra enum", "#endif /* _UAPI_LINUX_SPIRECOVERY_H */",
     "enum { SPIRECOVERY_STRAY = 1 };\n#endif /* _UAPI_LINUX_SPIRECOVERY_H */"),
    ("the multicast group renamed", 'SPIRECOVERY_MCGRP_EVENTS\t"events"',
     'SPIRECOVERY_MCGRP_EVENTS\t"event"'),
    ("the family version changed", "SPIRECOVERY_FAMILY_VERSION\t1", "SPIRECOVERY_FAMILY_VERSION\t2"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", default=f"{REPO}/Documentation/netlink/specs/spirecovery.yaml")
    parser.add_argument("--header", default=f"{REPO}/uapi/linux/spirecovery.h")
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = yaml.safe_load(f)

    results = []
    baseline = set()
    for g in check(spec, args.header):
        results.append((g.name, g.errors))
        baseline.update((g.name, e) for e in g.errors)

    with open(args.header) as f:
        original = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        altered = os.path.join(tmp, "spirecovery.h")
        for what, old, new in MUTATIONS:
            desc = f"self-test: {what} is detected"
            if old not in original:
                results.append((desc, [f"cannot apply: {old!r} not in the header"]))
                continue
            with open(altered, "w") as f:
                f.write(original.replace(old, new, 1))
            # Only failures the real header does not have count as detection.
            caught = [e for g in check(spec, altered) for e in g.errors
                      if (g.name, e) not in baseline]
            results.append((desc, [] if caught else ["no check failed on the altered header"]))

    print("TAP version 13")
    print(f"1..{len(results)}")
    for i, (desc, errors) in enumerate(results, 1):
        print(f"{'not ok' if errors else 'ok'} {i} {desc}")
        for e in errors:
            print(f"#   {e}")
    failed = sum(1 for _, errors in results if errors)
    print(f"# Totals: pass:{len(results) - failed} fail:{failed} skip:0")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
