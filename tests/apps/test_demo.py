"""The demo street: its shape, its people, its logins, its appeals, consultations, decisions and community fund, and
that one seed always gives the same street.

Generating the street takes a few seconds, so it is generated once for the module (outside the per-test
transactions) and removed at the end; tests that reset or regenerate it run inside their own transaction,
which rolls back to the module's street. Every test uses the ``db`` fixture (through ``street``) so that
pytest-django keeps them together, before any transactional test empties the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from pathlib import Path
from statistics import mean
from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from comity.accounts.models import User
from comity.appeals.models import Appeal, AppealEvent, Rating
from comity.appeals.permissions import parts_in
from comity.audit.models import AuditEntry
from comity.budgeting import selectors as budgeting_selectors
from comity.budgeting import services as budgeting
from comity.budgeting.models import (
    BudgetBallot,
    Cycle,
    CycleStatus,
    EntryKind,
    Fund,
    LedgerEntry,
    Milestone,
    NegativeReason,
    Outcome,
    Proposal,
    ProposalStatus,
    Rule,
    SourceKind,
)
from comity.budgeting.models import Rating as ProjectRating
from comity.consultations.models import Analysis, Consultation, DecisionDraft, Moderation, Statement, Vote
from comity.decisions import selectors, services
from comity.decisions.computing import count
from comity.decisions.models import (
    AffectedUnit,
    Ballot,
    CostPlan,
    Decision,
    Elector,
    LogEntry,
    Mediation,
    MinorityStatement,
    Objection,
    Participation,
    ProxyAuthorization,
)
from comity.decisions.results import explain_shortfalls
from comity.demo.accounts import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, NEWCOMERS
from comity.demo.consultation_specs import DANCING, RETROFIT, RETROFIT_BUILDING
from comity.demo.decision_specs import COLOURS, FUND_TITLE, ROOF_BUILDING, ROOF_TITLE
from comity.demo.generator import delete_demo_street, summarise
from comity.demo.mail import CHANNEL as DEMO_EMAIL_CHANNEL
from comity.demo.specs import HIGH_RISE, MIXED, OLD_ESTATE, STREET_CODE
from comity.engine import appeals as engine
from comity.engine.appeals import (
    OPEN_STATUSES,
    TIMELINE_KIND,
    AppealStatus,
    allowed_events,
    apply_event,
    is_open,
)
from comity.engine.decisions import ballot_log
from comity.engine.rates import AppealRecord, Resolved, Satisfaction, hot_spots, rates_by, scorecard
from comity.engine.roles import Role
from comity.notifications.models import Notification, OutboxMessage
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    GovernanceSubject,
    HolderKind,
    Household,
    LegalStatus,
    Membership,
    Ownership,
    Person,
    ResidencyClaim,
    Responsibility,
    Street,
    SubjectKind,
    Tenancy,
    Unit,
    UnitUsage,
)
from comity.structure.scope import scope_for
from comity.structure.selectors import uncovered_matter_categories

#: As ``tests/conftest.py`` sets for every test; the module's street is generated before that applies.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"


@pytest.fixture(scope="module")
def demo_output(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Generated as ``make demo`` does, with the project's default e-mail backend (the console), and whatever
    is printed — the command's output and anything else on standard output — caught as the terminal shows it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, EMAIL_BACKEND=CONSOLE_EMAIL),
    ):
        out = StringIO()
        with contextlib.redirect_stdout(out):
            call_command("generate_demo", seed=2026, stdout=out)
        yield out.getvalue()
        with transaction.atomic():
            delete_demo_street()


@pytest.fixture
def street(demo_output: str, db: Any) -> Street:
    return Street.objects.get(code=STREET_CODE)


def _community(code: str) -> Community:
    return Community.objects.get(code=code)


def digest() -> str:
    """A fingerprint of the street's content by natural keys (ids differ between runs; content must not)."""
    queries: list[Any] = [
        Unit.objects.values_list(
            "community__code", "building__code", "number", "floor", "exclusive_area", "area_source", "usage"
        ),
        Person.objects.values_list(
            "community__code",
            "full_name",
            "gender",
            "birth_year",
            "phone",
            "is_resident",
            "household__unit__building__code",
            "household__unit__number",
            "household__moved_in_on",
        ),
        Ownership.objects.values_list(
            "unit__building__code",
            "unit__number",
            "holder_kind",
            "person__full_name",
            "holder_name",
            "share_numerator",
            "share_denominator",
            "since",
        ),
        Membership.objects.values_list("subject__name", "person__full_name", "role", "title", "started_on"),
        Responsibility.objects.values_list(
            "community__code",
            "category__code",
            "scope_area__code",
            "lead_subject__name",
            "co_handlers__name",
            "time_limit_hours",
        ),
        Area.objects.values_list("community__code", "kind", "code", "name", "grid_worker__full_name"),
    ]
    rows = [sorted(query, key=repr) for query in queries]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def generated_until() -> datetime:
    """The moment the demo's year of appeals ends, as the generator recorded it."""
    entry = AuditEntry.objects.filter(action="demo.generated").order_by("-id").first()
    assert entry is not None
    return datetime.fromisoformat(entry.changes["appeals_until"])


#: Details of timeline entries that are content rather than ids or absolute times.
CONTENT_DATA = {
    "part",
    "channel",
    "clock",
    "time_limit_hours",
    "street_level",
    "visit",
    "resolved",
    "satisfaction",
    "contacted",
    "method",
    "via",
    "primary_status",
    "into_number",
    "merged_number",
}


def appeals_digest() -> str:
    """A fingerprint of the appeals by content: ids left out, every time as seconds after the year's end."""
    anchor = generated_until()

    def content(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (value - anchor).total_seconds() if isinstance(value, datetime) else value for value in row
        )

    times = (
        "received_at",
        "due_at",
        "remind_at",
        "reminded_at",
        "escalated_at",
        "signed_for_at",
        "replied_at",
    )
    queries: list[Any] = [
        Appeal.objects.values_list(
            "community__code",
            "number",
            "kind",
            "channel",
            "category__code",
            "area__code",
            "unit__number",
            "requester__full_name",
            "requester_user__username",
            "contact_name",
            "recorded_by__username",
            "consent_note",
            "description",
            "is_public",
            "urgency",
            "status",
            "lead_subject__name",
            "time_limit_hours",
            "merged_into__number",
            "closed_at",
            *times,
        ),
        AppealEvent.objects.values_list(
            "appeal__community__code",
            "appeal__number",
            "seq",
            "kind",
            "from_status",
            "to_status",
            "actor__username",
            "acting_subject__name",
            "note",
            "at",
        ),
        Rating.objects.values_list(
            "appeal__community__code",
            "appeal__number",
            "method",
            "collected_by__username",
            "resolved",
            "satisfaction",
            "comment",
            "rated_at",
        ),
    ]
    rows = [sorted((content(row) for row in query), key=repr) for query in queries]
    details = sorted(
        repr((code, number, seq, sorted((k, v) for k, v in data.items() if k in CONTENT_DATA)))
        for code, number, seq, data in AppealEvent.objects.values_list(
            "appeal__community__code", "appeal__number", "seq", "data"
        )
    )
    dispatches = sorted(
        content(row)
        for row in Appeal.objects.values_list(
            "community__code",
            "number",
            "dispatches__subject__name",
            "dispatches__role",
            "dispatches__dispatched_at",
            "dispatches__signed_for_at",
            "dispatches__ended_at",
            "dispatches__end_reason",
        )
    )
    return hashlib.sha256(repr([rows, details, dispatches]).encode()).hexdigest()


def appeal_records(street: Street) -> list[AppealRecord]:
    """The engine's records of the demo appeals, grouped by lead subject and by building (a stairwell counts
    for its building), as the dashboards group them."""
    rows = Appeal.objects.filter(community__street=street).values_list(
        "received_at",
        "due_at",
        "signed_for_at",
        "replied_at",
        "closed_at",
        "status",
        "merged_into_id",
        "lead_subject__community__code",
        "lead_subject__name",
        "community__code",
        "category__code",
        "area__kind",
        "area__name",
        "area__parent__name",
        "rating__contacted",
        "rating__resolved",
        "rating__satisfaction",
    )
    records = []
    for (
        received,
        due,
        signed,
        replied,
        closed,
        status,
        merged_into,
        lead_community,
        lead,
        code,
        category,
        kind,
        area,
        parent,
        contacted,
        resolved,
        satisfaction,
    ) in rows:
        place = parent if kind == AreaKind.STAIRWELL else area
        assert due is not None
        records.append(
            AppealRecord(
                received_at=received,
                due_at=due,
                signed_for_at=signed,
                replied_at=replied,
                closed_at=closed,
                status=status,
                contacted=contacted,
                resolved=cast(Resolved | None, resolved),
                satisfaction=cast(Satisfaction | None, satisfaction),
                withdrawn=status == AppealStatus.WITHDRAWN,
                merged=status == AppealStatus.MERGED or merged_into is not None,
                subject=f"{lead_community or 'street'}:{lead}",
                category=category,
                area=f"{code}:{place}",
            )
        )
    return records


