"""The shared hash chain: the ballot log and the time-bank ledger verify with it, and every tampering is named."""

from __future__ import annotations

from dataclasses import replace

from comity.engine import hashchain
from comity.engine.decisions import ballot_log
from comity.engine.hashchain import GENESIS, chain, verify

CONTENTS = [{"n": n, "hours": f"{n}.5", "who": f"p{n}"} for n in range(1, 7)]


def test_an_untouched_chain_verifies_with_and_without_its_head() -> None:
    entries = chain(CONTENTS)
    assert verify(entries).ok
    check = verify(entries, head=entries[-1].hash, length=len(entries))
    assert check.ok
    assert check.checked == 6
    assert check.first_bad is None


def test_the_ballot_log_is_the_same_chain_not_a_copy() -> None:
    assert ballot_log.chain is hashchain.chain
    assert ballot_log.verify is hashchain.verify
    assert ballot_log.entry_hash is hashchain.entry_hash
    assert ballot_log.GENESIS == GENESIS


def test_a_changed_entry_is_named() -> None:
    entries = chain(CONTENTS)
    entries[3] = replace(entries[3], content={**entries[3].content, "hours": "99"})
    check = verify(entries)
    assert (check.ok, check.first_bad, check.checked) == (False, 4, 3)
    assert check.reason == "the entry was changed after it was written"


def test_a_rehashed_change_breaks_the_next_link() -> None:
    entries = chain(CONTENTS)
    forged = {**entries[1].content, "hours": "99"}
    entries[1] = replace(entries[1], content=forged, hash=hashchain.entry_hash(entries[1].previous, forged))
    check = verify(entries)
    assert (check.ok, check.first_bad) == (False, 3)
    assert check.reason == "the link to the previous entry is broken"


def test_a_removed_entry_in_the_middle_is_named() -> None:
    entries = chain(CONTENTS)
    del entries[2]
    check = verify(entries)
    assert (check.ok, check.first_bad) == (False, 4)
    assert check.reason == "an entry is missing or out of order"


def test_reordered_entries_are_named() -> None:
    entries = chain(CONTENTS)
    entries[1], entries[2] = entries[2], entries[1]
    check = verify(entries)
    assert (check.ok, check.first_bad) == (False, 3)


def test_a_cut_tail_is_found_only_by_a_reader_who_knows_the_head() -> None:
    entries = chain(CONTENTS)
    head, length = entries[-1].hash, len(entries)
    cut = entries[:-2]
    assert verify(cut).ok
    check = verify(cut, head=head, length=length)
    assert (check.ok, check.first_bad, check.checked) == (False, 5, 4)
    assert check.reason == "entries at the end of the chain are missing"
    other = verify(cut, head=head)
    assert not other.ok
    assert other.reason == "the chain does not end where it was last written"


def test_an_empty_chain_ends_at_genesis() -> None:
    assert verify([], head=GENESIS, length=0).ok
    assert not verify([], length=1).ok
