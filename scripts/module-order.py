#!/usr/bin/env python3
"""Checks that every module under Sources imports only modules above it in DESIGN.md's table.

The order is read from the design itself (../shared/DESIGN.md, "## Modules"), so the table and the
code cannot drift apart: a row names one or more modules in backticks; a module may import those
of earlier rows. Modules the design does not list (the fuzzing tools) are placed here, each right
after the module named. Exit status 1 names every import that breaks the order.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DESIGN = ROOT.parent / "shared" / "DESIGN.md"
# Tools of the test suite that are not part of the runexp executable: where they sit.
PLACED_AFTER = {"Fuzzing": "Tools", "RunexpFuzz": "Fuzzing"}


def design_order(text):
    """Each module's rank: the row of the design's module table that names it."""
    section = text.split("## Modules", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    rank = {}
    for index, row in enumerate(rows):
        for name in re.findall(r"`([A-Za-z]+)`", row.split("|")[1]):
            rank[name] = float(index)
    for name, after in PLACED_AFTER.items():
        rank[name] = rank[after] + 0.5
    return rank


def main():
    if not DESIGN.exists():
        print(f"module-order: {DESIGN} is missing; it must sit beside the checkout", file=sys.stderr)
        return 2
    rank = design_order(DESIGN.read_text())
    modules = sorted(p.name for p in (ROOT / "Sources").iterdir() if p.is_dir())
    problems = []
    for module in modules:
        if module not in rank:
            problems.append(f"Sources/{module}: not in DESIGN.md's module table (nor placed in {__file__})")
            continue
        for source in sorted((ROOT / "Sources" / module).rglob("*.swift")):
            for number, line in enumerate(source.read_text().splitlines(), 1):
                found = re.match(r"\s*(?:@testable\s+)?import\s+(\w+)", line)
                if not found or found.group(1) not in modules:
                    continue
                imported = found.group(1)
                if rank.get(imported, float("inf")) >= rank[module]:
                    problems.append(
                        f"{source.relative_to(ROOT)}:{number}: {module} imports {imported}, "
                        f"which DESIGN.md's module table puts at or below it")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"module-order: {len(problems)} imports break the design's order", file=sys.stderr)
        return 1
    print(f"module-order: the imports of {len(modules)} modules follow DESIGN.md's table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