def test_the_street_has_three_communities_served_by_every_kind_of_subject(street: Street) -> None:
    assert sorted(street.communities.values_list("code", flat=True)) == sorted([OLD_ESTATE, HIGH_RISE, MIXED])
    kinds = set(GovernanceSubject.objects.filter(street=street).values_list("kind", flat=True))
    assert kinds == set(SubjectKind.values)
    street_level = GovernanceSubject.objects.filter(street=street, community__isnull=True)
    assert sorted(street_level.values_list("kind", flat=True)) == [
        SubjectKind.GOVERNMENT_DEPARTMENT,
        SubjectKind.GOVERNMENT_DEPARTMENT,
        SubjectKind.STREET_OFFICE,
    ]
    for community in street.communities.all():
        subjects = GovernanceSubject.objects.filter(community=community)
        assert subjects.filter(kind=SubjectKind.RESIDENTS_COMMITTEE).count() == 1
        assert subjects.filter(kind=SubjectKind.PROPERTY_MANAGEMENT).exists()
        assert subjects.filter(kind=SubjectKind.VOLUNTEER_TEAM).exists()
        assert subjects.filter(kind=SubjectKind.SELF_GOVERNANCE_GROUP, scope_area__isnull=False).exists()
    for code in (OLD_ESTATE, HIGH_RISE):
        kinds_here = set(
            GovernanceSubject.objects.filter(community__code=code).values_list("kind", flat=True)
        )
        assert {SubjectKind.HOMEOWNERS_ASSEMBLY, SubjectKind.HOMEOWNERS_COMMITTEE} <= kinds_here


def test_the_old_estate_is_a_pre_2000_walk_up_estate_of_about_3000_households(street: Street) -> None:
    old = _community(OLD_ESTATE)
    buildings = Area.objects.filter(community=old, kind=AreaKind.BUILDING)
    assert buildings.count() >= 20
    assert set(buildings.values_list("floors", flat=True)) == {6}
    assert not buildings.filter(has_elevator=True).exists()
    assert not buildings.filter(Q(built_year__isnull=True) | Q(built_year__gte=2000)).exists()
    assert old.built_year is not None
    assert old.built_year < 2000
    assert Area.objects.filter(community=old, kind=AreaKind.STAIRWELL).count() >= 5 * 20
    assert Area.objects.filter(community=old, kind=AreaKind.ZONE).count() >= 2
    assert Area.objects.filter(community=old, kind=AreaKind.COMMON_SPACE).count() >= 3
    assert 2800 <= Household.objects.filter(community=old).count() <= 3200
    units = Unit.objects.filter(community=old)
    assert not units.filter(stairwell__isnull=True).exists()
    assert units.filter(number="2-301").exists()
    areas = list(units.values_list("exclusive_area", flat=True))
    assert min(areas) >= Decimal(45)
    assert max(areas) <= Decimal(95)
    residents = Person.objects.filter(community=old, is_resident=True)
    elderly = residents.filter(birth_year__lte=2026 - 60).count()
    assert 0.25 <= elderly / residents.count() <= 0.35


def test_the_other_communities_are_a_high_rise_and_a_mixed_one_with_shops(street: Street) -> None:
    high_rise = Area.objects.filter(community__code=HIGH_RISE, kind=AreaKind.BUILDING)
    assert all(18 <= (floors or 0) <= 26 for floors in high_rise.values_list("floors", flat=True))
    assert not high_rise.filter(has_elevator=False).exists()
    assert 650 <= Household.objects.filter(community__code=HIGH_RISE).count() <= 850
    assert 850 <= Household.objects.filter(community__code=MIXED).count() <= 1100
    assert Unit.objects.filter(community__code=MIXED, usage=UnitUsage.COMMERCIAL).count() >= 10


def test_grids_group_buildings_of_150_to_200_households_under_a_grid_worker(street: Street) -> None:
    grids = Area.objects.filter(community__street=street, kind=AreaKind.GRID).prefetch_related(
        "grid_buildings"
    )
    assert grids.count() >= 20
    for grid in grids:
        assert grid.grid_worker is not None
        households = Household.objects.filter(unit__building__in=grid.grid_buildings.all()).count()
        assert 140 <= households <= 215, grid


def test_social_organisations_exist_at_each_legal_tier(street: Street) -> None:
    statuses = GovernanceSubject.objects.filter(
        street=street, kind=SubjectKind.SOCIAL_ORGANISATION
    ).values_list("legal_status", flat=True)
    assert set(statuses) == set(LegalStatus.values)


def test_units_are_owned_with_shares_summing_to_one(street: Street) -> None:
    shares: dict[int, Fraction] = defaultdict(Fraction)
    holders: dict[int, int] = defaultdict(int)
    for ownership in Ownership.objects.filter(community__street=street).only(
        "unit_id", "share_numerator", "share_denominator"
    ):
        shares[ownership.unit_id] += ownership.share
        holders[ownership.unit_id] += 1
    assert len(shares) == Unit.objects.filter(community__street=street).count()
    assert set(shares.values()) == {Fraction(1)}
    co_owned = sum(1 for count in holders.values() if count == 2) / len(holders)
    assert 0.10 <= co_owned <= 0.20
    ownerships = Ownership.objects.filter(community__street=street)
    assert ownerships.filter(holder_kind=HolderKind.DEVELOPER, community__code=HIGH_RISE).count() >= 10
    assert (
        ownerships.filter(holder_kind=HolderKind.ORGANISATION, unit__usage=UnitUsage.COMMERCIAL).count() >= 2
    )
    assert ownerships.filter(person__is_resident=False).exists()


def test_about_one_flat_in_eight_is_rented_and_a_few_are_empty(street: Street) -> None:
    old = _community(OLD_ESTATE)
    units = Unit.objects.filter(community=old).count()
    rented = Tenancy.objects.filter(community=old).count()
    assert 0.10 <= rented / units <= 0.16
    empty = Unit.objects.filter(community=old, households__isnull=True).count()
    assert 0 < empty / units < 0.06


EXPECTED_ROLES = [
    ("resident", OLD_ESTATE, {Role.RESIDENT}),
    ("owner", OLD_ESTATE, {Role.RESIDENT, Role.OWNER}),
    ("other-resident", HIGH_RISE, {Role.RESIDENT}),
    ("grid-worker", OLD_ESTATE, {Role.GRID_WORKER}),
    ("committee-staff", OLD_ESTATE, {Role.COMMITTEE_STAFF}),
    ("ngo-staff", OLD_ESTATE, {Role.SUBJECT_STAFF}),
    ("enterprise-staff", OLD_ESTATE, {Role.SUBJECT_STAFF}),
]


@pytest.mark.parametrize(("username", "community_code", "roles"), EXPECTED_ROLES)
def test_each_demo_account_has_the_role_it_is_named_after(
    street: Street, username: str, community_code: str, roles: set[Role]
) -> None:
    user = User.objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)
    assert user.person.verified_at is not None
    scope = scope_for(user)
    assert scope.community_roles == {_community(community_code).pk: roles}
    assert scope.street_ids == set()


def test_the_demo_resident_rents_and_the_grid_worker_serves_a_grid(street: Street) -> None:
    resident = User.objects.get(username="resident").person
    assert resident.household is not None
    assert Tenancy.objects.filter(household=resident.household).exists()
    grid_worker = User.objects.get(username="grid-worker").person
    assert (
        Area.objects.filter(kind=AreaKind.GRID, grid_worker=grid_worker, community__code=OLD_ESTATE).count()
        == 1
    )
    assert GovernanceSubject.objects.get(
        memberships__person=User.objects.get(username="ngo-staff").person
    ).kind == (SubjectKind.SOCIAL_ORGANISATION)


def test_the_street_official_oversees_the_street_and_admin_runs_the_platform(street: Street) -> None:
    official = scope_for(User.objects.get(username="street-official"))
    assert official.street_ids == {street.pk}
    assert official.community_ids == set()
    admin = User.objects.get(username="admin")
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.is_superuser
    assert admin.is_staff
    assert scope_for(admin).is_platform_staff


def test_newcomers_wait_in_the_old_estates_verification_queue(street: Street) -> None:
    claims = ResidencyClaim.objects.filter(status="pending")
    assert sorted(claims.values_list("user__username", flat=True)) == sorted(NEWCOMERS)
    assert set(claims.values_list("community__code", flat=True)) == {OLD_ESTATE}
    assert not Person.objects.filter(user__username__in=NEWCOMERS).exists()


def test_the_matrix_covers_all_but_two_categories_of_the_old_estate(street: Street) -> None:
    uncovered = {c.code: [x.code for x in uncovered_matter_categories(c)] for c in street.communities.all()}
    assert uncovered == {OLD_ESTATE: ["facilities.lifts", "parking.ev"], HIGH_RISE: [], MIXED: []}
    old_rows = Responsibility.objects.filter(community__code=OLD_ESTATE)
    group_rows = old_rows.filter(lead_subject__kind=SubjectKind.SELF_GOVERNANCE_GROUP)
    assert group_rows.filter(
        category__code="environment.cleaning", scope_area__kind=AreaKind.BUILDING
    ).exists()
    assert old_rows.filter(co_handlers__isnull=False).exists()
    assert old_rows.filter(time_limit_hours__lt=F("category__default_time_limit_hours")).exists()


