"""A conversation's votes as a sparse participants × statements matrix.

Comity codes votes as **agree = +1, disagree = −1, pass = 0** (the Pol.is CSV export and red-dwarf do the
same; the Pol.is server codes agree as −1 internally, see :mod:`comity.engine.opinions.polis_format`). A
participant may change a vote: the latest value counts, and the time of the first vote on that statement
decides when the participant "entered" the conversation (:func:`in_conversation`).

The matrix is held as three aligned arrays (participant row, statement column, value) plus indicator matrices
built on demand, so a conversation of millions of votes never becomes a dense matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

AGREE = 1
DISAGREE = -1
PASS = 0

#: Pol.is admits a participant to clustering after this many votes (or all statements, if fewer) …
MIN_VOTES = 7
#: … and tops the set up greedily with the most active voters while it has fewer than this many.
GREEDY_N = 15

IntArray = NDArray[np.int64]


class VoteError(ValueError):
    """Votes that cannot form a conversation (unequal lengths, values other than −1, 0 and +1)."""


def _int_array(values: ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise VoteError(f"{name} must be a flat sequence")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        try:
            converted = array.astype(np.int64)
        except (TypeError, ValueError) as error:
            raise VoteError(f"{name} must be whole numbers") from error
        if not np.array_equal(converted, array.astype(np.float64)):
            raise VoteError(f"{name} must be whole numbers")
        return converted
    return array.astype(np.int64, copy=False)


@dataclass(frozen=True, eq=False)
class Conversation:
    """The latest vote of each participant on each statement.

    ``participant_ids`` and ``statement_ids`` are sorted; ``rows``/``cols`` index into them. Only statements
    with at least one vote are columns, as in Pol.is. ``moderated_out`` and ``meta`` statements stay in the
    matrix but take no part in the mathematics (Pol.is zeroes their columns).
    """

    participant_ids: IntArray
    statement_ids: IntArray
    rows: IntArray
    cols: IntArray
    values: NDArray[np.int8]
    first_at: IntArray
    moderated_out: frozenset[int]
    meta: frozenset[int]

    @classmethod
    def from_votes(
        cls,
        participants: ArrayLike,
        statements: ArrayLike,
        values: ArrayLike,
        timestamps: ArrayLike | None = None,
        *,
        moderated_out: Iterable[int] = (),
        meta: Iterable[int] = (),
    ) -> Conversation:
        """Build a conversation from parallel sequences of votes.

        ``timestamps`` (milliseconds) order the votes in time; without them the given order is the time order.
        When a participant voted more than once on a statement, the latest vote counts.
        """
        p = _int_array(participants, "participants")
        s = _int_array(statements, "statements")
        v = _int_array(values, "values")
        if not (len(p) == len(s) == len(v)):
            raise VoteError("participants, statements and values must have the same length")
        t = np.arange(len(p), dtype=np.int64) if timestamps is None else _int_array(timestamps, "timestamps")
        if len(t) != len(p):
            raise VoteError("timestamps must have the same length as the votes")
        if len(v) and (v.min() < -1 or v.max() > 1):
            raise VoteError("votes must be +1 (agree), -1 (disagree) or 0 (pass)")
        participant_ids, rows_all = np.unique(p, return_inverse=True)
        statement_ids, cols_all = np.unique(s, return_inverse=True)
        n_cols = max(len(statement_ids), 1)
        key = rows_all.astype(np.int64).ravel() * n_cols + cols_all.astype(np.int64).ravel()
        # lexsort is stable: votes with the same pair and time keep their given order, so "latest" is the
        # later timestamp, then the later position.
        order = np.lexsort((t, key))
        key, v, t = key[order], v[order], t[order]
        boundary = np.ones(len(key), dtype=bool)
        if len(key) > 1:
            boundary[1:] = key[1:] != key[:-1]
        starts = np.flatnonzero(boundary)
        ends = np.append(starts[1:], len(key)).astype(np.int64) - 1 if len(key) else starts
        key, v, first = key[ends], v[ends], t[starts]
        rows, cols = key // n_cols, key % n_cols
        return cls(
            participant_ids=participant_ids.astype(np.int64),
            statement_ids=statement_ids.astype(np.int64),
            rows=rows.astype(np.int64).ravel(),
            cols=cols.astype(np.int64).ravel(),
            values=v.astype(np.int8),
            first_at=first.astype(np.int64),
            moderated_out=frozenset(int(x) for x in moderated_out),
            meta=frozenset(int(x) for x in meta),
        )

    @classmethod
    def from_records(
        cls,
        votes: Sequence[tuple[int, int, int] | tuple[int, int, int, int]],
        *,
        moderated_out: Iterable[int] = (),
        meta: Iterable[int] = (),
    ) -> Conversation:
        """``(participant, statement, value[, timestamp])`` tuples."""
        if not votes:
            return cls.from_votes([], [], [], moderated_out=moderated_out, meta=meta)
        columns = list(zip(*votes, strict=True))
        timestamps = columns[3] if len(columns) > 3 else None
        return cls.from_votes(
            columns[0], columns[1], columns[2], timestamps, moderated_out=moderated_out, meta=meta
        )

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_statements(self) -> int:
        return len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        return len(self.values)

    @cached_property
    def excluded(self) -> NDArray[np.bool_]:
        """Per column: moderated out or meta, so left out of the mathematics (Pol.is's ``mod-out``)."""
        out = self.moderated_out | self.meta
        return np.fromiter((int(s) in out for s in self.statement_ids), dtype=bool, count=self.n_statements)

    @cached_property
    def votes_per_participant(self) -> IntArray:
        return np.bincount(self.rows, minlength=self.n_participants).astype(np.int64)

    @cached_property
    def last_timestamp(self) -> int:
        return int(self.first_at.max()) if self.n_votes else 0

    def indicator(self, value: int | None = None) -> sp.csr_matrix:
        """A participants × statements 0/1 matrix of votes equal to ``value`` (any vote when ``None``)."""
        cached = self._indicators.get(value)
        if cached is None:
            mask = np.ones(self.n_votes, dtype=bool) if value is None else self.values == value
            # Rows are sorted and (row, column) pairs unique, so the CSR arrays can be written directly.
            rows = self.rows[mask]
            indptr = np.searchsorted(rows, np.arange(self.n_participants + 1)).astype(np.int64)
            cached = sp.csr_matrix(
                (np.ones(len(rows), dtype=np.int64), self.cols[mask], indptr),
                shape=(self.n_participants, self.n_statements),
            )
            self._indicators[value] = cached
        return cached

    @cached_property
    def _indicators(self) -> dict[int | None, sp.csr_matrix]:
        return {}

    def statement_counts(self) -> tuple[IntArray, IntArray, IntArray]:
        """Agrees, disagrees and all votes per statement column, over every participant."""
        return self._statement_counts

    @cached_property
    def _statement_counts(self) -> tuple[IntArray, IntArray, IntArray]:
        n = self.n_statements
        agree = np.bincount(self.cols[self.values == AGREE], minlength=n).astype(np.int64)
        disagree = np.bincount(self.cols[self.values == DISAGREE], minlength=n).astype(np.int64)
        seen = np.bincount(self.cols, minlength=n).astype(np.int64)
        return agree, disagree, seen


def _first_positions(keys: IntArray, size: int) -> IntArray:
    """Where each key in ``range(size)`` first occurs in ``keys`` (keys that never occur are left out)."""
    first = np.full(size, len(keys), dtype=np.int64)
    np.minimum.at(first, keys, np.arange(len(keys), dtype=np.int64))
    return first[first < len(keys)]


def in_conversation(conversation: Conversation) -> NDArray[np.bool_]:
    """Which participants Pol.is clusters (its ``in-conv``), replayed from the votes' times.

    Pol.is admits a participant once they have voted on at least ``min(7, statements so far)`` statements,
    never drops anyone, and while fewer than 15 are admitted it adds the most active voters. The server
    applies the rule at each update, so the set depends on history; Comity replays the votes in time order
    as if the server updated after every distinct timestamp, which reproduces the server's ``in-conv`` on the
    reference conversations and makes the set a function of the votes alone.
    """
    n = conversation.n_participants
    admitted = np.zeros(n, dtype=bool)
    if conversation.n_votes == 0:
        return admitted
    # The arrays are sorted by (row, column): a stable sort on time orders by (time, row, column).
    order = np.argsort(conversation.first_at, kind="stable")
    rows = conversation.rows[order]
    cols = conversation.cols[order]
    times = conversation.first_at[order]
    group_end = np.searchsorted(times, times, side="right") - 1
    new_statement = np.zeros(len(cols), dtype=bool)
    new_statement[_first_positions(cols, conversation.n_statements)] = True
    statements_by_end = np.cumsum(new_statement)[group_end]
    by_row = np.argsort(rows, kind="stable")
    sorted_rows = rows[by_row]
    run_start = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    run_lengths = np.diff(np.append(run_start, len(rows)))
    count_sorted = np.arange(len(rows)) - np.repeat(run_start, run_lengths) + 1
    count = np.empty(len(rows), dtype=np.int64)
    count[by_row] = count_sorted
    qualifies = count >= np.minimum(MIN_VOTES, statements_by_end)
    admitted[np.unique(rows[qualifies])] = True

    # The greedy top-up acts only while fewer than GREEDY_N are in, and only when someone new has arrived:
    # replay the updates that bring a new participant until GREEDY_N are in.
    never = len(rows)
    participant = sorted_rows[run_start]
    arrival_end = np.full(n, never, dtype=np.int64)
    arrival_end[participant] = group_end[by_row[run_start]]
    qualified_end = np.full(n, never, dtype=np.int64)
    qualifying = np.flatnonzero(qualifies)
    first_positions = _first_positions(rows[qualifying], n)
    first_rows = rows[qualifying][first_positions]
    qualified_end[first_rows] = group_end[qualifying[first_positions]]
    start_of = dict(zip(participant.tolist(), run_start.tolist(), strict=True))
    length_of = dict(zip(participant.tolist(), run_lengths.tolist(), strict=True))
    arrival_order = np.argsort(arrival_end, kind="stable")
    greedy = np.zeros(n, dtype=bool)
    for end in np.unique(arrival_end[arrival_end < never]):
        arrived = arrival_order[: int(np.searchsorted(arrival_end[arrival_order], end, side="right"))]
        inside = (qualified_end[arrived] <= end) | greedy[arrived]
        slots = GREEDY_N - int(inside.sum())
        if slots <= 0:
            break
        waiting = arrived[~inside]
        if len(waiting) > slots:

            def votes_by(row: int, end: int = int(end)) -> int:
                begin = start_of[row]
                return int(np.searchsorted(by_row[begin : begin + length_of[row]], end, side="right"))

            waiting = np.array(sorted(waiting.tolist(), key=lambda r: (-votes_by(r), int(arrival_end[r]), r)))
        greedy[waiting[:slots]] = True
        if len(waiting) >= slots:
            break
    admitted |= greedy
    return admitted
