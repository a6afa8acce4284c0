"""Every table that names a person is declared, and a person's copy of their data holds its rows (issue 16).

The walk goes over every model of every Comity app: one with a foreign key, one-to-one or many-to-many field to an
account, a person in the register or a household, or a field named like a phone, a full name, a year of birth or
a contact, must be declared in its app's ``personal_data.py`` — with a category of the processing register, fields
that say whose rows they are, a retention rule, and what a granted deletion does. A new app that forgets fails
here. Then one row of every declared table is built, and the copy of each person a row names must hold it.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from PIL import Image

from comity.accounts.models import SignInCode
from comity.appeals import services as appeals
from comity.appeals.following import services as following
from comity.budgeting.models import (
    EntryKind,
    LedgerEntry,
    ProposalComment,
    ProposalFollower,
    ProposalSupport,
    Rating,
    SourceKind,
)
from comity.consultations import services as consultations
from comity.consultations.models import DecisionDraft
from comity.decisions.models import Mediation, MinorityStatement, Objection, ProxyAuthorization
from comity.engine.privacy import BY_CODE, Ending
from comity.foundation.personal_data import Holding, Read, holding_for, holdings, record_access
from comity.notifications.models import Delivery, Notification, OutboxMessage
from comity.privacy.copy import data_copy, path_target
from comity.privacy.models import AccessAlert, Consent, RightsRequest
from comity.privacy.selectors.copy import is_secret
from comity.privacy.services.notice import current_notice, publish_notice
from comity.structure.models import Household, MatterCategory, Person, ResidencyClaim, Tenancy

from ..cast import World
from .budgeting import make_cycle
from .consultations import make_consultation
from .decisions import end_voting, make_decision, make_estate, vote_for
from .test_activities_walk import activity_rows
from .test_ngos_services import build_ngo_rows
from .test_volunteers_walk import volunteer_rows

User = apps.get_model(settings.AUTH_USER_MODEL)
TARGETS = (User, Person, Household)

#: Field names that hold a person's data whatever table they are in.
PERSONAL_NAME = re.compile(r"(^|_)(phone|full_name|birth_year)($|_)|^contact_")

#: Tables the walk finds that hold no person's data, with the reason.
NOT_PERSONAL = {
    "structure.GovernanceSubject": "its phone is an organisation's public number, not a person's",
}


def _comity_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__module__.startswith("comity.")]


def why_personal(model: type[models.Model]) -> list[str]:
    """The fields that make a table personal: links to accounts, people or households, or personal names."""
    if model in TARGETS:
        return ["(the table itself)"]
    reasons = []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if (field.is_relation and field.related_model in TARGETS) or (
            not field.is_relation and PERSONAL_NAME.search(field.name)
        ):
            reasons.append(field.name)
    return reasons


def _field_at(model: type[models.Model], path: str) -> Any:
    """The field a lookup path ends on (``"appeal__closed_at"`` → Appeal.closed_at)."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(last)


def _retentions(holding: Holding) -> list[Any]:
    return [*holding.retention.rules(), *([holding.erasure] if holding.erasure else [])]


# --- 1. Every table that names a person is declared, and rightly ---------------------------------------------------


def test_the_walk_finds_the_tables_that_name_people() -> None:
    found = {model._meta.label for model in _comity_models() if why_personal(model)}
    assert {
        "accounts.User",
        "structure.Person",
        "structure.Household",
        "appeals.Appeal",
        "decisions.Elector",
        "notifications.OutboxMessage",
        "privacy.AccessRecord",
    } <= found
    assert "structure.Street" not in found


def test_every_table_that_names_a_person_is_declared() -> None:
    missing = [
        f"{model._meta.label} ({', '.join(why_personal(model))})"
        for model in _comity_models()
        if why_personal(model)
        and model._meta.label not in NOT_PERSONAL
        and holding_for(model._meta.label) is None
    ]
    assert missing == [], "declare these in the app's personal_data.py"


def test_the_tables_said_not_to_be_personal_are_not_declared_and_still_look_personal() -> None:
    for label in NOT_PERSONAL:
        assert holding_for(label) is None
        assert why_personal(apps.get_model(label))


def test_every_declaration_names_a_table_and_a_category_of_the_register() -> None:
    for holding in holdings():
        assert holding.model_class._meta.label == holding.model
        assert holding.category in BY_CODE, holding.model


def test_every_declared_path_leads_to_an_account_a_person_or_a_household() -> None:
    for holding in holdings():
        assert holding.subject or holding.actors, f"{holding.model}: whose rows are they?"
        for path in (*holding.subject, *holding.actors):
            assert path_target(holding.model_class, path) in TARGETS, f"{holding.model}.{path}"


