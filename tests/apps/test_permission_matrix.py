"""Every view and endpoint × every member of the cast.

Each case names who may use it. An allowed role gets its page (or its write takes effect); a denied role
gets 403 — anonymous visitors are sent to the login page instead — and every denied write also asserts that
nothing changed (saleor's pattern).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.structure.models import MatterCategory, ResidencyClaim, Responsibility

from ..cast import World
from ..conftest import CAST
from ..factories import UserFactory
from .budgeting import make_cycle
from .consultations import make_consultation
from .decisions import make_decision

MEMBERS = {"resident", "owner", "grid_worker", "committee_staff", "ngo_staff", "enterprise_staff"}
VIEWERS = MEMBERS | {"street_official", "platform_staff"}
MANAGERS = {"committee_staff", "platform_staff"}
AUDITORS = {"committee_staff", "street_official", "platform_staff"}
OVERSEERS = {"street_official", "platform_staff"}
SERVERS = {"committee_staff", "grid_worker", "platform_staff"}
LOGGED_IN = set(CAST) - {"anonymous"}
#: Consultations are run by the residents' committee and the street office; residents and owners take part.
CONSULTATION_STAFF = {"committee_staff", "street_official", "platform_staff"}
PARTICIPANTS = {"resident", "owner"}


def _pending_claim(world: World) -> ResidencyClaim:
    claimant = UserFactory(username="newcomer")
    return ResidencyClaim.objects.create(
        community=world.harmony, user=claimant, unit=world.unit, relation="family", full_name="New Comer"
    )


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    allowed: set[str]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    setup: Callable[[World], dict[str, Any]] = lambda w: {}
    #: A snapshot of the state the write would change; denied writes must leave it equal.
    state: Callable[[World, dict[str, Any]], Any] | None = None
    #: Status of an allowed request.
    ok_status: set[int] = field(default_factory=lambda: {200})
    api: bool = False
    content_type: str | None = None


def _lifts_row(world: World) -> Responsibility:
    return Responsibility.objects.get(community=world.harmony, category__code="facilities.lifts")


def _matrix_state(world: World, setup: dict[str, Any]) -> Any:
    return sorted(
        Responsibility.objects.filter(community=world.harmony).values_list(
            "category__code", "lead_subject_id", "time_limit_hours", "notes"
        )
    )


def _subject_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.structure.models import GovernanceSubject

    return sorted(GovernanceSubject.objects.values_list("pk", "name", "phone"))


def _membership_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.structure.models import Membership

    return sorted(Membership.objects.values_list("pk", "role", "ended_on"))


def _claim_state(world: World, setup: dict[str, Any]) -> Any:
    return sorted(ResidencyClaim.objects.values_list("pk", "status", "reason"))


def _open_consultation(world: World) -> dict[str, Any]:
    return {"consultation": make_consultation(world)}


def _draft_consultation(world: World) -> dict[str, Any]:
    return {"consultation": make_consultation(world, publish=False)}


def _consultation_url(name: str, *extra: Any) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(f"consultations:{name}", args=[w.harmony.pk, s["consultation"].pk, *extra])


def _consultation_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.consultations.models import Consultation

    return sorted(Consultation.objects.values_list("pk", "title", "published", "closes_at"))


def _statement_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.consultations.models import Statement

    return sorted(Statement.objects.values_list("pk", "text", "moderation", "moderation_reason"))


def _vote_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.consultations.models import Vote

    return sorted(Vote.objects.values_list("statement_id", "participant_id", "value"))


def _draft_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.consultations.models import DecisionDraft

    return sorted(DecisionDraft.objects.values_list("pk", "title"))


def _polis_upload() -> dict[str, Any]:
    """A tiny Pol.is conversation in the API format: two participants, two comments."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    votes = [
        {"pid": 0, "tid": 0, "vote": 1},
        {"pid": 1, "tid": 0, "vote": -1},
        {"pid": 1, "tid": 1, "vote": 0},
    ]
    comments = [{"tid": 0, "txt": "More benches.", "mod": 1}, {"tid": 1, "txt": "Fewer cars.", "mod": 0}]
    return {
        "upload": [
            SimpleUploadedFile("votes.json", json.dumps(votes).encode()),
            SimpleUploadedFile("comments.json", json.dumps(comments).encode()),
        ],
        "title": "Imported",
        "vote_sign": "auto",
    }


