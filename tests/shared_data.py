"""Where the real public data the tests read lives: ``tests/data`` in the repository (``tests/data/README.md`` names
each file's source and licence), so that a clone alone passes ``make test``.

``COMITY_SHARED_DATA`` points the tests at another copy with the same layout (``pabulib/``, ``polis/``). A missing
directory is an error, not a skip: the golden tests are part of what CI checks.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def shared_data() -> Path:
    path = Path(os.environ.get("COMITY_SHARED_DATA", DATA))
    if not path.is_dir():
        raise FileNotFoundError(f"the test data directory {path} is missing (set COMITY_SHARED_DATA)")
    return path


def polis_fixtures() -> list[Path]:
    return sorted(p for p in (shared_data() / "polis" / "reddwarf-fixtures").iterdir() if p.is_dir())
