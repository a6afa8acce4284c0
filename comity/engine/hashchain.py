"""A hash chain: each entry's hash covers the previous hash and the entry's canonical content.

Anyone holding the entries can recompute the chain (:func:`verify`); changing, removing or reordering an entry
breaks every hash after it, and the verifier names the first entry that does not fit. The decisions' ballot log
and the volunteers' time-bank ledger are both this chain (one implementation, one verifier). A removed *last*
entry leaves a shorter chain that still links; a reader who knows where the chain ended (its head and length, kept
beside it) passes them as ``head`` and ``length`` and is told.
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


def verify(
    entries: Sequence[LogEntry], start: str = GENESIS, *, head: str | None = None, length: int | None = None
) -> Verification:
    """Recompute the chain; the first entry whose place, link or hash does not match is reported.

    With ``head`` and ``length`` (where the chain ended when it was last written), a chain cut short at its end is
    reported too: ``first_bad`` is then the number of the first missing entry.
    """
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
    if length is not None and len(entries) != length:
        missing = len(entries) + 1
        return Verification(False, len(entries), missing, "entries at the end of the chain are missing")
    if head is not None and previous != head:
        return Verification(
            False, len(entries), len(entries), "the chain does not end where it was last written"
        )
    return Verification(True, len(entries), None)