def test_every_retention_says_how_long_or_why_not() -> None:
    problems = []
    for holding in holdings():
        model, retention = holding.model_class, holding.retention
        if retention.days is None:
            if not str(retention.reason).strip():
                problems.append(f"{holding.model}: no period and no reason")
        else:
            field = _field_at(model, retention.starts) if retention.starts else None
            if retention.days <= 0 or not isinstance(field, models.DateField):
                problems.append(f"{holding.model}: {retention.days} days from {retention.starts!r}")
            if retention.ending == Ending.KEEP and not str(retention.reason).strip():
                problems.append(f"{holding.model}: kept without a reason")
        if holding.on_erasure.ending == Ending.KEEP and not str(holding.on_erasure.reason).strip():
            problems.append(f"{holding.model}: a deletion keeps the rows without saying why")
    assert problems == []


def test_every_reason_a_resident_reads_is_translatable() -> None:
    untranslatable = [
        f"{holding.model}: {reason}"
        for holding in holdings()
        for retention in _retentions(holding)
        for reason in (retention.reason, getattr(retention, "hold_reason", ""))
        if reason and not isinstance(reason, Promise)
    ]
    assert untranslatable == [], "wrap them in gettext_lazy"


def test_what_a_rule_blanks_or_leaves_out_exists_and_can_be_blanked() -> None:
    problems = []
    for holding in holdings():
        model = holding.model_class
        for name in holding.exclude:
            try:
                model._meta.get_field(name)
            except Exception:
                problems.append(f"{holding.model}: excludes {name}, which it has not")
        for code, names in holding.fields_by_category.items():
            for name in names:
                field = model._meta.get_field(name)
                if not (field.null or isinstance(field, models.CharField | models.TextField)):
                    problems.append(f"{holding.model}.{name} ({code}) cannot be blanked")
        for retention in _retentions(holding):
            for name in retention.fields:
                field = model._meta.get_field(name)
                blankable = field.null or isinstance(field, models.CharField | models.TextField)
                if not blankable and retention.eraser is None:
                    problems.append(f"{holding.model}.{name} cannot be blanked")
            for lookups in (retention.only, getattr(retention, "hold", {})):
                if lookups:
                    model._base_manager.filter(**lookups).query.get_compiler(using="default").as_sql()
    assert problems == []


def test_no_declaration_puts_a_secret_in_the_copy() -> None:
    for holding in holdings():
        shown = {field.name for field in holding.model_class._meta.concrete_fields} - set(holding.exclude)
        assert not [name for name in shown if "hash" in name and not is_secret(name)], holding.model


# --- 2. The copy of everyone a row names holds it ------------------------------------------------------------------


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("lift.png", buffer.getvalue(), content_type="image/png")


def _registry_rows(world: World) -> None:
    rui, chen, gao = world.user("resident"), world.user("committee_staff"), world.user("grid_worker")
    world.building.grid_worker = gao.person
    world.building.save()
    household = rui.person.household
    Tenancy.objects.create(
        community=world.harmony, unit=household.unit, household=household, since="2020-01-01"
    )
    ResidencyClaim.objects.create(
        community=world.harmony,
        user=world.user("other_resident"),
        unit=world.unit,
        relation="family",
        full_name="Otto",
        phone="13800138000",
        status="approved",
        decided_by=chen,
        decided_at=timezone.now(),
    )
    SignInCode.objects.create(
        user=rui, code_hash="pbkdf2$x", issued_by=chen, expires_at=timezone.now() + timedelta(hours=1)
    )
    note = Notification.objects.create(recipient=rui, kind="appeal.replied", summary="Answered", url="/")
    delivery = Delivery.objects.create(notification=note, channel="sms")
    OutboxMessage.objects.create(phone="13800138001", text="Answered", channel="sms", delivery=delivery)


def _appeal_rows(world: World) -> None:
    rui, owner = world.user("resident"), world.user("owner")
    appeal = appeals.submit_appeal(
        rui,
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift of building 1 is stuck.",
        area=world.stairwell,
        is_public=True,
        contact_phone="13800138002",
        photos=[_png()],
    )
    following.follow_appeal(owner, appeal)
    following.say_me_too(owner, appeal)
    enterprise = world.user("enterprise_staff")
    appeals.sign_for(enterprise, appeal)
    appeals.reply(enterprise, appeal, text="Repaired.")
    appeals.close(world.user("committee_staff"), appeal)
    appeals.rate(rui, appeal, contacted=True, resolved="yes", satisfaction="satisfied", comment="Quick.")


