"""Where the real public data lives: ``../shared/data`` beside the clone (``COMITY_SHARED_DATA`` overrides).

Tests read it in place and never copy it into the repository. A missing directory is an error, not a skip:
the golden tests are part of what CI checks.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    path = Path(os.environ.get("COMITY_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not path.is_dir():
        raise FileNotFoundError(f"the shared data directory {path} is missing (set COMITY_SHARED_DATA)")
    return path


def polis_fixtures() -> list[Path]:
    return sorted(p for p in (shared_data() / "polis" / "reddwarf-fixtures").iterdir() if p.is_dir())
