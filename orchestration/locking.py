"""One writer at a time per warehouse: a run or a posting holds an exclusive lock on `<warehouse>.lock`.

A second run started while one is writing stops at once with a clear message instead of failing half way
on DuckDB's file lock or interleaving loads. The operating system releases the lock when the holder exits,
however it exits, so a crashed run never leaves the warehouse locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from orchestration.settings import ConfigError


def lock_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".lock")


@contextmanager
def warehouse_lock(warehouse_path: Path, purpose: str) -> Iterator[None]:
    path = lock_path(warehouse_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ConfigError(
                f"{warehouse_path} is being written by {holder}: wait for it to finish and run again "
                "(readers are not affected)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{purpose} (pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC)")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
