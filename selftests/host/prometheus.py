#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read `spirecoveryctl stats -P`'s output with Prometheus' own parser.

    prometheus.py PROMETHEUS_SAMPLE SPEC

PROMETHEUS_SAMPLE (tools/tests/sample) renders the output for given counters, as the command
does for the module's. The expected counters and their HELP texts are read from the YNL spec,
not from the code under test. /usr/bin/python3: the parser is Debian's python3-prometheus-client.
Prints TAP.
"""

import subprocess
import sys

import yaml
from prometheus_client.parser import text_string_to_metric_families

results = []


def check(ok, what, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} {what}")
    if not ok and detail:
        for line in str(detail).splitlines():
            print(f"# {line}")


# The parsed families by name, and the text; no families if the parser rejects the text.
def families(sample, netns, values):
    out = subprocess.run([sample, netns] + [str(v) for v in values], check=True,
                         capture_output=True, text=True).stdout
    try:
        return {f.name: f for f in text_string_to_metric_families(out)}, out
    except ValueError as e:
        return {}, f"the parser rejects it: {e}\n{out}"


def main():
    sample, spec_path = sys.argv[1:]
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    stats = next(s for s in spec["attribute-sets"] if s["name"] == "stats")
    counters = [a for a in stats["attributes"] if a["type"] == "u64"]
    print(f"1..{3 + len(counters)}")

    # Distinct values, the largest a u64 can hold among them.
    values = [7 + 1000 * i for i in range(len(counters))]
    values[-1] = 2**64 - 1
    found, text = families(sample, "blue", values)
    expected = {"spirecovery_" + a["name"].replace("-", "_") for a in counters}
    check(set(found) == expected, "one metric family per stats counter of the spec",
          f"extra {sorted(set(found) - expected)}, missing {sorted(expected - set(found))}\n{text}")
    for attr, value in zip(counters, values):
        name = "spirecovery_" + attr["name"].replace("-", "_")
        family = found.get(name)
        problems = []
        if family is None:
            problems.append("missing")
        else:
            if family.type != "counter":
                problems.append(f"type {family.type}")
            if family.documentation != " ".join(attr.get("doc", "").split()):
                problems.append(f"HELP {family.documentation!r}")
            samples = [(s.name, s.labels, s.value) for s in family.samples]
            if samples != [(name + "_total", {"netns": "blue"}, float(value))]:
                problems.append(f"samples {samples}")
        check(not problems, f"{name}_total: counter, HELP from the spec, netns label, value",
              "; ".join(problems))

    odd = 'a"b\\c\nd'
    found, text = families(sample, odd, [0] * len(counters))
    labels = {s.labels["netns"] for f in found.values() for s in f.samples}
    check(labels == {odd}, "a netns name with a quote, a backslash and a newline survives",
          f"{labels}\n{text}")

    result = subprocess.run([sample, "blue", "1"], capture_output=True, text=True)
    check(result.returncode != 0 and "values" in result.stderr,
          "the sample program refuses a wrong number of values", result.stderr)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
