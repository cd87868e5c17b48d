#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the userspace tables of the generic-netlink contract from its YNL spec.

    gen-spec-tables.py --spec SPEC --mode cxx|c-header|c-source -o OUT

  cxx       tools/lib/spec-gen.h: per attribute set its attributes (name, type, payload
            length, the spec's range) and their docs, the operations' names, the enums'
            entry names
  c-header  selftests/tools/attrs-gen.h: the selftests' attribute sets, declared
  c-source  selftests/tools/attrs-gen.c: the same, defined

The kernel's ynl-gen-c.py writes the uapi header and the kernel's policy from the same spec;
these are the parts it has no mode for. Names of values (SPIRECOVERY_A_CONFIG_ENABLED...)
follow its rules, so the tables index by the uapi header's values and check its counts.
"""

import argparse
import os
import sys

import yaml

INT_BITS = {"u8": 8, "u16": 16, "u32": 32, "u64": 64}


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.yaml = yaml.safe_load(f)
        # As the banner names it: below the top of the checkout, wherever that is.
        top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self.path = os.path.relpath(os.path.abspath(path), top)
        if self.path.startswith(".."):
            self.path = path
        self.family = self.yaml["name"]
        self.consts = {}
        self.enums = []
        for d in self.yaml.get("definitions", []):
            if d["type"] == "const":
                self.consts[d["name"]] = d["value"]
            elif d["type"] in ("enum", "flags"):
                self.enums.append(d)
        # Sets that are subsets of another share its values and its table.
        self.sets = [s for s in self.yaml.get("attribute-sets", []) if "subset-of" not in s]
        self.ops = self.yaml.get("operations", {})

    def limit(self, value, where):
        if isinstance(value, int):
            return value
        if value in self.consts:
            return self.consts[value]
        sys.exit(f"{where}: limit {value!r} is neither a number nor a const")

    def set_prefix(self, attr_set):
        if "name-prefix" in attr_set:
            return c_upper(attr_set["name-prefix"])
        if attr_set["name"] == self.family:
            return c_upper(f"{self.family}-a-")
        return c_upper(f"{self.family}-a-{attr_set['name']}-")

    def set_max_name(self, attr_set):
        return c_upper(attr_set.get("attr-max-name", self.set_prefix(attr_set) + "max"))

    def attributes(self, attr_set):
        """(value, attribute) in value order, as ynl-gen-c.py numbers them: from 1."""
        value = 1
        for attr in attr_set["attributes"]:
            value = attr.get("value", value)
            yield value, attr
            value += 1

    def operations(self):
        """(value, operation) of the unified message-ID model, values from 1."""
        model = self.ops.get("enum-model", "unified")
        if model != "unified":
            sys.exit(f"{self.path}: enum-model {model} is not supported")
        value = 1
        for op in self.ops.get("list", []):
            value = op.get("value", value)
            yield value, op
            value += 1

    def op_max_name(self):
        prefix = c_upper(self.ops.get("name-prefix", f"{self.family}-cmd-"))
        return c_upper(self.yaml.get("cmd-max-name", prefix + "MAX"))

    def enum_named(self, name):
        return next((e for e in self.enums if e["name"] == name), None)

    def enum_entries(self, enum):
        """(value, name): an enum counts from value-start, flags are bit numbers."""
        value = enum.get("value-start", 0)
        for entry in enum["entries"]:
            name = entry if isinstance(entry, str) else entry["name"]
            if isinstance(entry, dict):
                value = entry.get("value", value)
            yield value, name
            value += 1


class Attr:
    """What a table needs to know of one attribute."""

    def __init__(self, spec, attr_set, attr):
        where = f"{spec.path}: attribute {attr_set['name']}/{attr['name']}"
        self.name = attr["name"]
        self.type = attr["type"]
        self.hint = attr.get("display-hint", "")
        self.nested = attr.get("nested-attributes", "")
        self.multi = bool(attr.get("multi-attr", False))
        # On one line, as a C++ string literal holds it (and a Prometheus HELP line shows it).
        self.doc = " ".join(attr.get("doc", "").split()).replace("\\", "\\\\").replace('"', '\\"')
        checks = attr.get("checks", {})
        # The exact payload length; 0 for none (pad, flag) or any (nest, other binary, string).
        self.len = 0
        self.min, self.max, self.max_text = 0, 0, "0"
        if self.type in INT_BITS:
            self.len = INT_BITS[self.type] // 8
            self.min = spec.limit(checks.get("min", 0), where)
            # Unchecked: the type's whole range, in hex (a u64's maximum has no decimal literal).
            self.max = spec.limit(checks.get("max", (1 << INT_BITS[self.type]) - 1), where)
            self.max_text = str(self.max) if "max" in checks else hex(self.max)
            if self.min < 0:
                sys.exit(f"{where}: negative min of an unsigned type")
            # An enum's values bound it, as in the kernel's policy.
            enum = spec.enum_named(attr.get("enum"))
            if enum and enum["type"] == "enum" and not checks:
                values = [v for v, _ in spec.enum_entries(enum)]
                self.min, self.max = min(values), max(values)
                self.max_text = str(self.max)
        elif self.type == "binary":
            self.len = spec.limit(checks.get("exact-len", 0), where)
        elif self.type not in ("pad", "flag", "nest", "string"):
            sys.exit(f"{where}: type {self.type} is not supported")


def banner(spec, c_style, c_source=False):
    text = [
        "SPDX-License-Identifier: GPL-2.0",
        f"Generated from {spec.path}",
        "by tools/scripts/gen-spec-tables.py: do not edit, regenerate with make -C selftests regen.",
    ]
    if c_source:  # the kernel's style: // for a source file's SPDX line
        return [f"// {text[0]}", f"/* {text[1]}", f" * {text[2]}", " */"]
    if c_style:
        return [f"/* {text[0]} */", f"/* {text[1]}", f" * {text[2]}", " */"]
    # The layout is the generator's, whatever the number of entries: clang-format keeps off.
    return [f"// {text[0]}", "// clang-format off"] + [f"// {line}" for line in text[1:]]


def cxx(spec):
    out = banner(spec, False) + [
        "// Included by tools/lib/spec.h, which defines the types.",
        "#pragma once",
        "",
        "namespace spirecovery::ctl::spec {",
        "",
        "// Each attribute table is indexed by attribute type; index 0 is never used on the wire.",
    ]
    for attr_set in spec.sets:
        rows = {v: Attr(spec, attr_set, a) for v, a in spec.attributes(attr_set)}
        out.append(f"inline constexpr Attribute {c_lower(attr_set['name'])}_attrs[] = {{")
        for value in range(max(rows, default=0) + 1):
            a = rows.get(value)
            if a is None:
                out.append("    {},")
                continue
            extra = ""
            if a.nested or a.multi:
                extra = f', "{a.nested}", {"true" if a.multi else "false"}'
            out.append(f'    {{"{a.name}", Type::{a.type}, {a.len}, {{{a.min}, {a.max_text}}}{extra}}},')
        out.append("};")
        out.append(
            f"static_assert(std::size({c_lower(attr_set['name'])}_attrs) == "
            f"{spec.set_max_name(attr_set)} + 1);"
        )
        out.append(f"inline constexpr std::string_view {c_lower(attr_set['name'])}_docs[] = {{")
        for value in range(max(rows, default=0) + 1):
            out.append(f'    "{rows[value].doc}",' if value in rows else '    "",')
        out.append("};")
        out.append(
            f"static_assert(std::size({c_lower(attr_set['name'])}_docs) == "
            f"std::size({c_lower(attr_set['name'])}_attrs));"
        )
        out.append("")

    ops = dict(spec.operations())
    out.append("// Indexed by command.")
    out.append("inline constexpr std::string_view operations[] = {")
    for value in range(max(ops, default=0) + 1):
        out.append(f'    "{ops[value]["name"]}",' if value in ops else '    "",')
    out.append("};")
    out.append(f"static_assert(std::size(operations) == {spec.op_max_name()} + 1);")

    for enum in spec.enums:
        entries = dict(spec.enum_entries(enum))
        what = "bit number" if enum["type"] == "flags" else "value"
        out.append("")
        out.append(f"// The entries of {enum['type']} \"{enum['name']}\", indexed by {what}.")
        out.append(f"inline constexpr std::string_view {c_lower(enum['name'])}_names[] = {{")
        for value in range(max(entries, default=-1) + 1):
            out.append(f'    "{entries[value]}",' if value in entries else '    "",')
        out.append("};")
    out += ["", "} // namespace spirecovery::ctl::spec", "// clang-format on"]
    return out


def c_kind(a):
    """How the selftests print an attribute (selftests/tools/attrs.h, enum attr_kind)."""
    if a.type == "u32" and a.hint in ("hex", "ipv4"):
        return {"hex": "ATTR_HEX32", "ipv4": "ATTR_IPV4"}[a.hint]
    if a.type == "binary" and a.hint == "ipv6" and a.len == 16:
        return "ATTR_IPV6"
    return "ATTR_" + a.type.upper()


def c_header(spec):
    return banner(spec, True) + [
        "#ifndef SPIRECOVERY_SELFTESTS_ATTRS_GEN_H",
        "#define SPIRECOVERY_SELFTESTS_ATTRS_GEN_H",
        "",
        "struct attr_set;",
        "",
    ] + [f"extern const struct attr_set {c_lower(s['name'])}_attrs;" for s in spec.sets] + [
        "",
        "#endif /* SPIRECOVERY_SELFTESTS_ATTRS_GEN_H */",
    ]


def c_source(spec):
    out = banner(spec, True, c_source=True) + ['#include "attrs.h"', "", "#include <linux/spirecovery.h>"]
    for attr_set in spec.sets:
        name = c_lower(attr_set["name"])
        prefix = spec.set_prefix(attr_set)
        max_name = spec.set_max_name(attr_set)
        out += ["", f"static const struct attr_desc {name}_descs[{max_name} + 1] = {{"]
        for _, attr in spec.attributes(attr_set):
            a = Attr(spec, attr_set, attr)
            out.append(f'\t[{prefix}{c_upper(a.name)}] = {{ "{a.name}", {c_kind(a)}, {a.len} }},')
        out.append("};")
    out.append("")
    for attr_set in spec.sets:
        name = c_lower(attr_set["name"])
        out.append(
            f'const struct attr_set {name}_attrs = {{ "{attr_set["name"]}", '
            f"{spec.set_max_name(attr_set)}, {name}_descs }};"
        )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--mode", required=True, choices=["cxx", "c-header", "c-source"])
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    spec = Spec(args.spec)
    lines = {"cxx": cxx, "c-header": c_header, "c-source": c_source}[args.mode](spec)
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
