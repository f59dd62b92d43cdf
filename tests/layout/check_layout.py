#!/usr/bin/env python3
# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""The layout's include rules (README.md, "Layout"), checked on every test run.

Floors run one way: a file in src/<folder>/ includes only headers of its own folder or of a lower
floor. Nothing below engine/ includes certo/engine.h; only db/, store/ and sync/ include SQLite; the CLI,
the benchmarks, the Python module and the generator use certo's public headers (and the
generator's own). Prints every broken rule with its file and line; exits 1 if there is one.
"""

from __future__ import annotations

import pathlib
import re
import sys

# The floor of each library folder: a folder may include its own headers and lower floors'.
FLOORS = {
    "base": 0,
    "rules": 1,
    "registry": 1,
    "db": 2,
    "store": 3,
    "schedule": 4,
    "report": 5,
    "people_sync": 5,
    "keys": 5,
    "review": 5,
    "sync": 5,
    "engine": 6,
    "api": 7,
}
SQLITE_FOLDERS = {"db", "store", "sync"}
ENGINE_FOLDERS = {"engine", "api"}
# Outside the library: public headers only, plus the generator's and the server's own headers.
PUBLIC_ONLY = ["src/cli", "src/generate", "src/serve", "bench", "bindings/python"]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def includes(path: pathlib.Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = INCLUDE.match(line)
        if match:
            yield number, match.group(1), match.group(2)


def is_sqlite(header: str) -> bool:
    return header == "sqlite3.h" or header.startswith("SQLiteCpp/")


def check(root: pathlib.Path) -> list[str]:
    problems: list[str] = []
    src = root / "src"
    for folder, floor in FLOORS.items():
        for path in sorted((src / folder).glob("*")):
            if path.suffix not in (".h", ".cc"):
                continue
            where = path.relative_to(root)
            for number, _, header in includes(path):
                at = f"{where}:{number}: includes {header}"
                if header == "certo/engine.h" and folder not in ENGINE_FOLDERS:
                    problems.append(f"{at}: nothing below engine/ may include certo/engine.h")
                if is_sqlite(header) and folder not in SQLITE_FOLDERS:
                    problems.append(f"{at}: only db/, store/ and sync/ include SQLite")
                head = header.split("/", 1)[0]
                if "/" in header and head in FLOORS and head != folder:
                    if FLOORS[head] >= floor:
                        problems.append(
                            f"{at}: {folder}/ (floor {floor}) may not include {head}/ "
                            f"(floor {FLOORS[head]}); floors run one way")
    known = set(FLOORS) | {"cli", "generate", "serve"}
    for path in sorted(src.rglob("*")):
        if path.suffix in (".h", ".cc"):
            rel = path.relative_to(src)
            if len(rel.parts) != 2 or rel.parts[0] not in known:
                problems.append(f"{path.relative_to(root)}: every source file sits in the folder "
                                f"of its subsystem ({', '.join(sorted(known))})")
    for top in PUBLIC_ONLY:
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".h", ".cc") or "build" in path.parts:
                continue
            where = path.relative_to(root)
            for number, kind, header in includes(path):
                if kind != '"':
                    continue
                ok = (header.startswith("certo/") or header.startswith("generate/")
                      or header.startswith("serve/")
                      or "/" not in header)  # its own folder's headers
                if not ok:
                    problems.append(
                        f"{where}:{number}: includes {header}: outside the library only "
                        "certo/ public headers, generate/ and serve/ may be included")
    return problems


def self_test() -> int:
    """The checker finds each kind of broken rule in a small tree made for the purpose."""
    import tempfile

    cases = {
        "src/store/a.cc": ('#include "certo/engine.h"', "nothing below engine/"),
        "src/schedule/b.cc": ("#include <sqlite3.h>", "only db/, store/ and sync/"),
        "src/db/c.cc": ('#include "store/store.h"', "floors run one way"),
        "src/cli/d.cc": ('#include "registry/registry.h"', "outside the library"),
        "src/e.cc": ("", "folder of its subsystem"),
    }
    failed = 0
    for name, (line, expected) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            root = pathlib.Path(tmp)
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(line + "\n")
            found = check(root)
            if not any(expected in problem for problem in found):
                print(f"self-test: {name} ({line!r}) was not reported as '{expected}': {found}")
                failed += 1
    print(f"layout self-test: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]
    problems = check(root)
    for p in problems:
        print(p)
    print(f"layout: {len(problems)} broken include rule(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
