"""The ``kinlink`` command: parse arguments, call the library, turn errors into clean exits.

Exit codes: 0 success (a usable bundle with some rejected rows is a success: see rejects.csv),
2 a :class:`~kinlink.errors.KinlinkError` (unreadable bundle, bad settings), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kinlink import __version__
from kinlink.commands import COMMANDS
from kinlink.errors import KinlinkError

log = logging.getLogger("kinlink")

#: numpy's names (numpy >= 2.4) for its kernels that use AVX-512
_AVX512_KERNELS = "X86_V4 AVX512_ICL AVX512_SPR"


def avx512_kernels_to_skip(cpuinfo: str, numpy_version: str) -> str | None:
    r"""The value of ``NPY_DISABLE_CPU_FEATURES`` that makes numpy sort with AVX2 rather than
    AVX-512 on an AMD Zen 4 processor, or ``None`` elsewhere.

    numpy sorts integers with x86-simd-sort, whose AVX-512 partition step stores through a
    compress instruction that Zen 4 runs in microcode (numpy/x86-simd-sort#6; numpy/numpy#32690):
    there numpy's AVX-512 sort of ten million int64 took 0.76 s and its AVX2 sort 0.16 s, and
    kinlink's blocking sorts tens of millions of pair codes. Zen 4 is the AMD family 25 that has
    AVX-512 (Zen 3, the same family, has none; Zen 5 is family 26 and fast). The names are
    numpy 2.4's; an older numpy keeps its own choice.

    Examples
    --------
    >>> zen4 = "vendor_id : AuthenticAMD\ncpu family : 25\nflags : sse avx2 avx512f\n"
    >>> avx512_kernels_to_skip(zen4, "2.4.6")
    'X86_V4 AVX512_ICL AVX512_SPR'
    >>> avx512_kernels_to_skip(zen4.replace("avx512f", ""), "2.4.6") is None  # Zen 3
    True
    >>> avx512_kernels_to_skip(zen4, "2.3.5") is None
    True
    """
    if not _zen4(cpuinfo):
        return None
    try:
        major, minor = (int(part) for part in numpy_version.split(".")[:2])
    except ValueError:
        return None
    return _AVX512_KERNELS if (major, minor) >= (2, 4) else None


def _zen4(cpuinfo: str) -> bool:
    """Whether ``/proc/cpuinfo``'s first processor is an AMD family 25 with AVX-512."""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        if not line.strip():
            break  # the first processor is enough
        name, _, value = line.partition(":")
        fields[name.strip()] = value.strip()
    return (
        fields.get("vendor_id") == "AuthenticAMD"
        and fields.get("cpu family") == "25"
        and "avx512f" in fields.get("flags", "").split()
    )


def _prefer_fast_sort() -> None:
    """Set ``NPY_DISABLE_CPU_FEATURES`` for :func:`avx512_kernels_to_skip`, before numpy is
    first imported (the report's forked writers and the dashboard's server inherit it). A value
    the user has set, even an empty one, is left as it is."""
    if "NPY_DISABLE_CPU_FEATURES" in os.environ or "numpy" in sys.modules:
        return
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            cpuinfo = fh.read(16_384)
    except OSError:
        return
    if not _zen4(cpuinfo):  # elsewhere, no package metadata is read at start-up
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        skip = avx512_kernels_to_skip(cpuinfo, version("numpy"))
    except PackageNotFoundError:
        return
    if skip:
        os.environ["NPY_DISABLE_CPU_FEATURES"] = skip


def _configure_logging(verbose: int) -> None:
    """Log kinlink's own messages to stderr; never touch the root logger."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("kinlink: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    log.propagate = False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinlink",
        description="Family-unit and case-linkage analysis for MPP records.",
    )
    parser.add_argument("--version", action="version", version=f"kinlink {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    common.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars and no summary"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMANDS:
        module = importlib.import_module(f"kinlink.commands.{module_name}")
        sub = commands.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            parents=[common],
            epilog=f"example: {module.EXAMPLE}",
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _prefer_fast_sort()
    args = _parser().parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return int(args.run(args))
    except KinlinkError as err:
        message = str(err)
        if getattr(args, "mask", False):  # a masked run prints no value or line, errors included
            from kinlink.queries.privacy import mask_message

            message = mask_message(message)
        print(f"kinlink: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kinlink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`kinlink evaluate ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
