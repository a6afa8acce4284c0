"""The engine's report carries each group's vote count per statement, so the pages can say "too few votes yet to
say"; it adds the counts and changes none of the Pol.is figures, and a lone vote still meets Pol.is's consensus
test (which is why the report page, not the engine, sets a minimum)."""

from __future__ import annotations

from comity.engine.opinions import Conversation, analyze


def _two_camps_and_a_newcomer() -> Conversation:
    votes = []
    for p in range(16):
        camp = 1 if p < 8 else -1
        votes += [(p, s, camp if s % 2 else -camp, p * 100 + s) for s in range(8)]
        votes += [(p, 8, 1, p * 100 + 8)]  # everyone agrees with #8
    votes.append((3, 9, -1, 9999))  # one vote on a newcomer's statement #9
    return Conversation.from_records(votes)


def test_each_group_counts_its_votes_on_every_statement() -> None:
    report = analyze(_two_camps_and_a_newcomer()).report()
    assert report["k"] == 2
    by_id = {s["id"]: s for s in report["statements"]}
    for number, entry in by_id.items():
        assert len(entry["group_seen"]) == len(entry["group_agree"]) == 2
        assert sum(entry["group_seen"]) == entry["agree"] + entry["disagree"] + entry["pass"]
        assert all(isinstance(n, int) for n in entry["group_seen"]), number
    assert sorted(by_id[9]["group_seen"]) == [0, 1]
    assert by_id[8]["group_seen"] == [8, 8]
    for entry in report["divisive"]:
        assert entry["group_seen"] == by_id[entry["statement"]]["group_seen"]


def test_a_lone_vote_still_meets_the_pol_is_consensus_test() -> None:
    report = analyze(_two_camps_and_a_newcomer()).report()
    lone = next(e for e in report["consensus"]["disagree"] if e["statement"] == 9)
    assert (lone["successes"], lone["seen"]) == (1, 1)
    assert abs(lone["probability"] - 2 / 3) < 1e-12