def test_each_community_records_that_the_demo_was_generated(street: Street) -> None:
    entries = AuditEntry.objects.filter(action="demo.generated", actor__isnull=True)
    assert sorted(entries.values_list("community__code", flat=True)) == sorted([OLD_ESTATE, HIGH_RISE, MIXED])
    assert {entry.changes["seed"] for entry in entries} == {2026}


def test_the_command_prints_one_login_per_role(demo_output: str, street: Street) -> None:
    assert "http://127.0.0.1:8000/" in demo_output
    assert DEMO_PASSWORD in demo_output
    for username in ("resident", "owner", "other-resident", "grid-worker", "committee-staff", "admin"):
        assert f" {username} " in demo_output
    appeals = Appeal.objects.filter(community__street=street).count()
    assert f"{appeals} appeals over the past year" in demo_output


def test_make_demo_prints_under_sixty_lines_before_the_server_starts(
    demo_output: str, street: Street
) -> None:
    """The terminal keeps the summary and the logins; the e-mails the generated appeals send are not printed."""
    lines = demo_output.splitlines()
    assert len(lines) < 60, "\n".join(lines[:80])
    assert "Subject:" not in demo_output
    assert "Content-Type:" not in demo_output


def test_the_demo_s_e_mails_wait_on_the_staff_outbox_page(
    demo_output: str, street: Street, client: Any
) -> None:
    emails = OutboxMessage.objects.filter(channel=DEMO_EMAIL_CHANNEL)
    assert emails.count() > 0
    first = emails.order_by("pk").first()
    assert first is not None
    assert first.text.startswith("To: ")
    assert f"@{DEMO_EMAIL_DOMAIN}" in first.text
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert DEMO_EMAIL_CHANNEL in page


