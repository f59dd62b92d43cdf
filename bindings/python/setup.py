# Copyright 2026 The certo Authors
# SPDX-License-Identifier: MIT
"""Builds the certo package: the pure-Python package in certo/ plus the extension certo._certo,
which CMake builds from the C++ sources of the repository this directory belongs to.

The build configures the top-level CMakeLists.txt with -DCERTO_BUILD_PYTHON=ON (tests,
benchmarks, CLI and install rules off), builds only the target _certo and copies the module into
the package. Environment variables:

  CERTO_SOURCE_DIR        the repository root (default: two directories up from this file)
  CERTO_CMAKE_BUILD_DIR   where CMake builds (default: under setuptools' build_temp); reusing one
                          makes a rebuild incremental
  CERTO_CMAKE_BUILD_TYPE  default: Release
  CMAKE_BUILD_PARALLEL_LEVEL  parallel jobs (default: 2)
  CMAKE_GENERATOR         default: Ninja when it is installed
  CERTO_SETUPTOOLS_BUILD_DIR  where setuptools puts its build/ and certo.egg-info (default:
                          beside this file); run_tests.sh keeps the source tree clean with it
  CERTO_PREBUILT_MODULE   a _certo module a CMake tree of this repository already built (one
                          configured with -DCERTO_BUILD_PYTHON=ON: the release preset is):
                          packaged as it is, with no CMake run. ctest's python_bindings test
                          passes the release tree's, so CI compiles the library once, not twice

pip must build in place (pip >= 21.3 does) so that the repository stays reachable:
``pip install --no-build-isolation bindings/python``, not from an sdist.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


def source_dir() -> Path:
    root = Path(os.environ.get("CERTO_SOURCE_DIR") or HERE.parent.parent).resolve()
    top = root / "CMakeLists.txt"
    if not top.is_file() or "project(certo" not in top.read_text(encoding="utf-8"):
        sys.exit(f"certo's C++ sources were not found in {root}. Build from a checkout of the "
                 "repository (pip install --no-build-isolation bindings/python), or set "
                 "CERTO_SOURCE_DIR to its root.")
    return root


def version() -> str:
    text = (source_dir() / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\(certo\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        sys.exit("no project(certo VERSION x.y.z) in the top-level CMakeLists.txt")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name))
        prebuilt = os.environ.get("CERTO_PREBUILT_MODULE")
        if prebuilt:
            module = Path(prebuilt)
            if not module.is_file() or not module.name.endswith(_suffix()):
                sys.exit(f"CERTO_PREBUILT_MODULE={prebuilt}: not a built _certo module for this "
                         f"interpreter (a file named _certo{_suffix()})")
            self.announce("packaging the prebuilt module " + str(module), level=2)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(module, target)
            return
        root = source_dir()
        build = Path(os.environ.get("CERTO_CMAKE_BUILD_DIR") or
                     Path(self.build_temp) / "cmake").resolve()
        build.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(root), "-B", str(build),
            "-DCMAKE_BUILD_TYPE=" + os.environ.get("CERTO_CMAKE_BUILD_TYPE", "Release"),
            "-DCERTO_BUILD_PYTHON=ON", "-DCERTO_BUILD_TESTS=OFF",
            "-DCERTO_BUILD_BENCHMARKS=OFF", "-DCERTO_BUILD_CLI=OFF", "-DCERTO_INSTALL=OFF",
            "-DCERTO_SANITIZE=OFF", "-DCERTO_BUILD_SHARED=OFF",
            "-DPython_EXECUTABLE=" + sys.executable,
        ]
        if not (build / "CMakeCache.txt").exists() and "CMAKE_GENERATOR" not in os.environ \
                and shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or "2"
        self.announce("configuring certo with CMake in " + str(build), level=2)
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "_certo", "-j", jobs],
                       check=True)
        built = sorted((build / "bindings" / "python").glob("_certo*" + _suffix()))
        if len(built) != 1:
            sys.exit(f"expected one _certo module in {build / 'bindings' / 'python'}, "
                     f"found {built}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


def _suffix() -> str:
    import sysconfig
    return sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def options() -> dict:
    scratch = os.environ.get("CERTO_SETUPTOOLS_BUILD_DIR")
    if not scratch:
        return {}
    Path(scratch).mkdir(parents=True, exist_ok=True)
    return {"build": {"build_base": scratch}, "egg_info": {"egg_base": scratch}}


setup(
    version=version(),
    options=options(),
    ext_modules=[CMakeExtension("certo._certo")],
    cmdclass={"build_ext": CMakeBuild},
)
