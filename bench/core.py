"""What every benchmark shares: the two sizes, one result row per figure, timing and peak memory.

A figure is always compared with its floor, measured in the same run on the same data and
machine, so the ratio means something on any machine; the absolute figures only orient."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Size:
    name: str  # "quarter" | "full"
    fraction: float

    def of(self, n: int) -> int:
        """`n` (a full-size count) at this size."""
        return max(1, round(n * self.fraction))


QUARTER = Size("quarter", 0.25)
FULL = Size("full", 1.0)
SIZES = {size.name: size for size in (QUARTER, FULL)}


@dataclass
class Row:
    """One measured figure beside its floor (or beside a fixed limit, with `floor` None)."""

    path: str  # "public results page", "ranking", "spreadsheet import", "certificates"
    size: str  # Size.name
    measure: str  # e.g. "requests/s", "p99 latency", "seconds", "peak memory", "queries"
    unit: str  # e.g. "req/s", "ms", "s", "MB", ""
    app: float
    floor: float | None
    target: str  # as the table prints it, e.g. "≥ 0.8× floor", "≤ 1.5× floor", "< 500 MB"
    ok: bool
    detail: str = ""  # what was measured (rows, nominees, …)

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.app / self.floor

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def at_least(path, size, measure, unit, app, floor, factor, detail="") -> Row:
    """A figure where more is better (throughput): at least `factor` × the floor's."""
    return Row(path, size.name, measure, unit, app, floor, f"≥ {factor}× floor",
               app >= factor * floor, detail)  # fmt: skip


def at_most(path, size, measure, unit, app, floor, factor, detail="") -> Row:
    """A figure where less is better (time, latency): at most `factor` × the floor's."""
    return Row(path, size.name, measure, unit, app, floor, f"≤ {factor}× floor",
               app <= factor * floor, detail)  # fmt: skip


def below(path, size, measure, unit, app, limit, detail="", floor=None, target=None) -> Row:
    """A figure with a fixed limit (peak memory, a query count)."""
    return Row(path, size.name, measure, unit, app, floor, target or f"< {limit:g} {unit}".strip(),
               app < limit, detail)  # fmt: skip


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """(wall-clock seconds, result) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def run_measured(args: list[str], *, env: dict | None = None) -> tuple[float, str]:
    """Run a command to completion in a process of its own: (wall-clock seconds, its stdout).
    Raises CalledProcessError (with its output) when it fails. A process measures its own peak
    memory (own_peak_mb): the kernel's figure for a child (wait4's ru_maxrss) counts the
    resident size of the process it was forked from, this one's, hundreds of MB once an
    edition is built, so every child would report at least that."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.run(
            args, env={**os.environ, **(env or {})}, stdout=out, stderr=err, check=False
        )
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, args, stdout, stderr)
    return elapsed, stdout


def own_peak_mb() -> float:
    """This process's peak resident memory in MB since it started its program (VmHWM, the
    high-water mark of its own address space, which begins at exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("No VmHWM in /proc/self/status.")


def python_module(module: str, *args: str) -> list[str]:
    """The command running `python -m <module> <args>` with this interpreter."""
    return [sys.executable, "-m", module, *args]