def _first_statement(setup: dict[str, Any]) -> Any:
    return setup["consultation"].statements.get(number=0)


def _consultation_form(**extra: Any) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.localtime()
    data = {
        "title": "Bike shed",
        "question": "Should we build one?",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "seed_statements": "Yes.\nNo.",
    }
    data.update(extra)
    return data


# --- cases added for the routes no matrix walked (tests/apps/test_claims.py) --------------------------------------

#: The resident's lift appeal is open to the requester, the lead (the property company), the committee, grid
#: workers, the street office and platform staff; its public page to everyone who can see the community.
CASE_VIEWERS = {
    "resident",
    "enterprise_staff",
    "committee_staff",
    "grid_worker",
    "street_official",
    "platform_staff",
}
#: Who hides a budget proposal's comment or shows it again.
COMMENT_MODERATORS = {"committee_staff", "street_official", "platform_staff"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Photos written by a case's setup go to a temporary folder, not the checkout's media."""
    settings.MEDIA_ROOT = tmp_path


def _png() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("lift.png", buffer.getvalue(), content_type="image/png")


def _appeal_with_photo(world: World) -> dict[str, Any]:
    from comity.appeals import services as appeal_services

    appeal = appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift of building 1 is stuck.",
        area=world.stairwell,
        is_public=True,
        photos=[_png()],
    )
    return {"appeal": appeal, "photo": appeal.attachments.get()}


def _appeal_photo_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(f"appeals:{name}", args=[w.harmony.pk, s["appeal"].pk, s["photo"].pk])


def _open_decision(world: World) -> dict[str, Any]:
    """A decision of the whole community, open: the cast's owner is on its register for the unit they own."""
    return {"decision": make_decision(world, None)}


def _decision_api_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(name, args=[w.harmony.pk, s["decision"].pk])


def _owners_elector(world: World, setup: dict[str, Any]) -> int:
    from comity.decisions.models import Elector

    return Elector.objects.get(decision=setup["decision"], persons=world.user("owner").person).pk


def _ballot_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.decisions.models import Ballot, Participation

    return (Participation.objects.count(), sorted(Ballot.objects.values_list("pk", "choice")))


def _hidden_comment(world: World) -> dict[str, Any]:
    from comity.budgeting import services as budget_services

    scenario = make_cycle(world, stage="proposing")
    proposal = scenario.projects["A"]
    budget_services.review_proposal(world.user("committee_staff"), proposal, eligible=True, reasons=[])
    comment = budget_services.comment_on_proposal(world.user("owner"), proposal, "Please hide me")
    budget_services.hide_comment(world.user("committee_staff"), comment, "Off topic")
    return {"proposal": proposal, "comment": comment}


def _comment_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.budgeting.models import ProposalComment

    return sorted(ProposalComment.objects.values_list("pk", "hidden_at"))


def _restore_url(world: World, setup: dict[str, Any]) -> str:
    proposal = setup["proposal"]
    return reverse(
        "budget_support:restore_comment",
        args=[world.harmony.pk, proposal.cycle_id, proposal.pk, setup["comment"].pk],
    )


EVERYONE = set(CAST)

CASES = [
    Case("home", "get", lambda w, s: reverse("web:home"), EVERYONE, ok_status={200, 302}),
    Case("health check", "get", lambda w, s: reverse("web:health"), EVERYONE),
    Case("source code", "get", lambda w, s: reverse("web:source"), EVERYONE),
    Case("how we measure", "get", lambda w, s: reverse("web:measures"), EVERYONE),
    Case("login page", "get", lambda w, s: reverse("accounts:login"), EVERYONE, ok_status={200, 302}),
    Case("log out", "post", lambda w, s: reverse("accounts:logout"), EVERYONE, ok_status={302}),
    Case(
        "switch language",
        "post",
        lambda w, s: reverse("set_language"),
        EVERYONE,
        data=lambda w, s: {"language": "zh-hans", "next": "/"},
        ok_status={302},
    ),
    Case(
        "text size",
        "post",
        lambda w, s: reverse("web:text_size"),
        EVERYONE,
        data=lambda w, s: {"large_text": "1", "next": "/"},
        ok_status={302},
    ),
    Case("overview", "get", lambda w, s: reverse("structure:overview", args=[w.harmony.pk]), VIEWERS),
    Case("structure map", "get", lambda w, s: reverse("structure:map", args=[w.harmony.pk]), VIEWERS),
    Case("matrix", "get", lambda w, s: reverse("structure:matrix", args=[w.harmony.pk]), VIEWERS),
    Case("subjects", "get", lambda w, s: reverse("structure:subjects", args=[w.harmony.pk]), VIEWERS),
    Case(
        "subject detail",
        "get",
        lambda w, s: reverse("structure:subject", args=[w.property_company.pk]),
        VIEWERS,
    ),
    Case(
        "street-level subject detail",
        "get",
        lambda w, s: reverse("structure:subject", args=[w.street_office.pk]),
        VIEWERS | {"other_resident"},
    ),
    Case(
        "matrix edit form",
        "get",
        lambda w, s: reverse("structure:matrix_edit", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
    ),
    Case(
        "matrix edit",
        "post",
        lambda w, s: reverse("structure:matrix_edit", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
        data=lambda w, s: {"lead_subject": w.committee.pk, "time_limit_hours": 12, "notes": "changed"},
        state=_matrix_state,
        ok_status={302},
    ),
    Case(
        "matrix new form", "get", lambda w, s: reverse("structure:matrix_new", args=[w.harmony.pk]), MANAGERS
    ),
    Case(
        "matrix new",
        "post",
        lambda w, s: reverse("structure:matrix_new", args=[w.harmony.pk]),
        MANAGERS,
        data=lambda w, s: {
            "category": MatterCategory.objects.get(code="noise.square_dancing").pk,
            "lead_subject": w.committee.pk,
            "time_limit_hours": 72,
        },
        state=_matrix_state,
        ok_status={302},
    ),
    Case(
        "matrix delete",
        "post",
        lambda w, s: reverse("structure:matrix_delete", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
        state=_matrix_state,
        ok_status={302},
    ),
    Case(
        "registry of buildings",
        "get",
        lambda w, s: reverse("structure:registry", args=[w.harmony.pk]),
        SERVERS,
    ),
    Case(
        "building register",
        "get",
        lambda w, s: reverse("structure:building", args=[w.harmony.pk, w.building.pk]),
        SERVERS,
    ),
    Case(
        "register a subject form",
        "get",
        lambda w, s: reverse("structure:subject_new", args=[w.harmony.pk]),
        MANAGERS,
    ),
    Case(
        "register a subject",
        "post",
        lambda w, s: reverse("structure:subject_new", args=[w.harmony.pk]),
        MANAGERS,
        data=lambda w, s: {"kind": "volunteer_team", "name": "Night Patrol"},
        state=_subject_state,
        ok_status={302},
    ),
    Case(
        "edit a community subject",
        "post",
        lambda w, s: reverse("structure:subject_edit", args=[w.property_company.pk]),
        MANAGERS,
        data=lambda w, s: {"kind": "property_management", "name": "Evergreen", "phone": "0371-1100000"},
        state=_subject_state,
        ok_status={302},
    ),
    Case(
        "edit a street-level subject",
        "post",
        lambda w, s: reverse("structure:subject_edit", args=[w.street_office.pk]),
        OVERSEERS,
        data=lambda w, s: {"kind": "street_office", "name": "Peace Street Office", "phone": "0371-1000001"},
        state=_subject_state,
        ok_status={302},
    ),
    Case(
        "add a member",
        "post",
        lambda w, s: reverse("structure:membership_add", args=[w.ngo.pk]),
        MANAGERS,
        data=lambda w, s: {"full_name": "Rui", "role": "volunteer"},
        state=_membership_state,
        ok_status={302},
    ),
    Case(
        "end a role",
        "post",
        lambda w, s: reverse("structure:membership_end", args=[w.ngo.pk, w.ngo.memberships.get().pk]),
        MANAGERS,
        state=_membership_state,
        ok_status={302},
    ),
    Case("street overview", "get", lambda w, s: reverse("structure:street", args=[w.street.pk]), OVERSEERS),
    Case("claims queue", "get", lambda w, s: reverse("structure:claims", args=[w.harmony.pk]), MANAGERS),
    Case(
        "claim confirm",
        "post",
        lambda w, s: reverse("structure:claim_decide", args=[w.harmony.pk, s["claim"].pk]),
        MANAGERS,
        setup=lambda w: {"claim": _pending_claim(w)},
        data=lambda w, s: {"decision": "confirm"},
        state=_claim_state,
        ok_status={302},
    ),
    Case(
        "claim reject",
        "post",
        lambda w, s: reverse("structure:claim_decide", args=[w.harmony.pk, s["claim"].pk]),
        MANAGERS,
        setup=lambda w: {"claim": _pending_claim(w)},
        data=lambda w, s: {"decision": "reject", "reason": "Not on the register"},
        state=_claim_state,
        ok_status={302},
    ),
    Case(
        "registry import form",
        "get",
        lambda w, s: reverse("structure:registry_import", args=[w.harmony.pk]),
        MANAGERS,
    ),
    Case(
        "registry template",
        "get",
        lambda w, s: reverse("structure:registry_template", args=[w.harmony.pk]) + "?format=csv",
        MANAGERS,
    ),
    Case(
        "registry export",
        "get",
        lambda w, s: reverse("structure:registry_export", args=[w.harmony.pk]) + "?format=csv",
        MANAGERS,
    ),
    Case("audit log", "get", lambda w, s: reverse("audit:log", args=[w.harmony.pk]), AUDITORS),
    Case("my account", "get", lambda w, s: reverse("web:me"), LOGGED_IN),
    Case("claim form", "get", lambda w, s: reverse("accounts:claim"), LOGGED_IN),
    Case(
        "unit search",
        "get",
        lambda w, s: reverse("structure:unit_search") + f"?community={w.harmony.pk}&q=101",
        LOGGED_IN,
    ),
    Case(
        "claim a unit",
        "post",
        lambda w, s: reverse("accounts:claim"),
        LOGGED_IN,
        data=lambda w, s: {
            "community": w.harmony.pk,
            "unit": "1-1-101",
            "relation": "family",
            "full_name": "Some One",
        },
        state=_claim_state,
        ok_status={302},
    ),
    Case("admin", "get", lambda w, s: reverse("admin:index"), {"platform_staff"}),
    Case("api communities", "get", lambda w, s: reverse("api-communities"), LOGGED_IN, api=True),
    Case(
        "api community", "get", lambda w, s: reverse("api-community", args=[w.harmony.pk]), VIEWERS, api=True
    ),
    Case("api subjects", "get", lambda w, s: reverse("api-subjects", args=[w.harmony.pk]), VIEWERS, api=True),
    Case(
        "api responsibilities",
        "get",
        lambda w, s: reverse("api-responsibilities", args=[w.harmony.pk]),
        VIEWERS,
        api=True,
    ),
    Case(
        "api responsibility",
        "get",
        lambda w, s: reverse("api-responsibility", args=[w.harmony.pk, _lifts_row(w).pk]),
        VIEWERS,
        api=True,
    ),
    Case(
        "api responsibility patch",
        "patch",
        lambda w, s: reverse("api-responsibility", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
        data=lambda w, s: {"time_limit_hours": 6},
        state=_matrix_state,
        api=True,
        content_type="application/json",
    ),
    Case("api schema (public)", "get", lambda w, s: reverse("api-schema"), set(CAST), api=True),
    Case(
        "consultations list",
        "get",
        lambda w, s: reverse("consultations:list", args=[w.harmony.pk]),
        VIEWERS,
        setup=_open_consultation,
    ),
    Case("consultation page", "get", _consultation_url("detail"), VIEWERS, setup=_open_consultation),
    Case(
        "draft consultation page",
        "get",
        _consultation_url("detail"),
        CONSULTATION_STAFF,
        setup=_draft_consultation,
    ),
    Case(
        "consultation vote",
        "post",
        _consultation_url("vote"),
        PARTICIPANTS,
        setup=_open_consultation,
        data=lambda w, s: {"statement": _first_statement(s).pk, "value": "1"},
        state=_vote_state,
        ok_status={302},
    ),
    Case(
        "consultation add a statement",
        "post",
        _consultation_url("add_statement"),
        PARTICIPANTS,
        setup=_open_consultation,
        data=lambda w, s: {"text": "Plant more trees."},
        state=_statement_state,
        ok_status={302},
    ),
    Case(
        "new consultation form",
        "get",
        lambda w, s: reverse("consultations:new", args=[w.harmony.pk]),
        CONSULTATION_STAFF,
    ),
    Case(
        "new consultation",
        "post",
        lambda w, s: reverse("consultations:new", args=[w.harmony.pk]),
        CONSULTATION_STAFF,
        data=lambda w, s: _consultation_form(),
        state=_consultation_state,
        ok_status={302},
    ),
    Case(
        "edit consultation form",
        "get",
        _consultation_url("edit"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
    ),
    Case(
        "edit consultation",
        "post",
        _consultation_url("edit"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
        data=lambda w, s: _consultation_form(title="Changed"),
        state=_consultation_state,
        ok_status={302},
    ),
    Case(
        "publish consultation",
        "post",
        _consultation_url("publish"),
        CONSULTATION_STAFF,
        setup=_draft_consultation,
        state=_consultation_state,
        ok_status={302},
    ),
    Case(
        "consultation moderation queue",
        "get",
        _consultation_url("moderation"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
    ),
    Case(
        "consultation moderate a statement",
        "post",
        lambda w, s: reverse(
            "consultations:moderate",
            args=[w.harmony.pk, s["consultation"].pk, _first_statement(s).pk],
        ),
        CONSULTATION_STAFF,
        setup=_open_consultation,
        data=lambda w, s: {
            f"s{_first_statement(s).pk}-decision": "rejected",
            f"s{_first_statement(s).pk}-reason": "Off the question",
        },
        state=_statement_state,
        ok_status={302},
    ),
    Case(
        "consultation decision drafts",
        "get",
        _consultation_url("drafts"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
    ),
    Case(
        "consultation write a decision draft",
        "post",
        _consultation_url("drafts"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
        data=lambda w, s: {"title": "Benches", "body": "Buy four.", "statements": ["0"]},
        state=_draft_state,
        ok_status={302},
    ),
    Case("consultation report", "get", _consultation_url("report"), VIEWERS, setup=_open_consultation),
    Case(
        "draft consultation report",
        "get",
        _consultation_url("report"),
        CONSULTATION_STAFF,
        setup=_draft_consultation,
    ),
    Case(
        "consultation report: decision draft from ticked statements",
        "post",
        _consultation_url("report_draft"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
        data=lambda w, s: {"title": "Benches", "statements": ["0"]},
        state=_draft_state,
        ok_status={302},
    ),
    # the same steps posted to the page that shows them (a hidden ``step`` field)
    Case(
        "consultation vote posted to the page",
        "post",
        _consultation_url("detail"),
        PARTICIPANTS,
        setup=_open_consultation,
        data=lambda w, s: {"step": "vote", "statement": _first_statement(s).pk, "value": "1"},
        state=_vote_state,
        ok_status={302},
    ),
    Case(
        "consultation statement posted to the page",
        "post",
        _consultation_url("detail"),
        PARTICIPANTS,
        setup=_open_consultation,
        data=lambda w, s: {"step": "statement", "text": "Plant more trees."},
        state=_statement_state,
        ok_status={302},
    ),
    Case(
        "consultation publish posted to the page",
        "post",
        _consultation_url("detail"),
        CONSULTATION_STAFF,
        setup=_draft_consultation,
        data=lambda w, s: {"step": "publish"},
        state=_consultation_state,
        ok_status={302},
    ),
    Case(
        "consultation moderation posted to the queue page",
        "post",
        _consultation_url("moderation"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
        data=lambda w, s: {
            "step": "moderate",
            "item": _first_statement(s).pk,
            f"s{_first_statement(s).pk}-decision": "rejected",
            f"s{_first_statement(s).pk}-reason": "Off the question",
        },
        state=_statement_state,
        ok_status={302},
    ),
    Case(
        "consultation report draft posted to the report page",
        "post",
        _consultation_url("report"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
        data=lambda w, s: {"step": "draft", "title": "Benches", "statements": ["0"]},
        state=_draft_state,
        ok_status={302},
    ),
    Case(
        "consultation import form",
        "get",
        lambda w, s: reverse("consultations:import", args=[w.harmony.pk]),
        CONSULTATION_STAFF,
    ),
    Case(
        "consultation import from Pol.is",
        "post",
        lambda w, s: reverse("consultations:import", args=[w.harmony.pk]),
        CONSULTATION_STAFF,
        data=lambda w, s: _polis_upload(),
        state=_consultation_state,
        ok_status={302},
    ),
    Case(
        "consultation export to Pol.is formats",
        "get",
        _consultation_url("export"),
        CONSULTATION_STAFF,
        setup=_open_consultation,
    ),
    # routes that were in no matrix (tests/apps/test_claims.py)
    Case(
        "password reset: link sent",
        "get",
        lambda w, s: reverse("accounts:password_reset_done"),
        EVERYONE,
    ),
    Case(
        "password reset: done",
        "get",
        lambda w, s: reverse("accounts:password_reset_complete"),
        EVERYONE,
    ),
    Case(
        "password reset: a link that is not valid",
        "get",
        lambda w, s: reverse("accounts:password_reset_confirm", args=["MQ", "not-a-token"]),
        EVERYONE,
    ),
    Case("appeal photo", "get", _appeal_photo_url("photo"), CASE_VIEWERS, setup=_appeal_with_photo),
    Case(
        "public appeal photo",
        "get",
        _appeal_photo_url("public_photo"),
        VIEWERS,
        setup=_appeal_with_photo,
    ),
    Case(
        "budget proposal: show a hidden comment again",
        "post",
        _restore_url,
        COMMENT_MODERATORS,
        setup=_hidden_comment,
        state=_comment_state,
        ok_status={302},
    ),
    Case(
        "api decisions",
        "get",
        lambda w, s: reverse("api-decisions", args=[w.harmony.pk]),
        VIEWERS,
        setup=_open_decision,
        api=True,
    ),
    Case("api decision", "get", _decision_api_url("api-decision"), VIEWERS, setup=_open_decision, api=True),
    Case(
        "api decision ballot log",
        "get",
        _decision_api_url("api-decision-log"),
        VIEWERS,
        setup=_open_decision,
        api=True,
    ),
    Case(
        "api decision receipt check",
        "post",
        _decision_api_url("api-decision-receipt"),
        VIEWERS,
        setup=_open_decision,
        data=lambda w, s: {"code": "AAAAA-AAAAA-AAAAA"},
        api=True,
        content_type="application/json",
    ),
    Case(
        "api decision ballot",
        "post",
        _decision_api_url("api-decision-ballots"),
        {"owner"},
        setup=_open_decision,
        data=lambda w, s: {"elector": _owners_elector(w, s), "choice": "yes"},
        state=_ballot_state,
        ok_status={201},
        api=True,
        content_type="application/json",
    ),
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_role_gets_exactly_its_permissions(
    case: Case, role: str, world: World, client_for: Any
) -> None:
    extra = case.setup(world)
    url = case.url(world, extra)
    data = case.data(world, extra)
    before = case.state(world, extra) if case.state else None
    audit_before = AuditEntry.objects.count()
    client = client_for(role)
    if case.content_type:
        response = getattr(client, case.method)(url, data=json.dumps(data), content_type=case.content_type)
    else:
        response = getattr(client, case.method)(url, data=data)

    if role in case.allowed:
        assert response.status_code in case.ok_status, (case.name, role, response.status_code)
        if case.state is not None:
            assert case.state(world, extra) != before, f"{role} was allowed {case.name} but nothing changed"
        return

    if role == "anonymous":
        if case.api:
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            assert "/login/" in response["Location"]
    elif case.name == "admin":
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403, (case.name, role, response.status_code)
    if case.state is not None:
        assert case.state(world, extra) == before, f"{role} was denied {case.name} but the state changed"
    assert AuditEntry.objects.count() == audit_before
