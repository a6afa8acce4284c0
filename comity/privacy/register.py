"""The processing register's words: what each category holds, why, and what withdrawing consent means.

The register's rules (basis, sensitivity, roles, retention) are the engine's (``comity.engine.privacy``); the words
are here, translatable, and the published notice (``NoticeVersion.register``) keeps both languages as they were.
Purposes are what a consent is a consent to: changing one changes the category's fingerprint, and the next notice
asks residents who consented under the old words again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comity.engine.privacy import REGISTER, SELF, Basis, Category, Ending, category_fingerprint


@dataclass(frozen=True)
class Words:
    name: Promise
    holds: Promise
    purposes: tuple[Promise, ...]
    #: What changes when consent is withdrawn (consent-based categories only).
    withdrawal: Promise | None = None


WORDS: dict[str, Words] = {
    "identity_home": Words(
        _("Who you are and where you live"),
        _("Your name, gender, the unit and household you are registered in, and whether you live here."),
        (
            _("Keep the residents' register the committee must keep by law."),
            _("Know who may take part in your community's consultations, votes and budgets."),
        ),
    ),
    "contact": Words(
        _("How to reach you"),
        _("Your phone number."),
        (
            _("Call or text you about your own appeals, votes and activities."),
            _("Reach you in an emergency in your building."),
        ),
        _(
            "Staff will no longer call or text you. Your number is removed from the register; you still get "
            "notices in Comity or by letter."
        ),
    ),
    "age_household": Words(
        _("Your age and household"),
        _("Your year of birth and who else lives in your household."),
        (
            _("Plan services for older residents and families."),
            _("Count participation by age group without naming anyone."),
        ),
    ),
    "minors": Words(
        _("Children under 14"),
        _("The name, year of birth and household of a child under 14, given by a parent or guardian."),
        (_("Register the child in the household so that services for families reach them."),),
        _("The child's record is removed from the register, except what the household count needs."),
    ),
    "ownership": Words(
        _("What you own"),
        _("Your units' ownership shares, areas and certificate numbers, and tenancies."),
        (
            _("Count owners' votes by headcount and by area as the Civil Code requires."),
            _("Share the costs of common works by area."),
        ),
    ),
    "appeals": Words(
        _("Your appeals"),
        _("What you asked for or reported, where, your name and phone on the case, and how it was handled."),
        (
            _("Handle your appeal, keep you informed and ask you how it went."),
            _("Measure how well and how fast appeals are handled."),
        ),
    ),
    "appeal_photos": Words(
        _("Photos with appeals"),
        _("Photos you or staff attach to an appeal, with the place written into the file removed."),
        (_("Show the problem and the finished work."),),
        _("No new photos are taken of your matters; photos already on your closed appeals are deleted."),
    ),
    "care_needs": Words(
        _("Care needs"),
        _("Health, disability or living alone, when you or a family member tell us in an appeal."),
        (_("Send the right help, such as a home visit to an older person who lives alone."),),
        _("Staff will not record care needs for you; those on record are removed from your open appeals."),
    ),
    "ballots": Words(
        _("Your votes in owners' decisions"),
        _(
            "That you voted and how (online, by proxy, on paper); a secret ballot's choice is not linked to you."
        ),
        (_("Keep the record of a decision that the law requires, so that the count can be checked."),),
    ),
    "participation": Words(
        _("Your part in consultations and budgets"),
        _("Your statements, votes on statements, budget ballots, supports, comments and ratings."),
        (
            _("Show the community's opinions and count budget ballots."),
            _("Count participation by group, so that the committee sees who is not heard."),
        ),
        _(
            "You can no longer take part in consultations or budgets. What you already said stays in the "
            "counts without your name."
        ),
    ),
    "activities": Words(
        _("Activities and volunteering"),
        _("The activities you sign up for or attend, and your volunteer hours."),
        (_("Run activities, keep wait-lists and record volunteer hours."),),
        _("You are taken off wait-lists and future activities; volunteer hours already recorded are kept."),
    ),
    "account": Words(
        _("Your account"),
        _("Your username, e-mail, language and text size, and the notifications sent to you."),
        (_("Let you sign in and send you notifications."),),
    ),
    "staff_records": Words(
        _("Staff work records"),
        _("What staff did on a case, a register or a decision, under their own name."),
        (_("Answer for how public duties were carried out (the audit log)."),),
    ),
    "access_log": Words(
        _("Who looked at your data"),
        _("Which staff account, in which role, read your data and when."),
        (_("Show you who looked, and find unusual access."),),
    ),
}

BASIS_WORDS = {
    Basis.CONSENT: _("Your consent, which you can withdraw (PIPL Art. 13 (1))"),
    Basis.CONTRACT: _("Needed for the service you asked for (PIPL Art. 13 (2))"),
    Basis.STATUTORY_DUTY: _("The committee's or the owners' duties under law (PIPL Art. 13 (3))"),
    Basis.VITAL_INTERESTS: _("To protect life, health or property in an emergency (PIPL Art. 13 (4))"),
}

ROLE_WORDS = {
    SELF: _("you"),
    "committee_staff": _("residents' committee staff"),
    "street_official": _("street office officials"),
    "grid_worker": _("your grid worker"),
    "subject_staff": _("staff of the organisation handling your appeal"),
}

START_WORDS = {
    "left": _("%(span)s after you leave the community"),
    "ended": _("%(span)s after it ends"),
    "closed": _("%(span)s after the appeal is closed"),
    "created": _("%(span)s after it is recorded"),
    "decided": _("%(span)s after the decision"),
}


def retention_text(item: Category) -> str:
    """How long, in words: "3 years after you leave the community", "kept as a legal record"."""
    if item.ending == Ending.KEEP:
        return str(_("Kept as a legal record"))
    if item.retention_days is None:
        return str(_("Kept while you take part; removed on request or when you withdraw consent"))
    years, days = divmod(item.retention_days, 365)
    span = (
        ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
        if not days
        else ngettext("%(count)d day", "%(count)d days", item.retention_days) % {"count": item.retention_days}
    )
    return str(START_WORDS[item.starts]) % {"span": span}


def entry(item: Category) -> dict[str, Any]:
    """One category of the notice in the active language."""
    words = WORDS[item.code]
    return {
        "code": item.code,
        "name": str(words.name),
        "holds": str(words.holds),
        "purposes": [str(text) for text in words.purposes],
        "basis": str(item.basis),
        "basis_text": str(BASIS_WORDS[item.basis]),
        "sensitive": item.sensitive,
        "consent": item.basis == Basis.CONSENT,
        "visible_to": [str(ROLE_WORDS[role]) for role in sorted(item.visible_to, key=list(ROLE_WORDS).index)],
        "retention": retention_text(item),
        "withdrawal": str(words.withdrawal) if words.withdrawal else "",
    }


def snapshot() -> list[dict[str, Any]]:
    """The register in both languages, as a notice version stores it: each category with ``en`` and ``zh``."""
    entries: list[dict[str, Any]] = []
    for item in REGISTER:
        both = {}
        for language, code in (("en", "en"), ("zh", "zh-hans")):
            with translation.override(code):
                both[language] = entry(item)
        entries.append(
            {
                "code": item.code,
                "basis": str(item.basis),
                "sensitive": item.sensitive,
                "fingerprint": purposes_fingerprint(item.code),
                **both,
            }
        )
    return entries


def source_purposes(code: str) -> list[str]:
    """A category's purposes in the source language (msgids): what its fingerprint is made of."""
    with translation.override(None):
        return [str(text) for text in WORDS[code].purposes]


def purposes_fingerprint(code: str) -> str:
    return category_fingerprint(code, source_purposes(code))


def register_fingerprint(entries: list[dict[str, Any]] | None = None) -> str:
    """The fingerprint of the notice as a whole: every word and rule of the register in both languages. Any change
    — a purpose, who sees it, a period, a translation — publishes a new version; only a change of purpose asks
    for consent again (``purposes_fingerprint``)."""
    content = json.dumps(entries if entries is not None else snapshot(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def consent_categories() -> list[Category]:
    return [item for item in REGISTER if item.basis == Basis.CONSENT]
