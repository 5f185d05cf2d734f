"""Fault injection for the crash-safety tests: with CHARGEBACK_FAULT_AT=<point> the process stops dead, as a
kill would (no cleanup, no exception handlers), when it reaches that point. Unset, nothing happens.

Points: `load` (a file's rows inserted, its transaction not committed), `contracts` (the checkpoint ran, no
result reported), `posting` (the posting's files in place, the ledger rows not recorded).
"""

from __future__ import annotations

import os

FAULT_ENV = "CHARGEBACK_FAULT_AT"


def fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os._exit(137)