def _participation_rows(world: World) -> None:
    rui, chen = world.user("resident"), world.user("committee_staff")
    consultation = make_consultation(world)
    statement = consultations.add_statement(rui, consultation, "Plant trees along the fence.")
    consultations.cast_vote(rui, consultation.statements.exclude(pk=statement.pk).first(), 1)
    DecisionDraft.objects.create(
        community=world.harmony,
        consultation=consultation,
        title="Trees",
        body="Plant trees.",
        created_by=chen,
    )
    scenario = make_cycle(world, stage="closed")
    project = scenario.projects["C"]
    community = world.harmony
    ProposalSupport.objects.create(community=community, proposal=project, user=rui, created_at=timezone.now())
    ProposalFollower.objects.create(
        community=community, proposal=project, user=rui, created_at=timezone.now()
    )
    ProposalComment.objects.create(
        community=community,
        proposal=project,
        author=rui,
        text="Good idea.",
        created_at=timezone.now(),
        hidden_at=timezone.now(),
        hidden_by=chen,
        hidden_reason="Off topic.",
    )
    Rating.objects.create(community=community, proposal=project, user=rui, stars=5, comment="Lovely.")
    LedgerEntry.objects.create(
        community=community,
        fund=scenario.fund,
        kind=EntryKind.INCOME,
        source=SourceKind.DONATION,
        amount_fen=10_000,
        occurred_on=timezone.localdate(),
        description="Donation",
        recorded_by=chen,
    )


def _decision_rows(world: World) -> None:
    chen = world.user("committee_staff")
    estate = make_estate(world)
    decision = make_decision(world, estate)
    wang = estate.owners["201"]
    vote_for(decision, [wang])
    elector = decision.electors.filter(persons=wang.person).first()
    li_elector = decision.electors.filter(persons=estate.owners["301"].person).first()
    ProxyAuthorization.objects.create(
        community=world.harmony,
        decision=decision,
        elector=li_elector,
        proxy=world.user("owner").person,
        document="P-1",
        signed_on=timezone.localdate(),
        recorded_by=chen,
    )
    end_voting(decision)
    objection = Objection.objects.create(
        community=world.harmony, decision=decision, elector=elector, author=wang, text="Count again."
    )
    Mediation.objects.create(
        community=world.harmony,
        decision=decision,
        objection=objection,
        held_on=timezone.localdate(),
        attendees="Wang, Chen",
        record="Agreed.",
        outcome="agreed",
        recorded_by=chen,
    )
    MinorityStatement.objects.create(
        community=world.harmony, decision=decision, elector=elector, author=wang, text="I disagree."
    )


def _privacy_rows(world: World) -> None:
    rui, chen = world.user("resident"), world.user("committee_staff")
    notice = current_notice() or publish_notice(None)
    Consent.objects.create(
        community=world.harmony,
        person=rui.person,
        category="contact",
        notice=notice,
        fingerprint="f",
        recorded_by=chen,
    )
    RightsRequest.objects.create(
        community=world.harmony,
        person=rui.person,
        user=rui,
        kind="correction",
        target="phone",
        proposed="13800138003",
        due_at=timezone.now() + timedelta(days=15),
    )
    record_access(
        viewer=chen,
        community_id=world.harmony.pk,
        person_ids=[rui.person.pk],
        what=Read.PERSON,
        role="committee_staff",
    )
    AccessAlert.objects.create(
        community=world.harmony,
        viewer=chen,
        hour=timezone.now().replace(minute=0),
        people=300,
        households=120,
    )


def _users_named(holding: Holding, pk: int) -> set[int]:
    """The accounts a row of the holding names through its subject and actor paths (a person or household by the
    accounts registered in them)."""
    model = holding.model_class
    users: set[int] = set()
    for path in (*holding.subject, *holding.actors):
        target = path_target(model, path)
        ids = {value for value in model._base_manager.filter(pk=pk).values_list(path, flat=True) if value}
        if target is User:
            users |= ids
        elif target is Person:
            users |= set(
                Person.objects.filter(pk__in=ids, user__isnull=False).values_list("user_id", flat=True)
            )
        else:
            users |= set(
                Person.objects.filter(household__in=ids, user__isnull=False).values_list("user_id", flat=True)
            )
    return users


def test_the_copy_of_everyone_a_row_names_holds_the_row(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    _registry_rows(world)
    _appeal_rows(world)
    _participation_rows(world)
    _decision_rows(world)
    _privacy_rows(world)
    activity_rows(world)
    volunteer_rows(world)
    build_ngo_rows(world)

    empty = [holding.model for holding in holdings() if not holding.model_class._base_manager.exists()]
    assert empty == [], "build a row of these tables above"
    copies: dict[int, dict[str, Any]] = {}
    missing = []
    for holding in holdings():
        for pk in holding.model_class._base_manager.values_list("pk", flat=True):
            for user_id in _users_named(holding, pk):
                if user_id not in copies:
                    copies[user_id] = data_copy(User.objects.get(pk=user_id))
                section = copies[user_id]["sections"].get(holding.model, {"rows": []})
                if str(pk) not in {str(row["id"]) for row in section["rows"]}:
                    missing.append(f"{holding.model} #{pk} not in the copy of user #{user_id}")
    assert missing == []
    rui = copies[world.user("resident").pk]["sections"]
    assert {"appeals.Appeal", "appeals.Attachment", "consultations.Vote", "budgeting.BudgetBallot"} <= set(
        rui
    )
