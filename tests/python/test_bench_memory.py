"""The benchmark's peak memory: each process's own, not inherited from the process that started it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py"

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")


def _bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_childs_peak_is_its_own_not_its_parents():
    bench = _bench()
    held = bytearray(400 << 20)  # this process holds 400 MiB (touched, so resident) while the child runs
    held[::4096] = b"x" * len(held[::4096])
    peaks = bench.DescendantPeaks(interval=0.05)
    peaks.start()
    # The child holds 100 MiB for a moment, then exits.
    child = "import time; b = bytearray(100 << 20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1)"
    subprocess.run([sys.executable, "-c", child], check=True)
    child_peak = peaks.stop()
    assert 100 <= child_peak < 250, child_peak
    # Linux's ru_maxrss of the same child would read at least this process's 400 MiB (it starts from the
    # parent's resident memory at fork), which is why the benchmark does not use it.
    assert bench._peak_mib() >= 400
    del held
