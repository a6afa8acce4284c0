"""What the notification services share."""

from __future__ import annotations

_ERROR_LENGTH = 2000


def _describe(exc: BaseException) -> str:
    """An error as stored on a delivery: its type and message, cut to a length the page can show."""
    return f"{type(exc).__name__}: {exc}"[:_ERROR_LENGTH]