def _demo_settings(*names: str) -> dict[str, Any]:
    """Settings as ``make demo`` and ``comity demo`` load them (a fresh interpreter: this one is configured)."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, default=str))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "comity.demo.settings"}
    for name in ("COMITY_DEBUG", "COMITY_EMAIL_BACKEND", "COMITY_API_BASIC_AUTH"):
        environment.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def test_the_demo_runs_with_debug_off_serving_static_and_media_files_and_keeping_e_mails() -> None:
    values = _demo_settings(
        "DEBUG",
        "EMAIL_BACKEND",
        "COMITY_SERVE_MEDIA",
        "WHITENOISE_USE_FINDERS",
        "MIDDLEWARE",
        "REST_FRAMEWORK",
    )
    assert values["DEBUG"] is False
    assert values["EMAIL_BACKEND"] == "comity.demo.mail.OutboxEmailBackend"
    assert values["COMITY_SERVE_MEDIA"] is True
    assert values["WHITENOISE_USE_FINDERS"] is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in values["MIDDLEWARE"]
    assert values["REST_FRAMEWORK"]["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "rest_framework.authentication.SessionAuthentication"
    ]


def test_comity_demo_and_make_demo_use_the_demo_settings(monkeypatch: Any) -> None:
    from comity import cli

    seen: dict[str, str] = {}
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    monkeypatch.setattr(
        cli, "_setup_django", lambda: seen.update(settings=os.environ["DJANGO_SETTINGS_MODULE"])
    )
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)
    assert cli.main(["demo"]) == 0
    assert seen == {"settings": "comity.demo.settings"}
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "demo: export DJANGO_SETTINGS_MODULE = comity.demo.settings" in makefile


@pytest.mark.parametrize(
    ("language", "title", "help_heading"),
    [("en", "Page not found", "Where to go from here"), ("zh-hans", "页面不存在", "您可以去这些地方")],
)
def test_a_wrong_address_gives_the_friendly_page_without_debug_details(
    client: Any, db: Any, settings: Any, language: str, title: str, help_heading: str
) -> None:
    settings.DEBUG = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/no-such-page/<script>")
    assert response.status_code == 404
    page = response.content.decode()
    assert title in page
    assert help_heading in page
    assert "/no-such-page/&lt;script&gt;" in page
    assert reverse("accounts:login") in page
    assert reverse("web:home") in page
    assert "URLconf" not in page
    assert "Traceback" not in page


def test_a_signed_in_visitor_s_friendly_404_lists_their_sections(
    client_for: Any, world: Any, settings: Any
) -> None:
    settings.DEBUG = False
    page = client_for("committee_staff").get("/nowhere/").content.decode()
    assert 'id="not-found-help"' in page
    assert reverse("web:me") in page
    assert reverse("notifications:inbox") in page


def test_an_error_gives_the_friendly_error_page(rf: Any, db: Any, monkeypatch: Any) -> None:
    from comity.web import views as web_views

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    response = web_views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database is down")

    monkeypatch.setattr(web_views, "render", broken)
    bare = web_views.server_error(request)
    assert bare.status_code == 500
    assert "Something went wrong" in bare.content.decode()
    assert "database" not in bare.content.decode()


def test_the_demo_serves_uploads_but_never_appeal_photos_or_receipts(
    client: Any, db: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "scan.txt").write_text("public")
    (tmp_path / "budgeting").mkdir()
    (tmp_path / "budgeting" / "scan.txt").write_text("receipt")
    (tmp_path / "appeals").mkdir()
    (tmp_path / "appeals" / "photo.jpg").write_bytes(b"private")
    settings.COMITY_SERVE_MEDIA = True
    response = client.get("/media/other/scan.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"public"
    # Both have permission-checked views of their own (budgeting:receipt, appeals:photo).
    assert client.get("/media/appeals/photo.jpg").status_code == 404
    assert client.get("/media/budgeting/scan.txt").status_code == 404
    settings.COMITY_SERVE_MEDIA = False
    assert client.get("/media/other/scan.txt").status_code == 404


def test_static_files_are_served_with_debug_off(client: Any, db: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/static/comity/comity.css")
    assert response.status_code == 200


def test_running_again_without_reset_changes_nothing(street: Street) -> None:
    before = (Person.objects.count(), Unit.objects.count(), User.objects.count(), street.pk)
    out = StringIO()
    call_command("generate_demo", stdout=out)
    assert (
        Person.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Street.objects.get().pk,
    ) == before
    assert "already exists" in out.getvalue()
    assert "committee-staff" in out.getvalue()
    assert "seed 2026" in out.getvalue()


def test_reset_with_the_same_seed_and_moment_regenerates_the_same_street_and_appeals(street: Street) -> None:
    before, appeals_before, consultations_before = digest(), appeals_digest(), consultations_digest()
    decisions_before, budgeting_before = decisions_digest(), budgeting_digest()
    call_command("generate_demo", seed=2026, reset=True, as_of=generated_until(), stdout=StringIO())
    regenerated = Street.objects.get(code=STREET_CODE)
    assert regenerated.pk != street.pk
    assert Street.objects.count() == 1
    assert User.objects.filter(username="owner").count() == 1
    assert not Appeal.objects.exclude(community__street=regenerated).exists()
    assert digest() == before
    assert appeals_digest() == appeals_before
    assert consultations_digest() == consultations_before
    assert Consultation.objects.filter(community__street=regenerated).count() == 2
    assert decisions_digest() == decisions_before
    assert budgeting_digest() == budgeting_before
    assert Decision.objects.filter(community__street=regenerated).count() == 9


def test_another_seed_gives_other_people_in_the_same_buildings(street: Street) -> None:
    before, appeals_before = digest(), appeals_digest()
    names_before = set(Person.objects.values_list("full_name", flat=True))
    numbers_before = set(Unit.objects.values_list("community__code", "building__code", "number"))
    call_command("generate_demo", seed=7, reset=True, stdout=StringIO())
    assert digest() != before
    assert appeals_digest() != appeals_before
    assert set(Person.objects.values_list("full_name", flat=True)) != names_before
    assert set(Unit.objects.values_list("community__code", "building__code", "number")) == numbers_before


def test_a_real_account_with_a_demo_username_stops_the_reset(street: Street) -> None:
    User.objects.filter(username="admin").update(email="ops@example.org")
    with pytest.raises(CommandError, match="admin"):
        call_command("generate_demo", reset=True, stdout=StringIO())
    assert Street.objects.get(code=STREET_CODE).pk == street.pk


@pytest.mark.parametrize(
    ("username", "lands_on", "may_open"),
    [
        ("resident", "structure:overview", "structure:matrix"),
        ("owner", "structure:overview", "structure:map"),
        ("other-resident", "structure:overview", "structure:subjects"),
        ("grid-worker", "structure:overview", "structure:map"),
        ("committee-staff", "structure:overview", "structure:claims"),
        ("street-official", "structure:street", "structure:street"),
        ("ngo-staff", "structure:overview", "structure:subjects"),
        ("enterprise-staff", "structure:overview", "structure:matrix"),
    ],
)
def test_every_printed_login_works_and_lands_on_its_home(
    street: Street, client: Any, username: str, lands_on: str, may_open: str
) -> None:
    from django.urls import resolve

    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    match = resolve(home["Location"])
    assert match.view_name == lands_on
    target = home["Location"] if may_open == lands_on else None
    if target is None:
        from django.urls import reverse

        target = reverse(may_open, kwargs=match.kwargs)
    assert client.get(target).status_code == 200


def test_the_printed_admin_login_opens_the_admin(street: Street, client: Any) -> None:
    assert (
        client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    )
    assert client.get("/admin/").status_code == 200


# --- The year of appeals -----------------------------------------------------------------------------------

#: The engine's event for each timeline kind.
EVENT_OF_KIND = {kind: event for event, kind in TIMELINE_KIND.items()}
OPEN = [status.value for status in AppealStatus if is_open(status)]


def can(user: User, appeal: Appeal, event: engine.AppealEvent) -> bool:
    """The engine lets ``user`` make ``event`` in one of the parts they play in ``appeal``."""
    return any(event in allowed_events(appeal.status, part) for part in parts_in(user, appeal))


def _facts(entry: Mapping[str, Any], appeal: int, satisfaction: str | None) -> dict[str, Any]:
    """What the engine needs to decide a timeline entry, from the entry itself (and the last rating)."""
    data, note = entry["data"], entry["note"]
    facts = {
        "reason": note,
        "reply_text": note,
        "text": note,
        "now": entry["at"],
        "lead": data.get("lead"),
        "co_handlers": data.get("co_handlers", []),
        "current_lead": data.get("from_lead"),
        "new_lead": data.get("to_lead"),
        "involves_street_level": data.get("street_level"),
        "contacted": data.get("visit") == "reached",
        "resolved": data.get("resolved"),
        "satisfaction": data.get("satisfaction", satisfaction),
        "appeal": appeal,
        "primary": data.get("into"),
        "primary_status": data.get("primary_status"),
    }
    if "reopen_until" in data:
        facts["reopen_until"] = datetime.fromisoformat(data["reopen_until"])
    return facts


def test_every_demo_appeal_replays_through_the_engine_to_its_stored_status(street: Street) -> None:
    statuses = dict(Appeal.objects.filter(community__street=street).values_list("pk", "status"))
    timelines: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    entries = AppealEvent.objects.filter(community__street=street).order_by("appeal_id", "seq")
    for row in entries.values("appeal_id", "seq", "kind", "from_status", "to_status", "note", "data", "at"):
        timelines[row["appeal_id"]].append(row)
    assert timelines.keys() == statuses.keys()
    for pk, timeline in timelines.items():
        intake, *steps = timeline
        assert (intake["seq"], intake["kind"], intake["from_status"]) == (1, "received", "")
        assert [entry["at"] for entry in timeline] == sorted(entry["at"] for entry in timeline)
        status, satisfaction = AppealStatus.RECEIVED, None
        for seq, entry in enumerate(steps, start=2):
            transition = apply_event(
                status,
                EVENT_OF_KIND[entry["kind"]],
                actor=entry["data"]["part"],
                **_facts(entry, pk, satisfaction),
            )
            assert (entry["seq"], entry["from_status"], entry["to_status"]) == (
                seq,
                transition.from_status,
                transition.to_status,
            )
            status = transition.to_status
            satisfaction = entry["data"].get("satisfaction", satisfaction)
        assert status == statuses[pk]


def test_dispatches_stay_open_exactly_while_the_appeal_is_handled(street: Street) -> None:
    appeals = Appeal.objects.filter(community__street=street).prefetch_related("dispatches")
    for appeal in appeals:
        leads = [d for d in appeal.dispatches.all() if d.role == "lead" and d.ended_at is None]
        if is_open(appeal.status):
            assert [d.subject_id for d in leads] == [appeal.lead_subject_id], appeal
            if appeal.status in {"signed_for", "in_progress", "replied"}:
                assert leads[0].signed_for_at is not None
        else:
            assert not [d for d in appeal.dispatches.all() if d.ended_at is None], appeal
    closed = Appeal.objects.filter(community__street=street, status__in=["closed", "visited", "rated"])
    assert not closed.filter(closed_at__isnull=True).exists()


def test_numbers_count_up_per_community_and_year_in_order_of_receipt(street: Street) -> None:
    numbers: dict[tuple[str, int], list[str]] = defaultdict(list)
    rows = Appeal.objects.filter(community__street=street).order_by("received_at", "number")
    for code, number, received in rows.values_list("community__code", "number", "received_at"):
        year = timezone.localtime(received).year
        numbers[(code, year)].append(number)
    assert {code for code, _year in numbers} == {OLD_ESTATE, HIGH_RISE, MIXED}
    for (_code, year), found in numbers.items():
        assert found == [f"{year}-{running:06d}" for running in range(1, len(found) + 1)]


def test_a_year_of_appeals_in_proportion_to_the_households_with_the_seasons(street: Street) -> None:
    appeals = Appeal.objects.filter(community__street=street)
    until = generated_until()
    assert not appeals.filter(received_at__lt=until - timedelta(days=365)).exists()
    assert not appeals.filter(received_at__gt=until).exists()
    counts = Counter(appeals.values_list("community__code", flat=True))
    assert 1500 <= counts[OLD_ESTATE] <= 3000
    per_household = {
        code: counts[code] / Household.objects.filter(community__code=code).count() for code in counts
    }
    assert all(0.4 <= share <= 1.0 for share in per_household.values())
    assert per_household[OLD_ESTATE] > per_household[HIGH_RISE]
    heating = [
        timezone.localtime(at).month
        for at in appeals.filter(category__code="facilities.heating").values_list("received_at", flat=True)
    ]
    assert sum(month in {10, 11, 12, 1, 2, 3, 4} for month in heating) >= 0.95 * len(heating)
    drains = Counter(
        timezone.localtime(at).month
        for at in appeals.filter(category__code="facilities.drainage").values_list("received_at", flat=True)
    )
    assert drains[7] + drains[8] > 2 * (drains[1] + drains[2])
    assert not appeals.filter(community__code=OLD_ESTATE, category__code="facilities.lifts").exists()
    kinds = Counter(appeals.values_list("kind", flat=True))
    assert kinds["complaint"] + kinds["help_request"] > 0.7 * len(appeals)
    assert kinds["suggestion"] > 0
    assert kinds["consultation"] > 0
    assert 0.2 <= appeals.filter(is_public=True).count() / len(appeals) <= 0.32


def test_most_requesters_have_no_account_and_assisted_entries_note_consent(street: Street) -> None:
    appeals = Appeal.objects.filter(community__street=street)
    assert appeals.filter(requester_user__isnull=True).count() > 0.99 * appeals.count()
    assert not appeals.filter(requester__isnull=True, contact_name="").exists()
    assisted = appeals.filter(channel__in=["grid_patrol", "walk_in"])
    assert assisted.count() > 0.1 * appeals.count()
    assert not assisted.filter(consent_note="").exists()
    assert not assisted.filter(consent_at__isnull=True).exists()
    grid_worker = User.objects.get(username="grid-worker")
    assert appeals.filter(channel="grid_patrol", recorded_by=grid_worker).exists()


def test_rates_lie_in_the_published_ranges_and_differ_between_subjects(street: Street) -> None:
    now = generated_until()
    records = appeal_records(street)
    card = scorecard(records, now=now)
    assert card.response.value is not None
    assert card.resolution.value is not None
    assert card.satisfaction.value is not None
    assert card.on_time.value is not None
    assert 0.93 <= card.response.value <= 0.99
    assert 0.75 <= card.resolution.value <= 0.90
    assert 0.85 <= card.satisfaction.value <= 0.95
    assert 0.86 <= card.on_time.value <= 0.93
    cards = rates_by(records, key="subject", now=now)
    old = cards[f"{OLD_ESTATE}:郑州安居物业服务有限公司"]
    new = cards[f"{HIGH_RISE}:郑州万家物业服务有限公司"]
    assert old.on_time.value is not None
    assert new.on_time.value is not None
    assert old.on_time.value + Fraction(3, 100) < new.on_time.value
    assert old.score is not None
    assert new.score is not None
    assert old.score < new.score
    busy = [c.score for c in cards.values() if c.on_time.denominator >= 50 and c.score is not None]
    assert len(busy) >= 8
    assert max(busy) - min(busy) >= Fraction(5, 100)


def test_some_appeals_were_disputed_reopened_withdrawn_or_merged(street: Street) -> None:
    appeals = Appeal.objects.filter(community__street=street)
    total = appeals.count()

    def share(kind: str) -> float:
        return appeals.filter(events__kind=kind).distinct().count() / total

    assert 0.03 <= share("disputed") <= 0.07
    assert share("redispatched") > 0
    assert share("dispute_rejected") > 0
    assert 0.025 <= share("reopened") <= 0.06
    assert 0.01 <= appeals.filter(status=AppealStatus.WITHDRAWN).count() / total <= 0.035
    merged = appeals.filter(status=AppealStatus.MERGED).select_related("merged_into")
    assert 0.01 <= merged.count() / total <= 0.04
    for duplicate in merged:
        primary = duplicate.merged_into
        assert primary is not None
        assert (primary.community_id, primary.category_id, primary.area_id) == (
            duplicate.community_id,
            duplicate.category_id,
            duplicate.area_id,
        )
        assert primary.received_at < duplicate.received_at
        merge = duplicate.events.get(kind="merged")
        assert merge.data["into"] == primary.pk
        assert is_open(merge.data["primary_status"])
        assert primary.events.filter(kind="note", data__merged=duplicate.pk, at=merge.at).exists()
    assert not appeals.filter(merged_into__isnull=False).exclude(status=AppealStatus.MERGED).exists()


def test_late_appeals_were_warned_and_escalated_when_the_deadline_job_ran(street: Street) -> None:
    now = generated_until()
    appeals = Appeal.objects.filter(community__street=street)
    assert 0.08 <= appeals.filter(escalated_at__isnull=False).count() / appeals.count() <= 0.15
    for stamp, kind in (("escalated_at", "escalated"), ("reminded_at", "reminded")):
        stamped = set(appeals.filter(**{f"{stamp}__isnull": False}).values_list("pk", stamp))
        entries = set(
            AppealEvent.objects.filter(community__street=street, kind=kind).values_list("appeal_id", "at")
        )
        assert stamped == entries
        assert all(at.timestamp() % 300 == 0 for _pk, at in stamped)
    assert not appeals.filter(escalated_at__lte=F("due_at")).exists()
    assert not appeals.filter(reminded_at__gte=F("due_at")).exists()
    still_open = appeals.filter(status__in=OPEN)
    assert 15 <= still_open.count() <= 80
    overdue = still_open.filter(due_at__lt=now)
    assert overdue.count() >= 3
    assert not overdue.filter(due_at__lt=now - timedelta(minutes=5), escalated_at__isnull=True).exists()


def test_a_rising_matter_of_one_building_shows_as_a_hot_spot(street: Street) -> None:
    spots = hot_spots(
        appeal_records(street), window=timedelta(days=30), now=generated_until(), previous_windows=3
    )
    cells = {(spot.category, spot.area) for spot in spots}
    assert ("facilities.drainage", f"{OLD_ESTATE}:12号楼") in cells
    assert ("facilities.lifts", f"{HIGH_RISE}:7号楼") in cells


def test_the_demo_resident_has_appeals_in_each_state_and_may_rate_the_closed_one(street: Street) -> None:
    user = User.objects.get(username="resident")
    mine = Appeal.objects.filter(requester_user=user)
    assert {"rated", "withdrawn", "closed", "replied"} <= set(mine.values_list("status", flat=True))
    assert mine.filter(status__in=["signed_for", "in_progress"]).exists()
    assert mine.filter(status="rated", events__kind="reopened").exists()
    assert not mine.exclude(channel="web").exists()
    assert can(user, mine.get(status="closed"), engine.AppealEvent.RATE)
    assert can(user, mine.get(status="replied"), engine.AppealEvent.REOPEN)
    for username in ("owner", "other-resident"):
        assert Appeal.objects.filter(requester_user__username=username, status="rated").exists()


def test_staff_logins_find_appeals_to_sign_for_reply_to_decide_and_supervise(street: Street) -> None:
    now = generated_until()
    staff = User.objects.get(username="enterprise-staff")
    led = Appeal.objects.filter(lead_subject_id__in=scope_for(staff).acting_subject_ids)
    waiting = led.filter(status="dispatched").order_by("received_at")
    handling = led.filter(status__in=["signed_for", "in_progress"]).order_by("received_at")
    assert waiting.count() >= 3
    assert handling.count() >= 3
    assert led.filter(status__in=OPEN, due_at__lt=now, escalated_at__isnull=False).exists()
    assert all(can(staff, appeal, engine.AppealEvent.SIGN_FOR) for appeal in waiting)
    assert all(can(staff, appeal, engine.AppealEvent.REPLY) for appeal in handling)
    committee = User.objects.get(username="committee-staff")
    # How many disputes are still waiting depends on the time of day the year ends at; at least one is.
    disputed = Appeal.objects.filter(community__code=OLD_ESTATE, status="disputed")
    assert disputed.exists()
    assert all(can(committee, appeal, engine.AppealEvent.REJECT_DISPUTE) for appeal in disputed)
    ngo = User.objects.get(username="ngo-staff")
    assert Appeal.objects.filter(
        lead_subject_id__in=scope_for(ngo).acting_subject_ids, status="dispatched"
    ).exists()
    escalated = Appeal.objects.filter(community__street=street, status__in=OPEN, escalated_at__isnull=False)
    assert len(set(escalated.values_list("community__code", flat=True))) >= 2


# --- Consultations -----------------------------------------------------------------------------------------


def _consultations() -> tuple[Consultation, Consultation]:
    retrofit = Consultation.objects.get(community__code=OLD_ESTATE, title=RETROFIT.title)
    dancing = Consultation.objects.get(community__code=OLD_ESTATE, title=DANCING.title)
    return retrofit, dancing


def consultations_digest() -> str:
    """The consultations by content: voters by name, times as seconds before the moment of generation."""
    anchor = generated_until()
    votes = Vote.objects.values_list(
        "consultation__title", "statement__number", "participant__person__full_name", "value", "created_at"
    )
    statements = Statement.objects.values_list(
        "consultation__title", "number", "text", "moderation", "author__person__full_name", "is_meta"
    )
    rows = [
        sorted(statements, key=repr),
        sorted(((*row[:4], (row[4] - anchor).total_seconds()) for row in votes), key=repr),
        sorted(DecisionDraft.objects.values_list("title", "body", "statement_numbers"), key=repr),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _map_groups(consultation: Consultation) -> dict[int, int | None]:
    report = Analysis.objects.get(consultation=consultation).report
    return {entry["id"]: entry["group"] for entry in report["participants"]}


def test_the_old_estate_has_a_closed_elevator_retrofit_and_an_open_consultation(street: Street) -> None:
    retrofit, dancing = _consultations()
    assert Consultation.objects.filter(community__street=street).count() == 2
    assert retrofit.status == "closed"
    assert retrofit.area is not None
    assert (retrofit.area.kind, retrofit.area.code) == (AreaKind.BUILDING, RETROFIT_BUILDING)
    assert dancing.status == "open"
    assert dancing.area is None
    for consultation, spec in ((retrofit, RETROFIT), (dancing, DANCING)):
        statements = consultation.statements.order_by("number")
        assert [s.text for s in statements] == [s.text for s in spec.statements]
        assert statements.filter(is_seed=True).count() == 9
        assert not statements.filter(is_seed=True, author__isnull=False).exists()
        assert not statements.filter(is_seed=False, author__isnull=True).exists()
        analysis = Analysis.objects.get(consultation=consultation)
        assert analysis.error == ""
        assert not analysis.dirty
        assert analysis.votes_seen == consultation.votes.count()
    rejected = retrofit.statements.get(moderation=Moderation.REJECTED)
    assert "人身攻击" in rejected.moderation_reason
    assert rejected.moderated_by == User.objects.get(username="committee-staff")
    assert retrofit.statements.filter(is_meta=True).count() == 1
    assert retrofit.votes.count() > 1000
    assert dancing.votes.count() > 1000


def test_consultation_voters_are_verified_residents_who_may_take_part(street: Street) -> None:
    from comity.consultations.permissions import may_take_part

    retrofit, dancing = _consultations()
    for consultation in (retrofit, dancing):
        voters = User.objects.filter(pk__in=consultation.votes.values("participant")).select_related("person")
        assert voters.count() > 100
        assert not consultation.votes.filter(imported_participant__isnull=False).exists()
        for user in voters:
            assert user.email.endswith("@demo.comity.invalid")
            assert user.person.verified_at is not None
            assert user.person.is_resident
            assert user.person.community.code == OLD_ESTATE
        assert all(may_take_part(user, consultation) for user in voters[:40])
    buildings = set(
        retrofit.votes.values_list("participant__person__household__unit__building__code", flat=True)
    )
    assert buildings == {RETROFIT_BUILDING}
    assert not User.objects.filter(username__startswith="voter-").exclude(password__startswith="!").exists()


def test_the_retrofit_map_separates_upper_from_lower_floors(street: Street) -> None:
    retrofit, _dancing = _consultations()
    groups = _map_groups(retrofit)
    floor_of = dict(
        retrofit.votes.values_list("participant_id", "participant__person__household__unit__floor").distinct()
    )
    assert Analysis.objects.get(consultation=retrofit).report["k"] >= 2
    upper = Counter(groups[user] for user, floor in floor_of.items() if floor >= 4)
    lower = Counter(groups[user] for user, floor in floor_of.items() if floor <= 2)
    (upper_group, upper_count), (lower_group, lower_count) = upper.most_common(1)[0], lower.most_common(1)[0]
    assert upper_group is not None
    assert upper_group != lower_group
    assert upper_count >= 0.8 * sum(upper.values())
    assert lower_count >= 0.8 * sum(lower.values())


def test_a_bridging_statement_is_common_ground_and_the_draft_comes_from_it(street: Street) -> None:
    retrofit, _dancing = _consultations()
    report = Analysis.objects.get(consultation=retrofit).report
    bridging = {3, 4}  # cost shared by floor with compensation; limits on construction noise
    consensus = {entry["statement"] for entry in report["consensus"]["agree"]}
    top_bridging = {entry["statement"] for entry in report["bridging"][:3]}
    assert bridging & consensus
    assert bridging & top_bridging
    draft = DecisionDraft.objects.get(consultation=retrofit)
    assert draft.created_by == User.objects.get(username="committee-staff")
    assert bridging & set(draft.statement_numbers)
    assert set(draft.statement_numbers) <= consensus | {entry["statement"] for entry in report["bridging"]}
    for number in draft.statement_numbers:
        assert retrofit.statements.get(number=number).text in draft.body


def test_the_demo_resident_finds_statements_to_vote_on_in_the_open_consultation(
    street: Street, client: Any
) -> None:
    from django.urls import reverse

    _retrofit, dancing = _consultations()
    resident = User.objects.get(username="resident")
    assert dancing.votes.filter(participant=resident).count() == 3
    client.post("/accounts/login/", {"username": "resident", "password": DEMO_PASSWORD})
    page = client.get(reverse("consultations:detail", args=[dancing.community_id, dancing.pk]))
    assert page.status_code == 200
    assert page.context["progress"].voted == 3
    assert page.context["progress"].total == len(DANCING.statements)
    assert page.context["statement"] is not None


def test_young_residents_are_under_represented_in_the_open_consultation(street: Street) -> None:
    _retrofit, dancing = _consultations()
    adults = Person.objects.filter(
        community__code=OLD_ESTATE, is_resident=True, household__isnull=False, birth_year__lte=2026 - 18
    )
    young_share = adults.filter(birth_year__gt=2026 - 35).count() / adults.count()
    born = list(dancing.votes.values_list("participant", "participant__person__birth_year").distinct())
    young_voters = sum(1 for _user, year in born if 2026 - year < 35) / len(born)
    assert young_share > 0.15
    assert young_voters < young_share / 3


# --- Decisions ---------------------------------------------------------------------------------------------


def decisions_digest() -> str:
    """The decisions by content: electors by name and flat, times as seconds before the moment of generation.
    Receipts and log hashes are random by design and left out."""
    anchor = generated_until()

    def content(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (value - anchor).total_seconds() if isinstance(value, datetime) else value for value in row
        )

    queries: list[Any] = [
        Decision.objects.values_list(
            "title",
            "status",
            "passed",
            "rule_name",
            "ballot_kind",
            "area__code",
            "draft__title",
            "opens_at",
            "closes_at",
            "closed_at",
            "minutes",
            "log_length",
        ),
        Elector.objects.values_list("decision__title", "label", "units", "area", "affected"),
        Participation.objects.values_list(
            "decision__title",
            "elector__units",
            "channel",
            "cast_by__first_name",
            "paper_reference",
            "checked_by__first_name",
            "checked_at",
            "counted",
            "created_at",
        ),
        Ballot.objects.values_list(
            "decision__title", "participation__elector__units", "choice", "selection", "area", "counted"
        ),
        AffectedUnit.objects.values_list("decision__title", "unit__number", "impact", "note"),
        Objection.objects.values_list("decision__title", "elector__units", "text", "status", "created_at"),
        Mediation.objects.values_list("decision__title", "held_on", "attendees", "record", "outcome"),
        MinorityStatement.objects.values_list("decision__title", "elector__units", "text", "created_at"),
        ProxyAuthorization.objects.values_list(
            "decision__title", "elector__units", "proxy__full_name", "document", "signed_on"
        ),
    ]
    rows = [sorted((content(row) for row in query), key=repr) for query in queries]
    plans = sorted(
        (title, method, [(s["unit"], s["amount_fen"], s["compensation_fen"]) for s in plan["shares"]])
        for title, method, plan in CostPlan.objects.values_list("decision__title", "method", "plan")
    )
    return hashlib.sha256(repr([rows, plans]).encode()).hexdigest()


def _retrofits() -> list[Decision]:
    return list(
        Decision.objects.filter(community__code=OLD_ESTATE, rule_name="elevator-retrofit")
        .select_related("area__parent", "draft", "cost_plan")
        .order_by("area__code")
    )


def _one(decisions: list[Decision], status: str, passed: bool | None) -> Decision:
    matching = [d for d in decisions if d.status == status and d.passed is passed]
    assert len(matching) == 1, matching
    return matching[0]


def _thresholds(result: Mapping[str, Any]) -> dict[tuple[str, str], bool]:
    return {(t["stage"], t["basis"]): t["passed"] for t in result["thresholds"]}


def test_building_3_votes_on_its_lift_stairwell_by_stairwell_from_the_consultations_draft(
    street: Street,
) -> None:
    retrofit, _dancing = _consultations()
    draft = DecisionDraft.objects.get(consultation=retrofit)
    decisions = _retrofits()
    stairwells = Area.objects.filter(
        community__code=OLD_ESTATE, kind=AreaKind.STAIRWELL, parent__code=RETROFIT_BUILDING
    )
    assert [d.area.code for d in decisions if d.area] == sorted(stairwells.values_list("code", flat=True))
    for decision in decisions:
        assert decision.draft == draft
        assert decision.ballot_kind == "motion"
        assert not decision.secret
        plan = decision.cost_plan
        assert plan.method in {"floor-table", "floor-coefficient"}
        assert (plan.subsidy_percent, plan.subsidy_cap_fen) == (Decimal(25), 15_000_000)
        assert plan.plan["subsidy_fen"] == min(plan.total_fen // 4, 15_000_000)
        shares = plan.plan["shares"]
        assert len(shares) == Unit.objects.filter(stairwell=decision.area).count()
        assert sum(s["amount_fen"] for s in shares) == plan.total_fen - plan.plan["subsidy_fen"]
        assert all(s["amount_fen"] < 0 < s["compensation_fen"] for s in shares if s["floor"] == 1)
        assert all(s["amount_fen"] > 0 for s in shares if s["floor"] >= 3)
        affected = list(decision.affected_units.select_related("unit"))
        assert affected
        for row in affected:
            assert (row.unit.floor, row.unit.stairwell_id) == (1, decision.area_id)
            assert row.impact in {"occupied", "light"}
        if decision.status != "draft":
            flagged = set(decision.electors.filter(affected=True).values_list("units", flat=True))
            assert flagged == {str(row.unit) for row in affected}
    outcomes = Counter((d.status, d.passed) for d in decisions)
    assert outcomes[("closed", True)] >= 2
    assert outcomes[("closed", False)] == 1
    assert outcomes[("open", None)] == 1


def test_stairwells_that_passed_had_their_affected_owners_consent(street: Street) -> None:
    passed = [d for d in _retrofits() if d.passed]
    for decision in passed:
        assert decision.result is not None
        assert all(_thresholds(decision.result).values())
        assert decision.result["affected_consent"]["passed"]
        for elector in decision.electors.filter(affected=True):
            assert Ballot.objects.get(participation__elector=elector).choice == "yes"
        assert "表决通过" in decision.minutes
    statement = MinorityStatement.objects.get(decision__in=passed)
    assert Ballot.objects.get(participation__elector=statement.elector).choice == "no"
    assert statement.author is not None
    assert statement.elector.persons.filter(user=statement.author).exists()


def test_one_stairwell_failed_on_area_while_the_headcount_carried_it(street: Street) -> None:
    failed = _one(_retrofits(), "closed", False)
    assert failed.result is not None
    thresholds = _thresholds(failed.result)
    assert thresholds[("participation", "headcount")]
    assert thresholds[("approval", "headcount")]
    assert not (thresholds[("participation", "area")] and thresholds[("approval", "area")])
    assert failed.result["affected_consent"]["passed"]
    assert "未通过" in failed.minutes
    # the large flats stayed away or voted no
    yes = set(
        Ballot.objects.filter(decision=failed, choice="yes").values_list("participation__elector", flat=True)
    )
    areas = dict(failed.electors.values_list("pk", "area"))
    assert mean(a for pk, a in areas.items() if pk not in yes) > mean(
        a for pk, a in areas.items() if pk in yes
    )
    # those who voted yes are the minority here, and one of them said so
    statement = MinorityStatement.objects.get(decision=failed)
    assert statement.elector_id in yes


def test_the_open_stairwell_waits_on_its_affected_owner_who_objected(street: Street) -> None:
    waiting = _one(_retrofits(), "open", None)
    assert waiting.accepts_ballots
    result = count(waiting)
    assert all(_thresholds(result).values())
    assert result["affected_consent"]["passed"] is False
    assert explain_shortfalls(result) == ["1 affected owner has not consented yet."]
    affected = waiting.electors.get(affected=True)
    assert AffectedUnit.objects.get(decision=waiting).impact == "light"
    assert not affected.participations.exists()
    objection = Objection.objects.get(decision=waiting)
    assert (objection.elector, objection.status) == (affected, "open")
    assert affected.persons.filter(user=objection.author).exists()
    mediation = Mediation.objects.get(decision=waiting)
    assert (mediation.objection, mediation.outcome) == (objection, "continuing")


def test_the_open_stairwell_has_a_proxy_ballot_and_paper_ballots_checked_and_waiting(street: Street) -> None:
    waiting = _one(_retrofits(), "open", None)
    proxy = ProxyAuthorization.objects.get(decision=waiting)
    assert not proxy.elector.persons.filter(pk=proxy.proxy_id).exists()
    by_proxy = Participation.objects.get(decision=waiting, elector=proxy.elector)
    assert (by_proxy.channel, by_proxy.counted, by_proxy.cast_by) == ("proxy", True, proxy.proxy.user)
    papers = Participation.objects.filter(decision=waiting, channel="paper")
    checked = papers.get(counted=True)
    assert checked.checked_by is not None
    assert checked.cast_by is not None
    assert checked.checked_by != checked.cast_by
    for user in (checked.cast_by, checked.checked_by):
        assert user.has_perm("decisions.manage_decisions", waiting)
    pending = papers.get(counted=False)
    assert pending.checked_by is None
    staff = User.objects.get(username="committee-staff")
    assert pending.cast_by != staff
    services.check_paper_ballot(staff, waiting, pending.pk, matches=True)
    assert count(waiting)["affected_consent"]["passed"] is False


def test_the_estate_votes_on_its_maintenance_fund_with_the_turnout_of_the_first_days(street: Street) -> None:
    fund = Decision.objects.get(community__code=OLD_ESTATE, title=FUND_TITLE)
    assert (fund.rule_name, fund.area, fund.ballot_kind, fund.secret) == (
        "civil-code-278-major",
        None,
        "motion",
        False,
    )
    assert fund.status == "open"
    assert fund.accepts_ballots
    electors = fund.electors.count()
    assert electors >= 3000
    result = count(fund)
    thresholds = _thresholds(result)
    assert not thresholds[("participation", "area")]
    assert not thresholds[("participation", "headcount")]
    turnout = Fraction(result["totals"]["headcount"]["participating"]) / electors
    assert Fraction(1, 100) < turnout < Fraction(1, 10)
    assert result["shortfalls"]
    assert all(s["attainable"] for s in result["shortfalls"])
    assert explain_shortfalls(result)
    choices = Counter(Ballot.objects.filter(decision=fund).values_list("choice", flat=True))
    assert choices["yes"] > choices["no"] > 0


def test_building_13_decided_to_repair_its_roof_from_the_maintenance_fund(street: Street) -> None:
    roof = Decision.objects.get(community__code=OLD_ESTATE, title=ROOF_TITLE)
    assert roof.rule_name == "civil-code-278-ordinary"
    assert roof.area is not None
    assert (roof.area.kind, roof.area.code) == (AreaKind.BUILDING, ROOF_BUILDING)
    assert (roof.status, roof.passed) == ("closed", True)
    assert roof.result is not None
    assert all(_thresholds(roof.result).values())
    assert "表决通过" in roof.minutes
    assert roof.cost_plan.method == "area"
    assert roof.closed_at is not None
    assert roof.closed_at < generated_until()


def test_residents_rank_colour_schemes_for_the_repainting(street: Street) -> None:
    colours = Decision.objects.get(community__code=OLD_ESTATE, rule_name="residents-meeting")
    assert (colours.ballot_kind, colours.status) == ("ranked", "open")
    assert list(colours.options.values_list("label", flat=True)) == list(COLOURS)
    ballots = Ballot.objects.filter(decision=colours, counted=True)
    assert ballots.count() >= 10
    for selection in ballots.values_list("selection", flat=True):
        assert 2 <= len(selection) <= len(COLOURS)
    result = count(colours)
    assert len(result["order"]) == len(COLOURS)


@pytest.mark.parametrize(
    ("username", "title"), [("owner", FUND_TITLE), ("resident", "老旧小区改造：外立面粉刷配色方案")]
)
def test_the_owner_and_resident_logins_find_an_open_vote_waiting_for_them(
    street: Street, client: Any, username: str, title: str
) -> None:
    from django.urls import reverse

    user = User.objects.get(username=username)
    decision = Decision.objects.get(community__code=OLD_ESTATE, title=title)
    assert decision.accepts_ballots
    (eligibility,) = selectors.electors_for(user, decision)
    assert not eligibility.voted
    assert not eligibility.proxy
    client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    url = reverse("decisions:detail", args=[decision.community_id, decision.pk])
    assert client.get(url).status_code == 200
    prefix = f"e{eligibility.elector.pk}"
    ballot = {f"{prefix}-choice": "yes"} if decision.ballot_kind == "motion" else {f"{prefix}-rank_1": "1"}
    response = client.post(
        reverse("decisions:vote", args=[decision.community_id, decision.pk]),
        {"elector": eligibility.elector.pk, **ballot},
    )
    assert response.status_code == 302
    assert Participation.objects.get(decision=decision, elector=eligibility.elector).cast_by == user


def test_the_owner_and_resident_logins_have_not_voted_yet(street: Street) -> None:
    for username in ("owner", "resident"):
        user = User.objects.get(username=username)
        assert not Participation.objects.filter(cast_by=user).exists()


def test_every_ballot_log_verifies_and_holds_every_counted_ballot(street: Street) -> None:
    decisions = Decision.objects.filter(community__street=street).exclude(status="draft")
    assert decisions.count() == 8
    for decision in decisions:
        rows = list(LogEntry.objects.filter(decision=decision).order_by("sequence"))
        entries = [ballot_log.LogEntry(r.sequence, r.content, r.previous, r.hash) for r in rows]
        check = ballot_log.verify(entries)
        assert check.ok, (decision, check)
        assert check.checked == decision.log_length
        assert rows[-1].hash == decision.log_head
        assert rows[0].content["type"] == "opened"
        logged = {r.content["receipt"] for r in rows if r.content["type"] == "ballot"}
        counted = set(
            Ballot.objects.filter(decision=decision, counted=True).values_list("receipt_hash", flat=True)
        )
        assert logged == counted
        assert len(logged) == Participation.objects.filter(decision=decision, counted=True).count()
        if decision.status == "closed":
            assert rows[-1].content == {"type": "closed", "passed": decision.passed, "ballots": len(logged)}
            assert decision.result is not None
            assert count(decision)["thresholds"] == decision.result["thresholds"]


def test_the_summary_counts_the_decisions(street: Street) -> None:
    summary = summarise(street)
    assert summary.decisions == 9
    assert summary.decision_ballots == Ballot.objects.filter(decision__community__street=street).count()
    assert summary.decision_ballots > 200
    entry = AuditEntry.objects.get(action="demo.generated", community__code=OLD_ESTATE)
    assert entry.changes["decisions"] == 9
    assert entry.changes["decision_ballots"] == summary.decision_ballots


# --- The community fund and participatory budgeting --------------------------------------------------------


def budgeting_digest() -> str:
    """The fund and the budget cycles by content: voters by name, projects by title, times as seconds before the
    moment of generation."""
    anchor = generated_until()

    def content(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            (value - anchor).total_seconds() if isinstance(value, datetime) else value for value in row
        )

    titles = dict(Proposal.objects.values_list("pk", "title"))
    queries: list[Any] = [
        Fund.objects.values_list("name", "year", "fixed_fen", "per_100_residents_fen", "residents"),
        LedgerEntry.objects.values_list(
            "kind",
            "source",
            "amount_fen",
            "occurred_on",
            "description",
            "counterparty",
            "proposal__title",
            "receipt_number",
        ),
        Cycle.objects.values_list(
            "title", "status", "ballot_kind", "voting_opens_at", "voting_closes_at", "closed_at"
        ),
        Proposal.objects.values_list(
            "cycle__title",
            "district__name",
            "number",
            "title",
            "status",
            "cost_fen",
            "reasons",
            "proposer__first_name",
            "created_at",
            "reviewed_at",
        ),
        BudgetBallot.objects.values_list(
            "cycle__title", "district__name", "voter__first_name", "group", "cast_at"
        ),
        Milestone.objects.values_list("proposal__title", "title", "due_on", "done_on"),
        ProjectRating.objects.values_list(
            "proposal__title", "user__first_name", "stars", "comment", "created_at"
        ),
    ]
    rows = [sorted((content(row) for row in query), key=repr) for query in queries]
    marks = sorted(
        (
            ballot.voter.first_name if ballot.voter else "",
            sorted(m.proposal.title for m in ballot.marks.all()),
        )
        for ballot in BudgetBallot.objects.select_related("voter").prefetch_related("marks__proposal")
    )
    outcomes = sorted(
        (o.district.name, o.rule, o.official, [titles[pk] for pk in o.selected])
        for o in Outcome.objects.select_related("district")
    )
    return hashlib.sha256(repr([rows, marks, outcomes]).encode()).hexdigest()


def _cycle(status: str) -> Cycle:
    return Cycle.objects.get(community__code=OLD_ESTATE, status=status)


def test_the_fund_follows_the_formula_and_its_ledger_balances(street: Street) -> None:
    community = _community(OLD_ESTATE)
    fund = Fund.objects.get(community=community)
    residents = Person.objects.filter(community=community, is_resident=True).count()
    assert fund.residents == residents
    assert fund.formula_fen == 10_000_000 + 150_000 * residents // 100
    summary = budgeting_selectors.summarise(fund)
    assert summary.income_by_source[SourceKind.FORMULA] == fund.formula_fen
    assert {SourceKind.GRANT, SourceKind.DONATION} <= set(summary.income_by_source)
    assert summary.income == sum(summary.income_by_source.values())
    entries = LedgerEntry.objects.filter(fund=fund)
    assert all(any("\u4e00" <= char <= "\u9fff" for char in entry.description) for entry in entries)
    # Every project's money adds up: allocated = paid + returned + still owed, never less than zero.
    for money in summary.projects:
        assert money.outstanding >= 0
        assert money.allocated == money.disbursed + money.returned + money.outstanding
        assert money.allocated == int(money.proposal.cost or 0) * 100
    assert summary.allocated == sum(m.allocated for m in summary.projects)
    assert summary.cash == summary.income - summary.disbursed > 0
    assert summary.available == summary.income - summary.allocated + summary.returned
    assert summary.available >= _cycle(CycleStatus.VOTING).budget * 100
    payments = entries.filter(kind=EntryKind.DISBURSEMENT)
    assert payments.count() >= 5
    assert not payments.filter(receipt_number="").exists()
    assert entries.filter(kind=EntryKind.RETURN).count() == 1
    allocated = set(entries.filter(kind=EntryKind.ALLOCATION).values_list("proposal", flat=True))
    funded = Proposal.objects.filter(
        cycle__fund=fund, status__in=[ProposalStatus.FUNDED, ProposalStatus.DELIVERED]
    )
    assert allocated == set(funded.values_list("pk", flat=True))


def test_last_springs_cycle_funds_other_projects_than_most_votes_first(street: Street) -> None:
    cycle = _cycle(CycleStatus.CLOSED)
    assert cycle.rule == Rule.MES_ADD1
    assert cycle.closed_at is not None
    assert cycle.closed_at < generated_until() - timedelta(days=60)
    proposals = cycle.proposals.all()
    assert 12 <= proposals.count() <= 16
    assert cycle.districts.count() == 2
    ballots = BudgetBallot.objects.filter(cycle=cycle)
    assert ballots.count() >= 200
    assert ballots.filter(voter__isnull=False).count() == ballots.count()
    funded: set[int] = set()
    for district in cycle.districts.all():
        outcomes = {o.rule: o for o in Outcome.objects.filter(district=district)}
        assert set(outcomes) == set(Rule.values)
        official = outcomes[Rule.MES_ADD1]
        assert official.official
        assert not any(o.official for rule, o in outcomes.items() if rule != Rule.MES_ADD1)
        # The larger courtyard's expensive projects take the whole budget under "most votes first"; the
        # official rule funds the smaller courtyard's projects too.
        assert set(official.selected) != set(outcomes[Rule.GREEDY].selected)
        assert official.cost <= district.budget
        funded |= set(official.selected)
        # Every ballot was cast by a verified resident whose home is in the district.
        for ballot in ballots.filter(district=district).select_related("voter")[:40]:
            assert budgeting_selectors.district_of(ballot.voter, cycle) == district
    assert funded == set(
        proposals.filter(status__in=[ProposalStatus.FUNDED, ProposalStatus.DELIVERED]).values_list(
            "pk", flat=True
        )
    )
    assert proposals.filter(status=ProposalStatus.NOT_FUNDED).exists()


def test_ineligible_proposals_have_reasons_from_the_negative_list(street: Street) -> None:
    cycle = _cycle(CycleStatus.CLOSED)
    ruled_out = cycle.proposals.filter(status=ProposalStatus.INELIGIBLE)
    assert 2 <= ruled_out.count() <= 3
    for proposal in ruled_out:
        assert proposal.reasons
        assert set(proposal.reasons) <= set(NegativeReason.values)
        assert proposal.review_note
        assert proposal.cost is None
        assert not proposal.marks.exists()
    assert {"private", "other_party"} <= {r for p in ruled_out for r in p.reasons}
    costed = cycle.proposals.exclude(status=ProposalStatus.INELIGIBLE)
    assert not costed.filter(Q(cost_fen__isnull=True) | Q(costing_note="")).exists()


def test_funded_projects_have_milestones_and_one_was_accepted_and_rated(street: Street) -> None:
    cycle = _cycle(CycleStatus.CLOSED)
    milestones = Milestone.objects.filter(proposal__cycle=cycle)
    assert milestones.filter(done_on__isnull=False).exists()
    assert milestones.filter(done_on__isnull=True).exists()
    assert not milestones.filter(done_on__gt=generated_until().date()).exists()
    (delivered,) = cycle.proposals.filter(status=ProposalStatus.DELIVERED)
    assert delivered.accepted_on is not None
    assert delivered.acceptance_note
    assert not delivered.milestones.filter(done_on__isnull=True).exists()
    ratings = ProjectRating.objects.filter(proposal=delivered)
    assert ratings.count() >= 8
    assert 4 <= mean(ratings.values_list("stars", flat=True)) <= 5
    assert not ratings.filter(user__username__in=["resident", "owner"]).exists()
    resident = User.objects.get(username="resident")
    assert budgeting_selectors.may_rate(resident, delivered)


def test_the_resident_login_can_vote_in_the_open_round_on_a_phone(street: Street, client: Any) -> None:
    from django.urls import reverse

    cycle = _cycle(CycleStatus.VOTING)
    assert cycle.ballot_kind == "knapsack"
    assert cycle.voting_closes_at is not None
    assert cycle.voting_closes_at > timezone.now()
    assert BudgetBallot.objects.filter(cycle=cycle).count() >= 30
    for username in ("resident", "owner"):
        user = User.objects.get(username=username)
        assert not BudgetBallot.objects.filter(voter=user).exists()
        assert budgeting_selectors.district_of(user, cycle) is not None
    resident = User.objects.get(username="resident")
    district = budgeting_selectors.district_of(resident, cycle)
    assert district is not None
    projects = list(district.proposals.filter(status=ProposalStatus.ON_BALLOT).order_by("cost_fen"))
    assert sum(int(p.cost or 0) for p in projects) > district.budget  # choosing is a real choice
    chosen, total = [], 0
    for project in projects:
        if total + int(project.cost or 0) <= district.budget:
            chosen.append(project.pk)
            total += int(project.cost or 0)
    client.post("/accounts/login/", {"username": "resident", "password": DEMO_PASSWORD})
    url = reverse("budgeting:vote", args=[cycle.community_id, cycle.pk])
    assert client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").status_code == 200
    assert client.post(url, {"project": chosen}).status_code == 302
    ballot = BudgetBallot.objects.get(cycle=cycle, voter=resident)
    assert ballot.district == district
    assert sorted(ballot.marks.values_list("proposal", flat=True)) == sorted(chosen)


def test_next_years_cycle_waits_for_the_committee_to_review(street: Street) -> None:
    cycle = _cycle(CycleStatus.REVIEWING)
    pending = cycle.proposals.filter(status=ProposalStatus.SUBMITTED)
    assert pending.filter(proposer__username="resident").exists()
    assert cycle.proposals.filter(status=ProposalStatus.ELIGIBLE).exists()
    staff = User.objects.get(username="committee-staff")
    assert staff.has_perm(budgeting.MANAGE, cycle)
    budgeting.review_proposal(staff, pending.first(), eligible=True, reasons=[])


def test_the_audit_entry_counts_the_fund_and_cycles(street: Street) -> None:
    entry = AuditEntry.objects.get(action="demo.generated", community__code=OLD_ESTATE)
    community = _community(OLD_ESTATE)
    assert entry.changes["budget_cycles"] == Cycle.objects.filter(community=community).count() == 3
    assert entry.changes["budget_ballots"] == BudgetBallot.objects.filter(cycle__community=community).count()
    assert entry.changes["fund_entries"] == LedgerEntry.objects.filter(fund__community=community).count()


def test_the_street_official_is_told_of_every_escalated_appeal_still_open(street: Street) -> None:
    official = User.objects.get(username="street-official")
    escalated = Appeal.objects.filter(
        community__street=street, escalated_at__isnull=False, status__in=sorted(OPEN_STATUSES)
    )
    assert escalated.exists()
    told = set(
        Notification.objects.filter(recipient=official, kind="appeal.escalated").values_list("url", flat=True)
    )
    assert {f"/c/{a.community_id}/appeals/{a.pk}/" for a in escalated} <= told
