"""What the decision services share: the locked decision row, the ballot log, receipts and pseudonyms. The
permission check, row locks and dates in words are the foundation's (:mod:`comity.foundation.services`); the
refusals by a decision's state, which the pages check too, are :mod:`comity.decisions.checks`'."""

from __future__ import annotations

import secrets
from typing import Any

from comity.decisions.models import Decision, LogEntry
from comity.engine.decisions.ballot_log import entry_hash
from comity.foundation.services import lock

MANAGE = "decisions.manage_decisions"
#: Receipt codes: 15 characters of an alphabet without look-alikes (75 bits), shown in groups of five.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _locked(decision: Decision) -> Decision:
    """The decision row, locked for the transaction: ballots and log entries of one decision are serialised."""
    return lock(decision, "community__street", "area", "subject")


def _append_log(decision: Decision, content: dict[str, Any]) -> LogEntry:
    """Append one entry to the decision's chain. The caller holds the decision's row lock."""
    sequence = decision.log_length + 1
    digest = entry_hash(decision.log_head, content)
    entry = LogEntry.objects.create(
        community_id=decision.community_id,
        decision=decision,
        sequence=sequence,
        content=content,
        previous=decision.log_head,
        hash=digest,
    )
    decision.log_head, decision.log_length = digest, sequence
    Decision.objects.filter(pk=decision.pk).update(log_head=digest, log_length=sequence)
    return entry


def _new_pseudonyms(count: int) -> list[str]:
    """``count`` distinct random names for the electors of one register, as the ballot log shows them (ADR 0012).

    Random rather than derived from the elector, so nothing outside the register links a pseudonym to a person.
    """
    names: set[str] = set()
    while len(names) < count:
        names.add("V-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8)))
    return list(names)


def _new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(15))
    return "-".join(raw[i : i + 5] for i in range(0, 15, 5))
