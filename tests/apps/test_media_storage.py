"""Uploads on shared S3-compatible storage, handed out without a worker streaming them.

moto's S3 server (``ThreadedMotoServer``, on a port of this test's own) stands for MinIO or a cloud's object
store: the storage is configured from the same environment variables a deployment sets, a photo and a receipt
scan are uploaded through the pages, and the permission-checked views answer with a short-lived signed URL
that really fetches the file. On the local file system the views answer with ``X-Accel-Redirect`` when nginx is
to send the file, and stream it otherwise.
"""

from __future__ import annotations

import io
import runpy
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from comity.appeals import services as appeal_services
from comity.appeals.models import Attachment
from comity.budgeting.models import EntryKind, LedgerEntry, Proposal
from comity.config import settings as settings_module
from comity.foundation.uploads import signed_urls
from comity.structure.models import MatterCategory

from ..cast import World
from ..conftest import CAST
from .budgeting import make_cycle
from .test_budgeting_permissions import VIEWERS as FUND_VIEWERS

pytestmark = pytest.mark.django_db

MOTO_PORT = 7410
KEYS = {"COMITY_S3_ACCESS_KEY_ID": "comity-test", "COMITY_S3_SECRET_ACCESS_KEY": "comity-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=MOTO_PORT, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{MOTO_PORT}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, settings: Any, monkeypatch: Any) -> str:
    """The default storage on a fresh bucket, configured as a deployment would: by environment variables."""
    bucket = f"comity-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["COMITY_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["COMITY_S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    environment = {
        "COMITY_S3_BUCKET": bucket,
        "COMITY_S3_ENDPOINT_URL": s3_endpoint,
        "COMITY_S3_REGION": "us-east-1",
        "COMITY_S3_ADDRESSING_STYLE": "path",
        "COMITY_MEDIA_URL_SECONDS": "45",
        **KEYS,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    configured = runpy.run_path(settings_module.__file__)
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    settings.COMITY_MEDIA_URL_SECONDS = configured["COMITY_MEDIA_URL_SECONDS"]
    assert signed_urls(default_storage)
    return bucket


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("lift.png", buffer.getvalue(), content_type="image/png")


def _photo(world: World) -> Attachment:
    appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
        photos=[_png()],
    )
    return Attachment.objects.get()


def _photo_url(photo: Attachment) -> str:
    return reverse("appeals:photo", args=[photo.community_id, photo.appeal_id, photo.pk])


def _receipt(
    world: World, client_for: Any, content: bytes = b"%PDF-1.4 receipt", name: str = "inv-7.pdf"
) -> Any:
    scenario = make_cycle(world, stage="closed")
    proposal = Proposal.objects.get(pk=scenario.projects["A"].pk)
    response = client_for("committee_staff").post(
        reverse("budgeting:fund", args=[world.harmony.pk, scenario.fund.pk]),
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount": "59.50",
            "occurred_on": "2026-05-01",
            "description": "Swing set",
            "proposal": proposal.pk,
            "receipt_number": "INV-7",
            "receipt": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 302
    return LedgerEntry.objects.get(receipt_number="INV-7")


def _receipt_url(entry: LedgerEntry) -> str:
    return reverse("budgeting:receipt", args=[entry.community_id, entry.fund_id, entry.pk])


def test_a_photo_on_s3_is_a_signed_short_lived_redirect_that_fetches_it(
    world: World, client_for: Any, s3: str
) -> None:
    photo = _photo(world)
    assert photo.file.name.startswith("appeals/")
    response = client_for("committee_staff").get(_photo_url(photo))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
    location = urlsplit(response["Location"])
    assert location.netloc == f"127.0.0.1:{MOTO_PORT}"
    assert location.path == f"/{s3}/media/{photo.file.name}"
    query = parse_qs(location.query)
    assert query["X-Amz-Expires"] == ["45"]
    assert query["response-content-type"] == ["image/png"]
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:
        assert fetched.headers["Content-Type"] == "image/png"
        assert fetched.headers["Cache-Control"] == "private, max-age=3600"
        assert fetched.read().startswith(b"\x89PNG")


def test_an_object_on_s3_cannot_be_fetched_without_the_signature(
    world: World, s3: str, s3_endpoint: str
) -> None:
    photo = _photo(world)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{s3}/media/{photo.file.name}", timeout=10)
    assert refused.value.code == 403


def test_someone_who_may_not_see_the_appeal_gets_no_link(world: World, client_for: Any, s3: str) -> None:
    photo = _photo(world)
    response = client_for("other_resident").get(_photo_url(photo))
    assert response.status_code in (403, 404)
    assert "Location" not in response


def test_a_receipt_on_s3_is_a_signed_redirect(world: World, client_for: Any, s3: str) -> None:
    entry = _receipt(world, client_for)
    response = client_for("owner").get(_receipt_url(entry))
    assert response.status_code == 302
    with urllib.request.urlopen(response["Location"], timeout=10) as fetched:
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.read() == b"%PDF-1.4 receipt"


def test_nginx_sends_local_files_when_the_setting_says_so(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.COMITY_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    photo = _photo(world)
    response = client_for("committee_staff").get(_photo_url(photo))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.file.name}"
    assert response["Content-Type"] == "image/png"
    assert response.content == b""


def test_without_either_the_worker_streams_the_file(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = _receipt(world, client_for)
    response = client_for("committee_staff").get(_receipt_url(entry))
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 receipt"


def test_a_receipt_that_is_not_a_scan_is_downloaded_not_shown(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = _receipt(world, client_for, content=b"<script>alert(1)</script>", name="receipt.html")
    response = client_for("committee_staff").get(_receipt_url(entry))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_fund_page_links_the_receipt_view(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = _receipt(world, client_for)
    page = client_for("committee_staff").get(
        reverse("budgeting:fund", args=[world.harmony.pk, entry.fund_id])
    )
    assert f'href="{_receipt_url(entry)}"' in page.content.decode()


@pytest.mark.parametrize("role", CAST)
def test_receipt_scans_for_every_role(
    role: str, world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    """Whoever may see the fund's ledger may see its receipts; nobody else learns that one exists."""
    settings.MEDIA_ROOT = tmp_path
    entry = _receipt(world, client_for)
    response = client_for(role).get(
        reverse("budgeting:receipt", args=[world.harmony.pk, entry.fund_id, entry.pk])
    )
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in FUND_VIEWERS:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 receipt"
    else:
        assert response.status_code == 403
