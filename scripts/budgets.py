#!/usr/bin/env python3
"""The house budgets: no Swift file over 400 lines, no function (func, init, subscript or
deinit) over 60 lines, from its declaration to its closing brace.

Exceptions are listed in scripts/budgets-exceptions.txt, one per line: `PATH` (a file over 400
lines) or `PATH:NAME` (a function), then ` # why`. An exception that no longer applies is an
error too, so the list shrinks as the code does.

Usage: scripts/budgets.py [FOLDER ...]   (default: Sources Tests)
Exit 0 when every budget holds, 1 with one line per breach otherwise.
"""
import os
import re
import sys

FILE_LINES = 400
FUNCTION_LINES = 60
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DECLARATION = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|open|static|class|override|"
    r"mutating|nonmutating|final|convenience|required|nonisolated|package)(?:\(set\))?\s+)*"
    r"(func\s+([^\s(<]+)|init[?!]?|deinit|subscript)"
)


def code_only(lines):
    """Each line with comments, string literals and multi-line strings blanked, so braces in text
    do not count."""
    out = []
    # The end of the multi-line string or block comment the scan is inside, if any.
    closing = None
    for line in lines:
        result = []
        i = 0
        while i < len(line):
            if closing:
                end = line.find(closing, i)
                if end < 0:
                    i = len(line)
                    continue
                i = end + len(closing)
                closing = None
                continue
            if line.startswith('"""', i):
                closing = '"""'
                i += 3
                continue
            if line.startswith("//", i):
                break
            if line.startswith("/*", i):
                closing = "*/"
                i += 2
                continue
            if line[i] == '"':
                i += 1
                depth = 0
                while i < len(line):
                    if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == "(":
                        depth += 1
                        i += 2
                        continue
                    if depth and line[i] == ")":
                        depth -= 1
                    elif line[i] == "\\":
                        i += 1
                    elif line[i] == '"' and depth == 0:
                        break
                    i += 1
                i += 1
                continue
            result.append(line[i])
            i += 1
        out.append("".join(result))
    return out


def functions(path):
    """(name, first line, line count) of every function-like body in a Swift file."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    code = code_only(lines)
    found = []
    for start, line in enumerate(code):
        match = DECLARATION.match(line)
        if not match:
            continue
        name = match.group(2) or match.group(1).rstrip("?!")
        depth = 0
        opened = False
        for index in range(start, len(code)):
            for character in code[index]:
                if character == "{":
                    depth += 1
                    opened = True
                elif character == "}":
                    depth -= 1
            # A protocol requirement has no body: stop at the declaration's end.
            if not opened and index > start and DECLARATION.match(code[index]):
                break
            if opened and depth <= 0:
                found.append((name, start + 1, index - start + 1))
                break
    return found


def read_exceptions():
    path = os.path.join(ROOT, "scripts", "budgets-exceptions.txt")
    exceptions = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                entry, _, why = line.partition("#")
                entry = entry.strip()
                if entry:
                    exceptions[entry] = why.strip()
    return exceptions


def main(folders):
    exceptions = read_exceptions()
    used = set()
    breaches = []
    for folder in folders:
        for directory, _, names in sorted(os.walk(os.path.join(ROOT, folder))):
            for name in sorted(names):
                if not name.endswith(".swift"):
                    continue
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, ROOT)
                with open(path, encoding="utf-8") as handle:
                    count = handle.read().count("\n")
                if count > FILE_LINES:
                    if relative in exceptions:
                        used.add(relative)
                    else:
                        breaches.append(f"{relative}: {count} lines (budget {FILE_LINES})")
                for function, line, length in functions(path):
                    if length <= FUNCTION_LINES:
                        continue
                    key = f"{relative}:{function}"
                    if key in exceptions:
                        used.add(key)
                    else:
                        breaches.append(f"{relative}:{line}: {function} is {length} lines (budget {FUNCTION_LINES})")
    for stale in sorted(set(exceptions) - used):
        if any(stale.startswith(folder) for folder in folders):
            breaches.append(f"scripts/budgets-exceptions.txt: {stale} is within its budget now; remove the exception")
    for breach in breaches:
        print(breach)
    checked = ", ".join(folders)
    if breaches:
        print(f"budgets: {len(breaches)} breaches in {checked}", file=sys.stderr)
        return 1
    print(f"budgets: every file in {checked} is within {FILE_LINES} lines and every function within {FUNCTION_LINES}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["Sources", "Tests"]))
