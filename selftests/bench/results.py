#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark results: one JSON file per benchmark, one table for all.

    results.py write NAME ROWS ERRORS OUT   ROWS (TSV) and ERRORS (lines) -> OUT.json
    results.py table DIR NAME...            print the rows of DIR/NAME.json as one table;
                                            exit 1 when a result is missing or has errors

ROWS lines are "metric<TAB>value<TAB>unit<TAB>target<TAB>samples", target
being "", or an operator and a number (">= 0.99", "<= 1200", "== 0"), and
samples "" or space-separated numbers.  The JSON file is

    {"benchmark": NAME, "kernel": uname -r, "time": ISO 8601 UTC,
     "rows": [{"metric", "value", "unit", "target", "met"[, "samples"]}],
     "errors": [why a measurement could not be made]}

with target null and met null for a row that only informs.
"""
import datetime
import json
import operator
import os
import sys

OPERATORS = {">=": operator.ge, "<=": operator.le, "==": operator.eq,
             ">": operator.gt, "<": operator.lt}


def number(text):
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def met(value, target):
    op, _, bound = target.partition(" ")
    if op not in OPERATORS:
        raise SystemExit(f"results.py: bad target '{target}' (want e.g. '>= 0.99')")
    return OPERATORS[op](value, number(bound))


def write(name, rows_path, errors_path, out_path):
    rows, errors = [], []
    if os.path.exists(rows_path):
        with open(rows_path) as f:
            for line in f:
                metric, value, unit, target, samples = line.rstrip("\n").split("\t")
                row = {"metric": metric, "value": number(value), "unit": unit,
                       "target": target or None,
                       "met": met(number(value), target) if target else None}
                if samples:
                    row["samples"] = [number(s) for s in samples.split()]
                rows.append(row)
    if os.path.exists(errors_path):
        with open(errors_path) as f:
            errors = [line.rstrip("\n") for line in f if line.strip()]
    result = {"benchmark": name, "kernel": os.uname().release,
              "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "rows": rows, "errors": errors}
    with open(out_path + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    os.replace(out_path + ".tmp", out_path)


def show(value):
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def table(directory, names):
    lines, problems = [], []
    met_count = missed = 0
    for name in names:
        path = os.path.join(directory, name + ".json")
        try:
            with open(path) as f:
                result = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(f"{name}: no result ({e})")
            continue
        for row in result["rows"]:
            verdict = "-" if row["met"] is None else "met" if row["met"] else "MISSED"
            met_count += row["met"] is True
            missed += row["met"] is False
            lines.append((name, row["metric"], show(row["value"]), row["unit"],
                          row["target"] or "", verdict))
        problems += [f"{name}: {e}" for e in result["errors"]]
        kernel = result["kernel"]
    if lines:
        header = ("benchmark", "metric", "value", "unit", "target", "")
        widths = [max(len(r[i]) for r in lines + [header]) for i in range(len(header))]
        print(f"# benchmarks on {kernel}")
        for r in [header] + lines:
            print("  ".join(c.rjust(w) if i == 2 else c.ljust(w)
                            for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    print(f"# targets: {met_count} met, {missed} missed")
    for p in problems:
        print(f"# could not measure: {p}")
    return 1 if problems else 0


def main(argv):
    if len(argv) == 6 and argv[1] == "write":
        write(*argv[2:])
    elif len(argv) >= 3 and argv[1] == "table":
        sys.exit(table(argv[2], argv[3:]))
    else:
        raise SystemExit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv)
