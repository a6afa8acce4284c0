"""Pol.is import and export in the web app: the three reference conversations and the open data give the same
mathematics as the CLI, a consultation survives a round trip, bad files are refused with nothing written, and
only the staff who run consultations may import or export.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.consultations import services
from comity.consultations.models import Analysis, Consultation, Moderation, Statement, Vote
from comity.consultations.polis.exporting import export_polis_conversation
from comity.consultations.polis.importing import import_polis_conversation
from comity.engine.opinions import analyze, read_conversation
from tests.shared_data import polis_fixtures, shared_data

from ..cast import World
from ..factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory
from .consultations import make_consultation

OPEN_DATA = shared_data() / "polis" / "opendata" / "15-per-hour-seattle"
FIXTURES = {path.name: path for path in polis_fixtures()}
BELOW = FIXTURES["below-100-ptpts"]

#: Per reference conversation: comments, distinct (participant, statement) votes, participants, and the
#: comments moderated in (1), not yet moderated (0) and out (-1) in Pol.is.
EXPECTED = {
    "150ptpt-3gp-no-strict-no-meta": (118, 4785, 160, {1: 115, 0: 3, -1: 0}),
    "25ptpt-3gp-no-strict-with-meta": (57, 1386, 27, {1: 41, 0: 16, -1: 0}),
    "below-100-ptpts": (44, 504, 35, {1: 36, 0: 6, -1: 2}),
}


def files(folder: Path, *names: str) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, (folder / name).read_bytes()) for name in names]


def upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def zipped(name: str, members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def writes() -> tuple[int, int, int, int, int]:
    return (
        Consultation.objects.count(),
        Statement.objects.count(),
        Vote.objects.count(),
        Analysis.objects.count(),
        AuditEntry.objects.count(),
    )


def votes_by_participant(consultation: Consultation) -> set[frozenset[tuple[int, int]]]:
    """Each participant's votes as a set of (statement number, value): equal up to renumbering participants."""
    ballots: dict[Any, set[tuple[int, int]]] = defaultdict(set)
    for user, imported, number, value in Vote.objects.filter(consultation=consultation).values_list(
        "participant_id", "imported_participant", "statement__number", "value"
    ):
        ballots[(user, imported)].add((number, value))
    return {frozenset(ballot) for ballot in ballots.values()}


def statements_of(consultation: Consultation) -> list[tuple[Any, ...]]:
    return list(
        Statement.objects.filter(consultation=consultation)
        .order_by("number")
        .values_list("number", "text", "moderation", "is_meta", "is_seed")
    )


def polis_of(consultation: Consultation) -> dict[str, Any]:
    return dict(Analysis.objects.get(consultation=consultation).polis)


# --- importing the reference conversations ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_reference_conversation_imports_with_the_servers_participants_in_the_map(
    world: World, name: str
) -> None:
    folder = FIXTURES[name]
    staff = world.user("committee_staff")
    consultation = import_polis_conversation(
        staff, world.harmony, files(folder, "votes.json", "comments.json", "conversation.json")
    )

    n_statements, n_votes, n_participants, moderation = EXPECTED[name]
    server = json.loads((folder / "math-pca2.json").read_text())
    meta = json.loads((folder / "conversation.json").read_text())
    comments = json.loads((folder / "comments.json").read_text())
    assert len(comments) == n_statements
    assert consultation.statements.count() == n_statements
    assert consultation.votes.count() == n_votes
    assert consultation.votes.values("imported_participant").distinct().count() == n_participants
    assert not consultation.votes.filter(participant__isnull=False).exists()
    unmoderated = Moderation.PENDING if meta["strict_moderation"] else Moderation.ACCEPTED
    stored = {
        number: (text, mod, is_meta, is_seed)
        for number, text, mod, is_meta, is_seed in statements_of(consultation)
    }
    for comment in comments:
        mod = int(comment.get("mod", comment.get("moderated", 0)))
        expected = {1: Moderation.ACCEPTED, 0: unmoderated, -1: Moderation.REJECTED}[mod]
        flags = (bool(comment.get("is_meta")), bool(comment.get("is_seed")))
        assert stored[comment.get("tid", comment.get("statement_id"))] == (comment["txt"], expected, *flags)
    assert consultation.statements.filter(moderation=Moderation.REJECTED).count() == moderation[-1]
    assert set(
        consultation.statements.filter(moderation=Moderation.REJECTED).values_list(
            "moderation_reason", flat=True
        )
    ) <= {"Moderated out in Pol.is"}
    assert consultation.title == meta["topic"]
    assert consultation.strict_moderation is meta["strict_moderation"]
    assert consultation.imported_from == "Pol.is API files (votes.json, comments.json, conversation.json)"
    assert consultation.published is False
    assert consultation.created_by == staff

    analysis = Analysis.objects.get(consultation=consultation)
    assert analysis.dirty is False
    assert analysis.error == ""
    assert analysis.votes_seen == n_votes
    # Imported participant n is the engine's participant −(n + 1): the same people are in the map as on the server.
    assert sorted(analysis.polis["in-conv"]) == sorted(-(pid + 1) for pid in server["in-conv"])
    assert analysis.polis["n"] == server["n"]
    assert sorted(analysis.polis["tids"]) == sorted(server["tids"])
    entry = AuditEntry.objects.get(action="consultation.import")
    assert entry.actor == staff
    assert entry.changes["votes"] == n_votes


