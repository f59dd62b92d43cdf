#!/usr/bin/env bash
# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
#
# Tests the Python package as a user gets it: installs it with pip into a fresh virtual
# environment and runs bindings/python/tests against the INSTALLED copy, from a directory where
# the source tree's certo/ cannot be imported instead. Also builds the wheel the README shows.
# Offline: Debian's setuptools, wheel, build, pytest, hypothesis and mypy (--system-site-packages).
#
#   bindings/python/run_tests.sh SOURCE_DIR WORK_DIR [pytest args...]
#
# ctest runs it as the test python_bindings with WORK_DIR = <build>/python; the C++ build inside
# pip goes to WORK_DIR/pybuild and is incremental between runs. CERTO_PYTHON picks the
# interpreter (default /usr/bin/python3). Exit status: pytest's, except that "no tests ran"
# (pytest's 5) is a failure.
set -euo pipefail

source_dir=$(cd "${1:?usage: run_tests.sh SOURCE_DIR WORK_DIR [pytest args...]}" && pwd)
mkdir -p "${2:?usage: run_tests.sh SOURCE_DIR WORK_DIR [pytest args...]}"
work=$(cd "$2" && pwd)
shift 2
python=${CERTO_PYTHON:-/usr/bin/python3}
venv=$work/pyvenv

export CERTO_CMAKE_BUILD_DIR=$work/pybuild
export CERTO_SETUPTOOLS_BUILD_DIR=$work/setuptools
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

echo "== fresh virtual environment $venv ($python)"
rm -rf "$venv"
"$python" -m venv --system-site-packages "$venv"

echo "== pip install --no-build-isolation $source_dir/bindings/python"
"$venv/bin/python" -m pip install --no-build-isolation --no-index --no-deps \
  "$source_dir/bindings/python"

echo "== python3 -m build --no-isolation --wheel"
rm -rf "$work/dist"
"$venv/bin/python" -m build --no-isolation --wheel --outdir "$work/dist" \
  "$source_dir/bindings/python" > "$work/build-wheel.log" 2>&1 ||
  { cat "$work/build-wheel.log"; exit 1; }
"$venv/bin/python" - "$work/dist" <<'PY'
import pathlib, sys, zipfile
wheels = list(pathlib.Path(sys.argv[1]).glob("certo-*.whl"))
assert len(wheels) == 1, wheels
names = set(zipfile.ZipFile(wheels[0]).namelist())
need = {"certo/__init__.py", "certo/_engine.py", "certo/_summaries.py", "certo/_vocabulary.py",
        "certo/_certo.pyi", "certo/py.typed"}
missing = need - names
assert not missing, f"{wheels[0].name} lacks {sorted(missing)}"
assert any(n.startswith("certo/_certo.") and n.endswith(".so") for n in names), sorted(names)
print(f"{wheels[0].name}: {len(names)} files, extension and stubs included")
PY

echo "== pytest (from $work, against the installed package)"
cd "$work"
status=0
"$venv/bin/python" -m pytest -q "$source_dir/bindings/python/tests" "$@" ||
  status=$?
if [ "$status" -eq 5 ]; then
  echo "run_tests.sh: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
