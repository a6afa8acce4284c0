"""A hash-chained ballot log: each entry's hash covers the previous hash and the entry's canonical content.

Anyone holding the log can recompute the chain (:func:`verify`); changing, removing or reordering an entry breaks
every hash after it. For a secret ballot the entry holds the ballot's content and a random receipt code, never the
voter: the receipt's hash lets a voter find their ballot in the published log without revealing who cast it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(content: Mapping[str, Any]) -> bytes:
    """The entry's content as bytes: JSON with sorted keys and no whitespace, so every reader agrees."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(previous: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(content)).hexdigest()


def normalise_receipt(text: str) -> str:
    """A receipt code as issued, from what a voter typed: upper case, groups of five, spaces and dashes ignored."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def receipt_hash(receipt: str) -> str:
    """What the log stores of a voter's receipt code (the code itself stays with the voter)."""
    return hashlib.sha256(("receipt:" + receipt).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LogEntry:
    sequence: int
    content: Mapping[str, Any]
    previous: str
    hash: str


def chain(contents: Iterable[Mapping[str, Any]], start: str = GENESIS) -> list[LogEntry]:
    entries, previous = [], start
    for sequence, content in enumerate(contents, start=1):
        digest = entry_hash(previous, content)
        entries.append(LogEntry(sequence, content, previous, digest))
        previous = digest
    return entries


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad: int | None
    reason: str = ""


def verify(entries: Sequence[LogEntry], start: str = GENESIS) -> Verification:
    """Recompute the chain; the first entry whose link or hash does not match is reported."""
    previous = start
    for position, entry in enumerate(entries, start=1):
        if entry.sequence != position:
            return Verification(False, position - 1, entry.sequence, "an entry is missing or out of order")
        if entry.previous != previous:
            return Verification(
                False, position - 1, entry.sequence, "the link to the previous entry is broken"
            )
        if entry_hash(previous, entry.content) != entry.hash:
            return Verification(
                False, position - 1, entry.sequence, "the entry was changed after it was written"
            )
        previous = entry.hash
    return Verification(True, len(entries), None)


def find_receipt(entries: Sequence[LogEntry], receipt: str) -> LogEntry | None:
    """The entry a voter's receipt code points to, if the ballot is in the log."""
    wanted = receipt_hash(receipt)
    return next((e for e in entries if e.content.get("receipt") == wanted), None)
