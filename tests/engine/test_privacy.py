"""The processing register's rules, masking by role and retention arithmetic (comity/engine/privacy.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from comity.engine.privacy import (
    BY_CODE,
    REGISTER,
    SELF,
    Basis,
    Ending,
    age_band,
    category,
    category_fingerprint,
    fingerprint,
    is_minor,
    mask_phone,
    past_period,
)


def test_every_category_has_a_unique_code_and_the_person_themself_may_see_it() -> None:
    codes = [item.code for item in REGISTER]
    assert len(codes) == len(set(codes))
    assert all(SELF in item.visible_to for item in REGISTER)


def test_sensitive_information_rests_on_consent_and_legal_records_are_kept() -> None:
    assert {item.code for item in REGISTER if item.sensitive} == {"minors", "care_needs"}
    assert all(item.basis == Basis.CONSENT for item in REGISTER if item.sensitive)
    assert category("ballots").ending == Ending.KEEP
    assert category("ballots").basis == Basis.STATUTORY_DUTY


def test_the_account_alone_is_seen_by_no_one_but_its_holder() -> None:
    assert BY_CODE["account"].visible_to == frozenset({SELF})
    with pytest.raises(KeyError):
        category("no-such-category")


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138-1234-5678", "861****5678"),
        ("021-6234567", "********67"),
        ("1234", "****"),
        ("", ""),
        ("none", ""),
    ],
)
def test_phones_are_masked_keeping_only_the_ends(phone: str, shown: str) -> None:
    assert mask_phone(phone) == shown


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, ""), (-1, ""), (0, "0–9"), (9, "0–9"), (10, "10–19"), (79, "70–79"), (80, "80+"), (104, "80+")],
)
def test_ages_become_bands(age: int | None, band: str) -> None:
    assert age_band(age) == band


def test_minors_are_under_fourteen_by_year_of_birth() -> None:
    assert is_minor(2013, 2026)
    assert not is_minor(2012, 2026)
    assert not is_minor(None, 2026)


def test_a_period_is_past_only_after_its_last_day() -> None:
    today = date(2026, 12, 7)
    assert not past_period(date(2025, 12, 7), 365, today)
    assert past_period(date(2025, 12, 6), 365, today)
    assert past_period(datetime(2025, 12, 1, tzinfo=UTC), 365, today)
    assert not past_period(None, 365, today)
    assert not past_period(date(2000, 1, 1), None, today)


def test_a_change_of_purpose_changes_the_fingerprint_and_the_order_of_categories_does_not() -> None:
    before = category_fingerprint("contact", ["Call you about your appeals."])
    assert before == category_fingerprint("contact", ["Call you about your appeals."])
    assert before != category_fingerprint("contact", ["Call you about your appeals.", "Marketing."])
    assert fingerprint({"contact": ["a"], "appeals": ["b"]}) == fingerprint(
        {"appeals": ["b"], "contact": ["a"]}
    )
