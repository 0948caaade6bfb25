"""kinlink.memory: handing freed memory back before a fork."""

from __future__ import annotations

import ctypes.util
import sys

import pytest

from kinlink.memory import return_free_memory


def _resident_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(
    sys.platform != "linux" or not ctypes.util.find_library("c"), reason="glibc's malloc_trim"
)
def test_freed_heap_memory_leaves_the_process() -> None:
    # 2,000 blocks of 64 KiB come from malloc's heap (below its mmap threshold); the last one is
    # kept, so the heap's top cannot shrink by itself and only a trim returns the pages below it
    blocks = [bytearray(b"x" * 65_536) for _ in range(2_000)]
    kept = blocks.pop()
    del blocks
    before = _resident_kb()
    return_free_memory()
    after = _resident_kb()
    assert kept[0] == ord("x")
    assert before - after > 60_000, (before, after)  # of the 125 MiB freed, most is returned
