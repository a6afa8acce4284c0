"""Who may inspect an open ballot's named record is part of each rule (ADR 0012): the decision's own electorate
for owners' decisions and members' motions, only those who run it for residents' meetings."""

from __future__ import annotations

from comity.engine.decisions.rules import PRESETS, Electorate, NamedRecord


def test_every_rule_says_who_may_inspect_its_named_record() -> None:
    record = {name: rule.named_record for name, rule in PRESETS.items()}
    assert record == {
        "civil-code-278-ordinary": NamedRecord.ELECTORATE,
        "civil-code-278-major": NamedRecord.ELECTORATE,
        "elevator-retrofit": NamedRecord.ELECTORATE,
        "residents-meeting": NamedRecord.STAFF,
        "residents-meeting-households": NamedRecord.STAFF,
        "council-motion": NamedRecord.ELECTORATE,
        "simple-majority": NamedRecord.ELECTORATE,
        "qualified-majority": NamedRecord.ELECTORATE,
    }


def test_residents_meetings_and_only_they_keep_the_record_with_staff() -> None:
    for rule in PRESETS.values():
        residents = rule.electorate in (Electorate.ADULT_RESIDENTS, Electorate.HOUSEHOLDS)
        assert (rule.named_record == NamedRecord.STAFF) is residents, rule.name