def test_votes_keep_their_pol_is_timestamps_and_the_dates_follow_the_votes(world: World) -> None:
    folder = FIXTURES["below-100-ptpts"]
    consultation = import_polis_conversation(
        world.user("committee_staff"),
        world.harmony,
        files(folder, "votes.json", "comments.json"),
        title="Polis feedback",
    )
    raw = json.loads((folder / "votes.json").read_text())
    stamps = sorted(int(vote["modified"]) for vote in raw)
    stored = sorted(
        int(moment.timestamp() * 1000) for moment in consultation.votes.values_list("created_at", flat=True)
    )
    assert stored[0] == stamps[0]
    assert round(consultation.opens_at.timestamp() * 1000) == stamps[0]
    assert round(consultation.closes_at.timestamp() * 1000) == stamps[-1] + 60_000
    # Without conversation.json there is no strict moderation to respect: unmoderated comments are accepted.
    assert consultation.statements.filter(moderation=Moderation.PENDING).count() == 0
    assert consultation.question == "Polis feedback"


def test_without_a_topic_in_the_files_the_title_must_be_typed(world: World) -> None:
    before = writes()
    with pytest.raises(ValidationError) as refused:
        import_polis_conversation(
            world.user("committee_staff"), world.harmony, files(BELOW, "votes.json", "comments.json")
        )
    assert refused.value.message_dict == {
        "title": ["Give the consultation a title: the files do not name one."]
    }
    assert writes() == before


def test_the_open_data_csv_gives_the_same_map_as_the_cli(world: World) -> None:
    consultation = import_polis_conversation(
        world.user("committee_staff"),
        world.harmony,
        files(OPEN_DATA, "votes.csv", "comments.csv", "summary.csv", "participants-votes.csv"),
    )

    assert consultation.title == "$15/hour"
    assert consultation.question == "$15/hour"
    assert consultation.imported_from == "Pol.is open-data export (votes.csv, comments.csv, summary.csv)"
    assert consultation.statements.count() == 54
    assert consultation.votes.count() == 2872
    assert consultation.votes.values("imported_participant").distinct().count() == 339
    moderation = {m: consultation.statements.filter(moderation=m).count() for m in Moderation.values}
    assert moderation == {Moderation.ACCEPTED: 31, Moderation.PENDING: 0, Moderation.REJECTED: 23}
    cli = analyze(read_conversation(OPEN_DATA).conversation).to_polis()
    polis = polis_of(consultation)
    assert sorted(polis["in-conv"]) == sorted(-(pid + 1) for pid in cli["in-conv"])
    assert sorted(polis["mod-out"]) == sorted(cli["mod-out"])


def test_typed_title_question_and_dates_win_over_the_files(world: World) -> None:
    from datetime import UTC, datetime

    opens, closes = datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC)
    consultation = import_polis_conversation(
        world.user("committee_staff"),
        world.harmony,
        files(FIXTURES["below-100-ptpts"], "votes.json", "comments.json", "conversation.json"),
        title="Polis feedback",
        question="What should Polis change?",
        opens_at=opens,
        closes_at=closes,
        publish=True,
    )
    assert (consultation.title, consultation.question) == ("Polis feedback", "What should Polis change?")
    assert (consultation.opens_at, consultation.closes_at) == (opens, closes)
    assert consultation.published
    assert consultation.status == "closed"
    description = json.loads((FIXTURES["below-100-ptpts"] / "conversation.json").read_text())["description"]
    assert consultation.background == description


