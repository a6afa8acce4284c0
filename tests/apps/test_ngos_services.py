"""The ngos services: the filing workflow to approval and to refusal with reasons, incubation steps by party,
grading refused when not eligible or out of bounds, and the hosted-money ledger never below zero."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.engine.ngo_grading import Dimension
from comity.ngos.models import Filing, Grade, HostedEntry, Incubation, OrganisationProfile
from comity.ngos.services import (
    add_offer,
    apply_for_incubation,
    create_profile,
    decide_filing,
    move_incubation,
    record_grade,
    record_hosted_money,
    record_support,
    review_filing,
    save_filing,
)
from comity.privacy.copy import data_copy
from comity.structure.models import LegalStatus, MatterCategory, SubjectKind

from ..cast import World
from ..factories import SubjectFactory

pytestmark = pytest.mark.django_db


def charter() -> SimpleUploadedFile:
    return SimpleUploadedFile("charter.pdf", b"%PDF-1.4 charter", content_type="application/pdf")


def make_group(world: World, name: str = "Dance Team") -> Any:
    """A guided volunteer team of Harmony whose staff is ``ngo_staff`` (Nia acts for Silver Age Care, so the
    tests file for Silver Age Care; this group is for the committee's side)."""
    return SubjectFactory(
        community=world.harmony, kind=SubjectKind.VOLUNTEER_TEAM, name=name, legal_status=""
    )


def profile_of_ngo(world: World, **data: Any) -> OrganisationProfile:
    return create_profile(world.user("ngo_staff"), world.ngo, tier=LegalStatus.COMMUNITY_GUIDED, **data)


def submitted(world: World) -> Filing:
    profile = profile_of_ngo(world)
    return save_filing(
        world.user("ngo_staff"),
        profile,
        tier=LegalStatus.FILED,
        purpose="Visits to elderly residents living alone.",
        members_count=12,
        documents=[("Charter", charter())],
        submit=True,
    )


def test_the_filing_goes_through_to_approval(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    filing = submitted(world)
    assert filing.status == "submitted"
    assert filing.documents.count() == 1
    # The street cannot decide before the committee reviewed it.
    with pytest.raises(PermissionDenied):
        decide_filing(world.user("street_official"), filing, approve=True)
    review_filing(world.user("committee_staff"), filing, supports=True, note="Active for three years.")
    filing.refresh_from_db()
    assert filing.status == "reviewed"
    assert filing.reviewed_by == world.user("committee_staff")
    decide_filing(world.user("street_official"), filing, approve=True)
    filing.refresh_from_db()
    profile = filing.profile
    profile.refresh_from_db()
    assert filing.status == "approved"
    assert profile.tier == "filed"
    assert profile.registered_or_filed_on == timezone.localdate()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"ngos.filing_submitted", "ngos.filing_reviewed", "ngos.filing_approved"} <= actions


def test_a_refusal_needs_reasons_and_the_filing_can_be_sent_again(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    filing = submitted(world)
    review_filing(world.user("committee_staff"), filing, supports=False, note="No venue yet.")
    with pytest.raises(ValidationError) as error:
        decide_filing(world.user("street_official"), filing, approve=False, reasons="  ")
    assert "reasons" in error.value.message_dict
    filing.refresh_from_db()
    assert filing.status == "reviewed"
    decide_filing(world.user("street_official"), filing, approve=False, reasons="Name a meeting place.")
    filing.refresh_from_db()
    assert filing.status == "refused"
    assert filing.street_reasons == "Name a meeting place."
    again = save_filing(
        world.user("ngo_staff"),
        filing.profile,
        tier=LegalStatus.FILED,
        purpose="Visits; we meet in the community room.",
        members_count=12,
        submit=True,
    )
    assert again.pk == filing.pk
    assert again.status == "submitted"


def test_only_the_organisation_or_the_committee_file_and_only_the_committee_reviews(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    profile = profile_of_ngo(world)
    for role in ("resident", "enterprise_staff", "street_official"):
        with pytest.raises(PermissionDenied):
            save_filing(world.user(role), profile, tier="filed", purpose="x", members_count=3)
    filing = submitted_again = save_filing(
        world.user("committee_staff"),
        profile,
        tier="filed",
        purpose="On its behalf.",
        members_count=3,
        documents=[("Charter", charter())],
        submit=True,
    )
    assert submitted_again.submitted_by == world.user("committee_staff")
    with pytest.raises(PermissionDenied):
        review_filing(world.user("ngo_staff"), filing, supports=True, note="We are great.")
    with pytest.raises(ValidationError):
        save_filing(world.user("ngo_staff"), profile, tier="filed", purpose="Changed", members_count=3)


def test_a_filing_is_sent_with_a_document_of_an_allowed_type(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    profile = profile_of_ngo(world)
    with pytest.raises(ValidationError) as error:
        save_filing(world.user("ngo_staff"), profile, tier="filed", purpose="x", members_count=3, submit=True)
    assert "documents" in error.value.message_dict
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
    with pytest.raises(ValidationError):
        save_filing(
            world.user("ngo_staff"),
            profile,
            tier="filed",
            purpose="x",
            members_count=3,
            documents=[("x", bad)],
        )
    assert not Filing.objects.exists()


def test_a_profile_only_for_organisations_and_with_a_credit_code_when_registered(world: World) -> None:
    with pytest.raises(ValidationError):
        create_profile(world.user("committee_staff"), world.property_company)
    with pytest.raises(ValidationError) as error:
        create_profile(world.user("ngo_staff"), world.ngo, tier="registered", credit_code="123")
    assert "credit_code" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        create_profile(world.user("enterprise_staff"), world.ngo)
    profile = create_profile(world.user("committee_staff"), make_group(world))
    assert profile.tier == "community_guided"
    assert profile.community == world.harmony


def test_the_catalogue_takes_areas_of_the_community_only(world: World) -> None:
    profile = profile_of_ngo(world)
    category = MatterCategory.objects.order_by("pk").first()
    offer = add_offer(
        world.user("ngo_staff"),
        profile,
        category=category,
        service_type="care",
        title="Home visits",
        capacity=20,
        areas=[world.building],
    )
    assert list(offer.areas.all()) == [world.building]
    with pytest.raises(ValidationError):
        add_offer(
            world.user("ngo_staff"), profile, category=category, service_type="care", title="x", capacity=0
        )


def test_incubation_steps_by_party_and_support(world: World) -> None:
    profile = profile_of_ngo(world)
    incubator = world.committee
    incubation = apply_for_incubation(world.user("committee_staff"), profile, incubator=incubator)
    with pytest.raises(ValidationError):
        apply_for_incubation(world.user("committee_staff"), profile, incubator=incubator)
    # The organisation itself cannot put itself into incubation, only leave.
    with pytest.raises(PermissionDenied):
        move_incubation(world.user("ngo_staff"), incubation, stage="incubating")
    move_incubation(world.user("committee_staff"), incubation, stage="incubating")
    incubation.refresh_from_db()
    assert incubation.stage == "incubating"
    assert incubation.started_on == timezone.localdate()
    record_support(
        world.user("committee_staff"),
        incubation,
        kind="seed_money",
        description="Seed fund",
        amount_fen=500_000,
        given_on=timezone.localdate(),
    )
    record_support(
        world.user("committee_staff"),
        incubation,
        kind="fiscal_hosting",
        description="We hold its money",
        given_on=timezone.localdate(),
    )
    profile.refresh_from_db()
    assert profile.fiscal_host == incubator
    with pytest.raises(PermissionDenied):
        move_incubation(world.user("committee_staff"), incubation, stage="applied")
    move_incubation(world.user("committee_staff"), incubation, stage="graduated")
    incubation.refresh_from_db()
    assert incubation.stage == Incubation.Stage.GRADUATED
    assert incubation.ended_on is not None
    with pytest.raises(PermissionDenied):
        move_incubation(world.user("committee_staff"), incubation, stage="left")


def test_the_hosted_ledger_never_goes_below_zero(world: World) -> None:
    profile = profile_of_ngo(world, fiscal_host=world.committee)
    staff = world.user("committee_staff")
    today = timezone.localdate()
    record_hosted_money(staff, profile, amount_fen=10_000, description="Donation", on=today)
    record_hosted_money(staff, profile, amount_fen=-4_000, description="Tea for volunteers", on=today)
    with pytest.raises(ValidationError) as error:
        record_hosted_money(staff, profile, amount_fen=-6_001, description="Too much", on=today)
    assert "amount" in error.value.message_dict
    record_hosted_money(staff, profile, amount_fen=-6_000, description="All of it", on=today)
    assert list(HostedEntry.objects.values_list("balance_fen", flat=True)) == [10_000, 6_000, 0]
    with pytest.raises(PermissionDenied):
        record_hosted_money(world.user("ngo_staff"), profile, amount_fen=100, description="x", on=today)


def scores(**overrides: int) -> dict[Dimension, int]:
    base = {
        Dimension.BASIC_CONDITIONS: 90,
        Dimension.INTERNAL_GOVERNANCE: 330,
        Dimension.PERFORMANCE: 390,
        Dimension.SOCIAL_EVALUATION: 140,
    }
    return base | {Dimension(key): value for key, value in overrides.items()}


def test_grading_is_refused_before_two_years_and_out_of_bounds(world: World) -> None:
    today = timezone.localdate()
    profile = profile_of_ngo(world, registered_or_filed_on=today - timedelta(days=365))
    street = world.user("street_official")
    with pytest.raises(ValidationError) as error:
        record_grade(street, profile, scores=scores(), assessed_on=today, assessor="District civil affairs")
    assert "assessed_on" in error.value.message_dict
    profile.registered_or_filed_on = date(today.year - 3, 1, 1)
    profile.save()
    with pytest.raises(ValidationError) as error:
        record_grade(
            street,
            profile,
            scores=scores(performance=401),
            assessed_on=today,
            assessor="District civil affairs",
        )
    assert list(error.value.message_dict) == ["performance"]
    assert not Grade.objects.exists()
    grade = record_grade(
        street, profile, scores=scores(), assessed_on=today, assessor="District civil affairs"
    )
    assert (grade.total, grade.band) == (950, "5A")
    assert grade.assessed_on + timedelta(days=5 * 365 - 1) <= grade.valid_until
    assert grade.valid_until < grade.assessed_on + timedelta(days=5 * 366)
    with pytest.raises(PermissionDenied):
        record_grade(world.user("ngo_staff"), profile, scores=scores(), assessed_on=today, assessor="Self")


def build_ngo_rows(world: World) -> None:
    """One row of every ngos table that names a person, for ``tests/apps/test_privacy_walk.py``'s copy test (the
    lead calls it there beside ``_privacy_rows``; needs ``settings.MEDIA_ROOT`` set, which that test does)."""
    staff, official = world.user("committee_staff"), world.user("street_official")
    today = timezone.localdate()
    profile = create_profile(
        world.user("ngo_staff"),
        world.ngo,
        tier=LegalStatus.COMMUNITY_GUIDED,
        registered_or_filed_on=date(2020, 1, 1),
        fiscal_host=world.committee,
    )
    record_grade(official, profile, scores=scores(), assessed_on=today, assessor="District civil affairs")
    filing = save_filing(
        world.user("ngo_staff"),
        profile,
        tier="filed",
        purpose="Visits.",
        members_count=5,
        documents=[("Charter", charter())],
        submit=True,
    )
    review_filing(staff, filing, supports=True, note="Fine.")
    decide_filing(official, filing, approve=True)
    incubation = apply_for_incubation(staff, profile, incubator=world.committee)
    move_incubation(staff, incubation, stage="incubating")
    record_support(staff, incubation, kind="training", description="Bookkeeping", given_on=today)
    record_hosted_money(staff, profile, amount_fen=100, description="Donation", on=today)


def test_the_rows_for_the_privacy_walk_name_their_staff(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    build_ngo_rows(world)
    assert Filing.objects.get().decided_by == world.user("street_official")
    assert Grade.objects.get().recorded_by == world.user("street_official")


def test_the_copy_of_each_staff_member_holds_the_ngos_rows_naming_them(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    build_ngo_rows(world)
    expected = {
        "ngos.Filing": "street_official",
        "ngos.FilingDocument": "ngo_staff",
        "ngos.OrganisationProfile": "ngo_staff",
        "ngos.Incubation": "committee_staff",
        "ngos.SupportGiven": "committee_staff",
        "ngos.HostedEntry": "committee_staff",
        "ngos.Grade": "street_official",
    }
    for model, role in expected.items():
        sections = data_copy(world.user(role))["sections"]
        assert sections.get(model, {"rows": []})["rows"], (model, role)
