"""Demo logins: one account per role, each tied to a person of the registry, plus a few newcomers.

Comity stores no role on an account (see :mod:`comity.structure.scope`), so each demo login is linked to a
verified :class:`~comity.structure.models.Person` whose household, ownership or membership gives the role.
The newcomers have accounts but no person yet: their pending residency claims fill the committee's
verification queue.

Demo accounts are recognised by their e-mail domain, so that a reset removes them and nothing else.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.demo.names import NameBook
from comity.demo.population import Population
from comity.structure.models import ClaimRelation, Person, ResidencyClaim, Unit

DEMO_PASSWORD = "comity-demo"
DEMO_EMAIL_DOMAIN = "demo.comity.invalid"
DEMO_URL = "http://127.0.0.1:8000/"

#: When the demo persons were verified: fixed, so that a seed always gives the same registry.
VERIFIED_AT = datetime(2025, 12, 1, 1, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    #: English message ids, translated when printed.
    role: str
    try_this: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "resident",
        gettext_noop("Resident (tenant, 幸福里)"),
        gettext_noop(
            "send an appeal with a photo; rate the one waiting for you; vote in the open consultation; "
            "fill the community budget's knapsack ballot; My data: your copy and who looked"
        ),
    ),
    DemoLogin(
        "owner",
        gettext_noop("Owner (幸福里)"),
        gettext_noop("vote on the maintenance fund and keep your receipt; your home in My account"),
    ),
    DemoLogin(
        "other-resident",
        gettext_noop("Resident of 金色港湾"),
        gettext_noop("check that 幸福里's registry stays closed to you"),
    ),
    DemoLogin(
        "grid-worker",
        gettext_noop("Grid worker (幸福里)"),
        gettext_noop("record an appeal for a resident; the structure map"),
    ),
    DemoLogin(
        "committee-staff",
        gettext_noop("Residents' committee staff (幸福里)"),
        gettext_noop(
            "decide a disputed appeal; check the waiting paper ballot of the elevator vote; "
            "review next year's budget proposals; answer a resident's correction request and an unusual-access alert"
        ),
    ),
    DemoLogin(
        "street-official",
        gettext_noop("Street official (和平街道)"),
        gettext_noop("appeal rates of the street; escalated appeals"),
    ),
    DemoLogin(
        "ngo-staff",
        gettext_noop("Social organisation staff"),
        gettext_noop("your organisation and the matters it handles"),
    ),
    DemoLogin(
        "enterprise-staff",
        gettext_noop("Property company staff"),
        gettext_noop("sign for and reply to appeals in the workbench"),
    ),
    DemoLogin("admin", gettext_noop("Platform staff"), gettext_noop("the admin site; every community")),
)

#: Accounts that have asked to be recognised as residents and wait for the committee.
NEWCOMERS = ("newcomer1", "newcomer2", "newcomer3", "newcomer4")


def demo_usernames() -> list[str]:
    return [login.username for login in DEMO_LOGINS] + list(NEWCOMERS)


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def new_demo_users() -> dict[str, User]:
    """Every demo account, unsaved. The password is hashed once and the hash shared, which keeps it fast."""
    password = make_password(DEMO_PASSWORD)
    return {
        username: User(
            username=username,
            email=demo_email(username),
            password=password,
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        for username in demo_usernames()
    }


def link_person(user: User, person: Person, minutes: int) -> None:
    """Give ``user`` the registry record ``person``, verified by the committee at a fixed time."""
    person.user = user
    person.verified_at = VERIFIED_AT.replace(minute=minutes % 60)
    user.first_name = person.full_name


_CLAIM_MESSAGES = {
    ClaimRelation.OWNER: "上个月刚办完过户，房产证已拿到，请社区核实。",
    ClaimRelation.TENANT: "新租的房子，租赁合同已在网上备案。",
    ClaimRelation.FAMILY: "我是户主的家人，最近从外地回来同住，请帮忙登记。",
}


def build_claims(
    rng: random.Random, names: NameBook, users: dict[str, User], population: Population, family_unit: Unit
) -> list[ResidencyClaim]:
    """Pending claims in the old estate: a buyer and a tenant of empty flats, a relative of the demo owner,
    and a second tenant of a rented flat."""
    targets = [
        (population.vacant_units[0], ClaimRelation.OWNER),
        (population.vacant_units[1], ClaimRelation.TENANT),
        (family_unit, ClaimRelation.FAMILY),
        (population.rented_units[-1], ClaimRelation.TENANT),
    ]
    claims = []
    for username, (unit, relation) in zip(NEWCOMERS, targets, strict=True):
        gender = names.gender()
        birth_year = rng.randint(1975, 2002)
        full_name = names.full_name(gender, birth_year)
        users[username].first_name = full_name
        claims.append(
            ResidencyClaim(
                community=unit.community,
                user=users[username],
                unit=unit,
                relation=relation,
                full_name=full_name,
                phone=names.phone(),
                message=_CLAIM_MESSAGES[relation],
            )
        )
    return claims


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def render_logins() -> list[str]:
    """The lines the command prints: where to go, then one line per role."""
    header = (_("Role"), _("Username"), _("Password"), _("Try"))
    rows = [(_(login.role), login.username, DEMO_PASSWORD, _(login.try_this)) for login in DEMO_LOGINS]
    widths = [max(_width(row[i]) for row in [header, *rows]) + 2 for i in range(3)]
    lines = [_("Open %(url)s and log in as:") % {"url": DEMO_URL}]
    for row in [header, *rows]:
        lines.append(
            "  " + "".join(_pad(cell, width) for cell, width in zip(row, widths, strict=False)) + row[3]
        )
    lines.append(
        _("Newcomers waiting for the committee to confirm their claims: %(names)s.")
        % {"names": ", ".join(NEWCOMERS)}
    )
    return lines