# --- the import page ----------------------------------------------------------------------------------------


def test_staff_import_a_zip_on_the_page_and_land_on_the_new_consultation(
    world: World, client_for: Any
) -> None:
    folder = FIXTURES["below-100-ptpts"]
    archive = zipped(
        "polis-export.zip",
        {
            f"below-100/{name}": (folder / name).read_bytes()
            for name in ("votes.json", "comments.json", "conversation.json", "math-pca2.json")
        }
        | {"__MACOSX/._votes.json": b"\x00", "below-100/.DS_Store": b"\x00"},
    )
    client = client_for("committee_staff")
    response = client.post(
        reverse("consultations:import", args=[world.harmony.pk]), {"upload": [archive], "vote_sign": "auto"}
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:detail", args=[world.harmony.pk, consultation.pk])
    assert consultation.imported_from == (
        "Pol.is API files (votes.json, comments.json, conversation.json) from polis-export.zip"
    )
    page = client.get(response["Location"]).content.decode()
    assert "Imported “Improving the Polis Software”: 44 statements and 504 votes of 35 participants." in page
    assert "Imported from Pol.is API files" in page
    assert "35 participants" in page


def test_the_list_links_to_the_import_and_the_consultation_to_the_export_for_staff_only(
    world: World, client_for: Any
) -> None:
    consultation = make_consultation(world)
    import_url = reverse("consultations:import", args=[world.harmony.pk])
    export_url = reverse("consultations:export", args=[world.harmony.pk, consultation.pk])
    list_url = reverse("consultations:list", args=[world.harmony.pk])
    detail_url = reverse("consultations:detail", args=[world.harmony.pk, consultation.pk])
    staff = client_for("committee_staff")
    assert import_url in staff.get(list_url).content.decode()
    assert export_url in staff.get(detail_url).content.decode()
    assert staff.get(import_url).status_code == 200
    resident = client_for("resident")
    assert import_url not in resident.get(list_url).content.decode()
    assert export_url not in resident.get(detail_url).content.decode()


# --- bad files ----------------------------------------------------------------------------------------------

COMMENTS_CSV = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n" + "".join(
    f"1403054214196,,{tid},0,0,0,1,Statement {tid}\n" for tid in range(3)
)


def _bad_uploads() -> dict[str, tuple[list[SimpleUploadedFile], str]]:
    comments = (BELOW / "comments.json").read_text()
    broken = '[\n {"tid": 0, "txt": "a"},\n {"tid": 1 "txt": "b"}\n]'
    return {
        "malformed json": (
            [upload("votes.json", (BELOW / "votes.json").read_bytes()), upload("comments.json", broken)],
            "comments.json is not valid JSON: line 3, column 12 (Expecting ',' delimiter).",
        ),
        "csv with a bad vote": (
            [
                upload(
                    "votes.csv",
                    "timestamp,datetime,comment-id,voter-id,vote\n1403054214196,,0,0,1\n1403054214197,,1,0,2\n",
                ),
                upload("comments.csv", COMMENTS_CSV),
            ],
            "The files are not a Pol.is conversation: votes.csv, line 3: vote 2; expected -1, 0 or 1",
        ),
        "missing comments": (
            [upload("votes.json", (BELOW / "votes.json").read_bytes())],
            "votes.json is there but comments.json is missing: a Pol.is conversation needs both.",
        ),
        "zip with junk": (
            [
                zipped(
                    "conversation.zip",
                    {
                        "votes.json": (BELOW / "votes.json").read_bytes(),
                        "comments.json": comments.encode(),
                        "payload.exe": b"MZ",
                    },
                )
            ],
            "conversation.zip holds payload.exe, which is not a file of a Pol.is conversation.",
        ),
        "not a zip": (
            [upload("conversation.zip", b"this is no archive")],
            "conversation.zip is not a .zip archive",
        ),
        "votes on missing statements": (
            [
                upload(
                    "votes.csv",
                    "timestamp,datetime,comment-id,voter-id,vote\n1,,0,0,1\n2,,7,0,1\n3,,9,1,-1\n",
                ),
                upload("comments.csv", COMMENTS_CSV),
            ],
            "votes.csv has votes on statements that comments.csv does not have: 7, 9.",
        ),
        "an unknown file": (
            [upload("notes.txt", "hello")],
            "notes.txt is not a file of a Pol.is conversation.",
        ),
        "a zip and loose files": (
            [zipped("a.zip", {"votes.json": b"[]"}), upload("comments.json", "[]")],
            "Upload either one .zip archive or the files themselves, not both.",
        ),
        "no files at all": ([], "Choose the files of the conversation to import."),
    }


