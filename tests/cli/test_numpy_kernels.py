"""The command line's choice of numpy's sort kernels on AMD Zen 4 (kinlink.cli)."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kinlink.cli import avx512_kernels_to_skip

ZEN4 = "processor : 0\nvendor_id : AuthenticAMD\ncpu family : 25\nflags : fpu avx2 avx512f\n\n"


def _run(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("cpuinfo", "version", "expected"),
    [
        (ZEN4, "2.4.6", "X86_V4 AVX512_ICL AVX512_SPR"),
        (ZEN4, "3.0.0", "X86_V4 AVX512_ICL AVX512_SPR"),
        (ZEN4, "2.3.5", None),  # other names before numpy 2.4
        (ZEN4.replace(" avx512f", ""), "2.4.6", None),  # Zen 3: no AVX-512
        (ZEN4.replace("25", "26"), "2.4.6", None),  # Zen 5
        (ZEN4.replace("AuthenticAMD", "GenuineIntel").replace("25", "6"), "2.4.6", None),
        (ZEN4, "dev", None),
        ("", "2.4.6", None),
    ],
)
def test_only_zen4_with_a_known_numpy_skips_avx512(cpuinfo, version, expected):
    assert avx512_kernels_to_skip(cpuinfo, version) == expected


@pytest.mark.skipif(not Path("/proc/cpuinfo").is_file(), reason="Linux's /proc/cpuinfo")
def test_the_command_line_sets_it_before_numpy_and_numpy_follows():
    expected = avx512_kernels_to_skip(
        Path("/proc/cpuinfo").read_text(errors="replace")[:16_384],
        importlib.metadata.version("numpy"),
    )
    out = _run(
        "import os, kinlink.cli as c; c._prefer_fast_sort(); import numpy;"
        "from numpy._core._multiarray_umath import __cpu_features__ as f;"
        "print(os.environ.get('NPY_DISABLE_CPU_FEATURES'), f.get('X86_V4'))"
    )
    value, avx512 = out.rsplit(" ", 1)
    assert value == str(expected)
    if expected:  # this machine is a Zen 4: numpy took the AVX2 kernels
        assert avx512 == "False"


def test_a_value_the_user_set_is_kept_even_empty():
    code = (
        "import os, kinlink.cli as c; c._prefer_fast_sort();"
        "print(repr(os.environ['NPY_DISABLE_CPU_FEATURES']))"
    )
    assert _run(code, NPY_DISABLE_CPU_FEATURES="") == "''"
    assert _run(code, NPY_DISABLE_CPU_FEATURES="AVX512_SPR") == "'AVX512_SPR'"


def test_nothing_is_set_once_numpy_is_imported():
    code = (
        "import os, numpy, kinlink.cli as c; c._prefer_fast_sort();"
        "print(os.environ.get('NPY_DISABLE_CPU_FEATURES'))"
    )
    assert _run(code) == "None"
