"""A hash-chained ballot log: the shared chain of :mod:`comity.engine.hashchain`, with receipts.

Anyone holding the log can recompute the chain (:func:`verify`); changing, removing or reordering an entry breaks
every hash after it. For a secret ballot the entry holds the ballot's content and a random receipt code, never the
voter: the receipt's hash lets a voter find their ballot in the published log without revealing who cast it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from comity.engine.hashchain import GENESIS, LogEntry, Verification, canonical, chain, entry_hash, verify

__all__ = [
    "GENESIS",
    "LogEntry",
    "Verification",
    "canonical",
    "chain",
    "entry_hash",
    "find_receipt",
    "normalise_receipt",
    "receipt_hash",
    "verify",
]


def normalise_receipt(text: str) -> str:
    """A receipt code as issued, from what a voter typed: upper case, groups of five, spaces and dashes ignored."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def receipt_hash(receipt: str) -> str:
    """What the log stores of a voter's receipt code (the code itself stays with the voter)."""
    return hashlib.sha256(("receipt:" + receipt).encode("utf-8")).hexdigest()


def find_receipt(entries: Sequence[LogEntry], receipt: str) -> LogEntry | None:
    """The entry a voter's receipt code points to, if the ballot is in the log."""
    wanted = receipt_hash(receipt)
    return next((e for e in entries if e.content.get("receipt") == wanted), None)