@pytest.mark.parametrize("case", sorted(_bad_uploads()))
def test_bad_files_are_refused_on_the_page_with_the_file_and_line_and_nothing_is_written(
    world: World, client_for: Any, case: str
) -> None:
    uploads, message = _bad_uploads()[case]
    before = writes()
    response = client_for("committee_staff").post(
        reverse("consultations:import", args=[world.harmony.pk]),
        {"upload": uploads, "vote_sign": "auto", "title": "Should not exist"},
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["upload"])
    assert writes() == before


def test_an_archive_that_unpacks_beyond_the_limit_is_refused(world: World, settings: Any) -> None:
    settings.COMITY_POLIS_IMPORT_MAX_BYTES = 10_000
    bomb = zipped("bomb.zip", {"votes.json": b"[" + b" " * 1_000_000 + b"]", "comments.json": b"[]"})
    assert bomb.size < 10_000
    before = writes()
    with pytest.raises(ValidationError) as refused:
        import_polis_conversation(world.user("committee_staff"), world.harmony, [bomb])
    assert "The upload is too large" in refused.value.message_dict["upload"][0]
    big = upload("votes.json", b"[" + b" " * 20_000 + b"]")
    with pytest.raises(ValidationError, match="too large"):
        import_polis_conversation(
            world.user("committee_staff"), world.harmony, [big, upload("comments.json", "[]")]
        )
    many = zipped("many.zip", {f"dir{n}/README.txt": b"x" for n in range(25)})
    with pytest.raises(ValidationError, match="holds 25 files"):
        import_polis_conversation(world.user("committee_staff"), world.harmony, [many])
    assert writes() == before


def test_a_failure_while_writing_leaves_nothing_behind(world: World) -> None:
    before = writes()
    with (
        mock.patch.object(Vote.objects, "bulk_create", side_effect=IntegrityError("disk full")),
        pytest.raises(IntegrityError),
    ):
        import_polis_conversation(
            world.user("committee_staff"),
            world.harmony,
            files(BELOW, "votes.json", "comments.json"),
            title="Never saved",
        )
    assert writes() == before


# --- export and round trip ----------------------------------------------------------------------------------


def _voters(world: World, count: int) -> list[Any]:
    people = []
    for index in range(count):
        household = HouseholdFactory(
            unit=UnitFactory(building=world.building, number=f"9{index:02d}", floor=2)
        )
        user = UserFactory(username=f"neighbour{index}")
        PersonFactory(user=user, community=world.harmony, household=household, full_name=f"Neighbour {index}")
        people.append(user)
    return people


def _voted_consultation(world: World) -> Consultation:
    """Three seeds, a resident's statement and one taken down, and eight voters with different views."""
    consultation = make_consultation(world)
    voters = [world.user("resident"), world.user("owner"), *_voters(world, 6)]
    services.add_statement(voters[0], consultation, "Benches need shade.")
    removed = services.add_statement(voters[1], consultation, "Rui's dog barks all night.")
    for index, voter in enumerate(voters):
        for statement in consultation.statements.order_by("number"):
            if statement.number == 4 and index > 2:
                continue
            services.cast_vote(voter, statement, (index + statement.number) % 3 - 1)
    services.moderate(world.user("committee_staff"), removed, accept=False, reason="Names a neighbour.")
    return consultation


