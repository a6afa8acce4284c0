"""Retention (issue 16, point 4) and erasure: time-travel tests that what has passed its period is gone or
anonymised — contacts on closed appeals after a year, photos and their files after two, notifications — while open
appeals and legal records stay and a decided decision's ballot log still verifies; a granted deletion's outcome on
each kind of record; the audit entry and the run written for the committee's report; the management command's dry
run; and the report page for every role."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from comity.appeals import services as appeal_services
from comity.appeals.models import Appeal, AppealEvent, AppealFollower, AppealMeToo, Attachment, Rating
from comity.audit.models import AuditEntry
from comity.decisions import services as decision_services
from comity.decisions.closing import verify_decision_log
from comity.decisions.computing import published_result
from comity.decisions.models import Ballot, Decision, Elector, LogEntry, Participation
from comity.foundation.personal_data import declare, holding_for
from comity.notifications.models import Notification
from comity.privacy.erasure import erase_person_data, kept_reasons
from comity.privacy.models import RetentionRun
from comity.privacy.retention import plan
from comity.privacy.services.retention import apply_retention, apply_retention_everywhere
from comity.structure.models import MatterCategory, Person

from ..cast import World
from ..conftest import CAST
from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)
DAY = timedelta(days=1)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("lift.png", buffer.getvalue(), content_type="image/png")


def _submit(world: World, role: str = "resident", **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": MatterCategory.objects.get(code="facilities.lifts"),
        "description": "The lift in stairwell 1-1 is stuck between floors.",
        "unit": world.unit,
        "contact_name": "Rui Wang",
        "contact_phone": "13800138000",
    }
    options.update(kwargs)
    return appeal_services.submit_appeal(world.user(role), world.harmony, **options)


def _closed(world: World, role: str = "resident", **kwargs: Any) -> Appeal:
    """An appeal handled to the end: signed for, replied, closed by the committee, rated by the requester."""
    appeal = _submit(world, role, **kwargs)
    eli = world.user("enterprise_staff")
    appeal = appeal_services.sign_for(eli, appeal)
    appeal = appeal_services.start(eli, appeal)
    appeal = appeal_services.reply(eli, appeal, text="The lift was repaired and inspected.")
    appeal = appeal_services.close(world.user("committee_staff"), appeal)
    appeal_services.rate(
        world.user(role),
        appeal,
        contacted=True,
        resolved="yes",
        satisfaction="satisfied",
        comment="Thank you, Li.",
    )
    appeal.refresh_from_db()
    assert appeal.closed_at is not None
    return appeal


def _contact(appeal: Appeal) -> tuple[str, str]:
    appeal.refresh_from_db()
    return appeal.contact_name, appeal.contact_phone


# --- time travel: appeals -----------------------------------------------------------------------------------------


def test_a_closed_appeals_contact_is_anonymised_a_year_after_closing_and_an_open_one_is_untouched(
    world: World,
) -> None:
    closed = _closed(world)
    still_open = _submit(world, contact_name="Olga", contact_phone="13900139000")
    events = AppealEvent.objects.count()

    apply_retention(world.harmony, now=closed.closed_at + YEAR - DAY)
    assert _contact(closed) == ("Rui Wang", "13800138000")

    run = apply_retention(world.harmony, now=closed.closed_at + YEAR + DAY)
    assert run.counts["appeals.Appeal"] == {"anonymise": 1}
    assert _contact(closed) == ("", "")
    # The case itself stays for the rates: what was asked, by whom, and every step taken.
    assert closed.description.startswith("The lift")
    assert closed.requester == world.user("resident").person
    assert AppealEvent.objects.count() == events
    assert _contact(still_open) == ("Olga", "13900139000")
    # The rating still counts in the rates; its comment went a year after it was given.
    rating = Rating.objects.get(appeal=closed)
    assert (rating.satisfaction, rating.comment) == ("satisfied", "")
    assert run.counts["appeals.Rating"] == {"anonymise": 1}

    # Anonymised rows are not counted again on the next day's run.
    again = apply_retention(world.harmony, now=closed.closed_at + YEAR + 2 * DAY)
    assert "appeals.Appeal" not in again.counts


def test_a_withdrawn_appeal_has_no_closing_time_and_its_contact_goes_a_year_after_it_was_received(
    world: World,
) -> None:
    withdrawn = appeal_services.withdraw(world.user("resident"), _submit(world))
    withdrawn.refresh_from_db()
    assert withdrawn.closed_at is None
    apply_retention(world.harmony, now=withdrawn.received_at + YEAR - DAY)
    assert _contact(withdrawn) == ("Rui Wang", "13800138000")
    run = apply_retention(world.harmony, now=withdrawn.received_at + YEAR + DAY)
    assert run.counts["appeals.Appeal"] == {"anonymise": 1}
    assert _contact(withdrawn) == ("", "")


def test_photos_and_their_files_are_deleted_two_years_after_closing(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    closed = _closed(world, photos=[_png()])
    still_open = _submit(world, photos=[_png()])
    kept = Attachment.objects.get(appeal=still_open)
    gone = Attachment.objects.get(appeal=closed)
    gone_file = media / gone.file.name
    assert gone_file.exists()

    apply_retention(world.harmony, now=closed.closed_at + YEAR + DAY)
    assert Attachment.objects.filter(pk=gone.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        run = apply_retention(world.harmony, now=closed.closed_at + 2 * YEAR + DAY)
    assert run.counts["appeals.Attachment"] == {"delete": 1}
    assert not Attachment.objects.filter(pk=gone.pk).exists()
    assert not gone_file.exists()
    assert Attachment.objects.filter(pk=kept.pk).exists()
    assert (media / kept.file.name).exists()


def test_followers_of_a_closed_appeal_go_a_year_after_closing(world: World) -> None:
    closed = _closed(world, is_public=True)
    AppealFollower.objects.create(
        community=world.harmony, appeal=closed, user=world.user("owner"), created_at=timezone.now()
    )
    AppealMeToo.objects.create(
        community=world.harmony, appeal=closed, user=world.user("owner"), created_at=timezone.now()
    )
    apply_retention(world.harmony, now=closed.closed_at + YEAR + DAY)
    assert not AppealFollower.objects.filter(appeal=closed).exists()
    # Counted on the public appeal while it is shown.
    assert AppealMeToo.objects.filter(appeal=closed).exists()


def test_notifications_are_deleted_after_a_year_also_those_of_no_community(world: World) -> None:
    rui = world.user("resident")
    ours = Notification.objects.create(
        recipient=rui, community=world.harmony, kind="appeal.replied", summary="x"
    )
    nowhere = Notification.objects.create(recipient=rui, community=None, kind="accounts.code", summary="y")
    theirs = Notification.objects.create(
        recipient=world.user("other_resident"), community=world.riverside, kind="appeal.replied", summary="z"
    )
    later = timezone.now() + YEAR + DAY

    run = apply_retention(world.harmony, now=later)
    assert run.counts["notifications.Notification"] == {"delete": 1}
    assert not Notification.objects.filter(pk=ours.pk).exists()
    assert Notification.objects.filter(pk__in=[nowhere.pk, theirs.pk]).count() == 2

    done = apply_retention_everywhere(now=later)
    assert done[world.riverside.pk] >= 1
    assert done[None] >= 1
    assert not Notification.objects.filter(pk__in=[nowhere.pk, theirs.pk]).exists()


# --- runs, audit and the command ----------------------------------------------------------------------------------


def test_every_run_is_written_and_audited_even_when_nothing_was_due(world: World) -> None:
    before = AuditEntry.objects.filter(action="privacy.retention_run").count()
    run = apply_retention(world.harmony)
    assert (run.community, run.counts, run.total) == (world.harmony, {}, 0)
    entry = AuditEntry.objects.filter(action="privacy.retention_run").latest("pk")
    assert AuditEntry.objects.filter(action="privacy.retention_run").count() == before + 1
    assert (entry.community, entry.actor, entry.object_id) == (world.harmony, None, str(run.pk))

    apply_retention_everywhere()
    assert set(RetentionRun.objects.values_list("community", flat=True)) == {
        world.harmony.pk,
        world.riverside.pk,
        None,
    }


def test_the_commands_dry_run_says_what_it_would_do_and_writes_nothing(world: World) -> None:
    closed = _closed(world)
    audits = AuditEntry.objects.count()
    out = StringIO()
    with time_machine.travel(closed.closed_at + YEAR + DAY, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Harmony" in text
    assert "would be ended" in text
    assert "appeals.Appeal: anonymise 1" in text
    assert _contact(closed) == ("Rui Wang", "13800138000")
    assert RetentionRun.objects.count() == 0
    assert AuditEntry.objects.count() == audits

    with time_machine.travel(closed.closed_at + YEAR + DAY, tick=False):
        call_command("apply_retention", "--community", str(world.harmony.pk), stdout=StringIO())
    assert _contact(closed) == ("", "")
    assert RetentionRun.objects.filter(community=world.harmony).count() == 1


def test_plan_and_sweep_agree(world: World) -> None:
    closed = _closed(world)
    later = closed.closed_at + YEAR + DAY
    expected = plan(world.harmony, later)
    assert expected["appeals.Appeal"] == {"anonymise": 1}
    assert apply_retention(world.harmony, now=later).counts == expected


# --- erasure ------------------------------------------------------------------------------------------------------


def test_erasure_unlinks_the_requester_of_closed_appeals_keeps_open_ones_and_deletes_follows(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    rui = world.user("resident")
    closed = _closed(world, photos=[_png()])
    still_open = _submit(world)
    public = _submit(world, "owner", is_public=True)
    AppealFollower.objects.create(community=world.harmony, appeal=public, user=rui, created_at=timezone.now())
    AppealMeToo.objects.create(community=world.harmony, appeal=public, user=rui, created_at=timezone.now())
    photo = Attachment.objects.get(appeal=closed)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = erase_person_data(person=rui.person, user=rui)

    assert outcome["appeals.Appeal"] == {"anonymise": 1, "keep": 1}
    assert outcome["appeals.Attachment"] == {"delete": 1}
    assert outcome["appeals.AppealFollower"] == {"delete": 1}
    assert outcome["appeals.AppealMeToo"] == {"delete": 1}
    assert outcome["appeals.Rating"] == {"anonymise": 1}
    closed.refresh_from_db()
    assert (closed.requester, closed.requester_user, closed.contact_name, closed.contact_phone) == (
        None,
        None,
        "",
        "",
    )
    assert closed.description.startswith("The lift")
    # The steps the requester took (submitted, rated) no longer name them; the staff's steps still name the staff.
    assert not AppealEvent.objects.filter(appeal=closed, actor=rui).exists()
    assert AppealEvent.objects.filter(appeal=closed, actor=world.user("enterprise_staff")).count() == 3
    assert AppealEvent.objects.filter(appeal=still_open, actor=rui).exists()
    still_open.refresh_from_db()
    assert (still_open.requester_user, still_open.contact_phone) == (rui, "13800138000")
    assert not (media / photo.file.name).exists()
    assert not AppealFollower.objects.filter(user=rui).exists()
    reasons = kept_reasons(outcome)
    assert "your appeal is still being handled: withdraw it, or ask again after it is closed" in reasons
    assert any("handling rates still add up" in reason for reason in reasons)


def test_erasure_of_some_categories_only(world: World) -> None:
    rui = world.user("resident")
    closed = _closed(world)
    outcome = erase_person_data(person=rui.person, user=rui, categories={"appeal_photos", "participation"})
    assert "appeals.Appeal" not in outcome
    assert _contact(closed) == ("Rui Wang", "13800138000")
    assert erase_person_data(person=None, user=None) == {}


def test_a_deletion_of_one_category_blanks_only_its_fields_on_rows_of_another(world: World) -> None:
    original = holding_for("structure.Person")
    assert original is not None
    declare(replace(original, fields_by_category={"contact": ("phone",)}))
    try:
        person = world.user("resident").person
        Person.objects.filter(pk=person.pk).update(phone="13800138000")
        outcome = erase_person_data(person=person, user=None, categories={"contact"})
        assert outcome["structure.Person"] == {"anonymise": 1}
        person.refresh_from_db()
        assert (person.phone, person.full_name) == ("", "Rui")
    finally:
        declare(original)


@pytest.fixture
def estate(world: World) -> Estate:
    return make_estate(world)


def _decided(world: World, estate: Estate, **kwargs: Any) -> Decision:
    kwargs.setdefault("affected", [estate.units["302"]])
    decision = make_decision(world, estate, **kwargs)
    vote_for(decision, [estate.owners["302"]], "yes")
    vote_for(decision, [estate.owners["401"], estate.owners["301"]], "no")
    end_voting(decision)
    decision_services.close_decision(world.user("committee_staff"), decision)
    decision.refresh_from_db()
    return decision


def test_a_ballot_in_a_decided_vote_is_kept_with_its_elector_pseudonymised_and_the_log_verifies(
    world: World, estate: Estate
) -> None:
    decision = _decided(world, estate)
    owner = estate.owners["302"]
    elector = Elector.objects.get(decision=decision, persons__user=owner)
    pseudonym, log = (
        elector.pseudonym,
        list(LogEntry.objects.filter(decision=decision).values_list("hash", flat=True)),
    )
    result = published_result(decision)
    assert verify_decision_log(decision).ok

    outcome = erase_person_data(person=owner.person, user=owner)

    assert outcome["decisions.Elector"] == {"anonymise": 1}
    assert outcome["decisions.Participation"] == {"keep": 1}
    assert outcome["decisions.Ballot"] == {"keep": 1}
    elector.refresh_from_db()
    assert (elector.label, elector.units, elector.pseudonym) == ("", "", pseudonym)
    assert elector.key == f"x:{pseudonym}"
    assert not elector.persons.exists()
    assert Participation.objects.filter(elector=elector).count() == 1
    assert Ballot.objects.filter(participation__elector=elector, choice="yes").count() == 1
    assert verify_decision_log(decision).ok
    assert list(LogEntry.objects.filter(decision=decision).values_list("hash", flat=True)) == log
    assert published_result(decision) == result
    assert any("kept under the law" in reason for reason in kept_reasons(outcome))

    # Nothing of the decision's record expires: the retention job years later leaves it whole.
    counts = (
        Elector.objects.count(),
        Participation.objects.count(),
        Ballot.objects.count(),
        LogEntry.objects.count(),
    )
    apply_retention(world.harmony, now=timezone.now() + 3 * YEAR)
    assert (
        Elector.objects.count(),
        Participation.objects.count(),
        Ballot.objects.count(),
        LogEntry.objects.count(),
    ) == counts
    assert verify_decision_log(Decision.objects.get(pk=decision.pk)).ok


def test_in_a_secret_vote_the_elector_is_pseudonymised_and_no_ballot_is_found_as_theirs(
    world: World, estate: Estate
) -> None:
    decision = _decided(world, estate, rule_name="civil-code-278-ordinary", secret=True, affected=())
    owner = estate.owners["302"]
    outcome = erase_person_data(person=owner.person, user=owner)
    assert outcome["decisions.Elector"] == {"anonymise": 1}
    assert outcome["decisions.Participation"] == {"keep": 1}
    assert "decisions.Ballot" not in outcome  # a secret ballot is not linked to its voter
    assert Ballot.objects.filter(decision=decision).count() == 3
    assert verify_decision_log(decision).ok


def test_a_co_owner_erased_leaves_the_other_on_the_shared_elector(world: World, estate: Estate) -> None:
    decision = _decided(world, estate)
    zhao = estate.zhao
    elector = Elector.objects.get(decision=decision, persons__user=zhao)
    erase_person_data(person=zhao.person, user=zhao)
    assert list(elector.persons.values_list("user", flat=True)) == [estate.owners["301"].pk]
    assert verify_decision_log(decision).ok


def test_while_the_vote_is_open_the_elector_is_kept_with_the_reason_said(
    world: World, estate: Estate
) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["401"]
    vote_for(decision, [owner], "no")
    elector = Elector.objects.get(decision=decision, persons__user=owner)
    label = elector.label

    outcome = erase_person_data(person=owner.person, user=owner)

    assert outcome["decisions.Elector"] == {"keep": 1}
    elector.refresh_from_db()
    assert elector.label == label
    assert elector.persons.filter(user=owner).exists()
    assert "the vote is still open: ask again after it closes" in kept_reasons(outcome)
    assert verify_decision_log(Decision.objects.get(pk=decision.pk)).ok


# --- the committee's report ---------------------------------------------------------------------------------------


def _report(world: World) -> str:
    return reverse("privacy:retention", args=[world.harmony.pk])


READERS = {"committee_staff", "street_official", "platform_staff"}


@pytest.mark.parametrize("role", CAST)
def test_the_retention_report_for_every_role(world: World, client_for: Any, role: str) -> None:
    response = client_for(role).get(_report(world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in READERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert b"Retention of personal data" not in response.content


def test_the_report_says_what_each_run_did_in_words_beside_the_periods(
    world: World, client_for: Any, media: Path
) -> None:
    closed = _closed(world, photos=[_png()])
    apply_retention(world.harmony, now=closed.closed_at + DAY)
    apply_retention(world.harmony, now=closed.closed_at + 2 * YEAR + DAY)
    response = client_for("committee_staff").get(_report(world))
    text = response.content.decode()
    assert "Photos with appeals: photos — 1 deleted" in text
    assert "Your appeals: appeals — 1 anonymised" in text
    assert "Nothing had passed its period." in text
    assert text.index("1 deleted") < text.index("Nothing had passed")  # newest first
    assert "2 years after the appeal is closed" in text
    assert "Kept as a legal record" in text


def test_the_report_reads_in_chinese(world: World, client_for: Any) -> None:
    apply_retention(world.harmony)
    response = client_for("street_official").get(_report(world), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh' in response.content.decode()


def test_the_report_pages_and_bounds_the_page_number(world: World, client_for: Any) -> None:
    for _ in range(31):
        RetentionRun.objects.create(community=world.harmony, counts={})
    client = client_for("committee_staff")
    assert "Page 1 of 2" in client.get(_report(world)).content.decode()
    assert "Page 2 of 2" in client.get(_report(world) + "?page=999").content.decode()
    assert client.get(_report(world) + "?page=abc").status_code == 200