def _archive(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_both_formats_the_map_and_a_readme_with_pseudonymous_participants(
    world: World, client_for: Any
) -> None:
    consultation = _voted_consultation(world)
    assert Analysis.objects.get(consultation=consultation).dirty  # votes since the last map
    response = client_for("committee_staff").get(
        reverse("consultations:export", args=[world.harmony.pk, consultation.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="consultation-harmony-{consultation.pk}-polis.zip"'
    )
    members = _archive(response.content)
    assert set(members) == {
        "README.txt",
        "conversation.json",
        "votes.json",
        "comments.json",
        "votes.csv",
        "comments.csv",
        "math-pca2.json",
    }
    votes = json.loads(members["votes.json"])
    assert sorted({vote["pid"] for vote in votes}) == list(range(8))
    assert {vote["vote"] for vote in votes} == {-1, 0, 1}
    comments = {c["tid"]: c for c in json.loads(members["comments.json"])}
    assert comments[3]["txt"] == "Benches need shade."
    assert comments[3]["pid"] in range(8)
    assert comments[4]["txt"] == ""
    assert comments[4]["mod"] == -1
    assert comments[0]["pid"] is None
    assert comments[0]["is_seed"] is True
    assert b"Rui" not in response.content  # no name: the text taken down is left out, usernames never go in
    assert "Names a neighbour" not in members["comments.json"].decode()
    math = json.loads(members["math-pca2.json"])
    assert set(math["user-vote-counts"]) <= {str(n) for n in range(8)}
    assert set(math["in-conv"]) <= set(range(8))
    assert all(set(members_) <= set(range(8)) for members_ in math["base-clusters"]["members"])
    assert not Analysis.objects.get(consultation=consultation).dirty  # recomputed before the export
    readme = members["README.txt"].decode()
    assert "1 = agree, -1 = disagree, 0 = pass" in readme
    assert "not account numbers, names or Pol.is ids" in readme
    csv_lines = members["votes.csv"].decode().splitlines()
    assert csv_lines[0] == "timestamp,datetime,comment-id,voter-id,vote"
    assert len(csv_lines) == 1 + len(votes)
    entry = AuditEntry.objects.get(action="consultation.export")
    assert entry.actor == world.user("committee_staff")
    assert (
        entry.text == "Exported the consultation “Our courtyard” in Pol.is formats (8 participants, 35 votes)"
    )


def test_an_exported_consultation_imports_back_with_the_same_statements_and_votes(world: World) -> None:
    original = _voted_consultation(world)
    staff = world.user("committee_staff")
    archive = SimpleUploadedFile("export.zip", export_polis_conversation(staff, original))

    copy = import_polis_conversation(staff, world.harmony, [archive])

    assert (copy.title, copy.question) == (original.title, original.question)
    expected = [
        (number, "" if moderation == Moderation.REJECTED else text, moderation, is_meta, is_seed)
        for number, text, moderation, is_meta, is_seed in statements_of(original)
    ]
    assert statements_of(copy) == expected
    assert votes_by_participant(copy) == votes_by_participant(original)
    assert copy.votes.count() == original.votes.count() == 35
    assert len(polis_of(copy)["in-conv"]) == len(polis_of(original)["in-conv"])


def test_an_imported_conversation_exports_and_imports_back_unchanged(world: World) -> None:
    staff = world.user("committee_staff")
    first = import_polis_conversation(
        staff, world.harmony, files(BELOW, "votes.json", "comments.json", "conversation.json")
    )
    second = import_polis_conversation(
        staff, world.harmony, [SimpleUploadedFile("again.zip", export_polis_conversation(staff, first))]
    )
    rejected_blank = [
        (n, "" if m == Moderation.REJECTED else t, m, meta, seed)
        for n, t, m, meta, seed in statements_of(first)
    ]
    assert statements_of(second) == rejected_blank
    assert second.strict_moderation
    assert second.statements.filter(moderation=Moderation.PENDING).count() == 6
    assert votes_by_participant(second) == votes_by_participant(first)
    assert len(polis_of(second)["in-conv"]) == len(polis_of(first)["in-conv"])


# --- permissions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["resident", "owner", "grid_worker", "ngo_staff", "other_resident"])
def test_only_staff_who_run_consultations_import_or_export(world: World, role: str) -> None:
    consultation = make_consultation(world)
    before = writes()
    with pytest.raises(PermissionDenied):
        import_polis_conversation(
            world.user(role), world.harmony, files(BELOW, "votes.json", "comments.json")
        )
    with pytest.raises(PermissionDenied):
        export_polis_conversation(world.user(role), consultation)
    assert writes() == before


def test_residents_get_403_on_the_import_and_export_pages(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    client = client_for("resident")
    before = writes()
    page = client.post(
        reverse("consultations:import", args=[world.harmony.pk]),
        {"upload": files(BELOW, "votes.json", "comments.json"), "vote_sign": "auto"},
    )
    download = client.get(reverse("consultations:export", args=[world.harmony.pk, consultation.pk]))
    assert (page.status_code, download.status_code) == (403, 403)
    assert writes() == before
