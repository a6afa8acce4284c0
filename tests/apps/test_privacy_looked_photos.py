"""Photos lose where they were taken on every way in (issue 16, point 6). The appeal form and the ledger's receipts
are checked in ``test_appeals_photo_metadata.py``; here the REST API's appeal submission, and the rule that every
stored image passes through ``strip_image_metadata`` (the appeals service and the ledger's service)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import IFD

from comity.appeals.models import Attachment
from comity.foundation.photos import ORIENTATION

from ..cast import World
from .test_appeals_photo_metadata import _phone_photo

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "comity"


def test_an_appeal_photo_sent_through_the_api_is_stored_without_its_gps_position(
    world: World, client_for: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("IMG_0002.jpg", _phone_photo(), content_type="image/jpeg")
    response = client_for("resident").post(
        reverse("api-appeals", args=[world.harmony.pk]),
        {
            "kind": "help_request",
            "category": "facilities.lifts",
            "description": "The lift is stuck.",
            "unit": world.unit.pk,
            "photos": [upload],
        },
    )
    assert response.status_code == 201, response.content
    with Attachment.objects.get().file.open("rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert dict(exif) == {ORIENTATION: 6}
    assert exif.get_ifd(IFD.GPSInfo) == {}
    assert b"PhoneMaker" not in data


def test_every_stored_upload_goes_through_the_stripping() -> None:
    """The model fields that store uploaded files, and the service lines that fill them: a new file field must be
    added here with the line that strips it (a PDF or spreadsheet is left as it is by the same function)."""
    fields = sorted(
        f"{path.relative_to(ROOT)}"
        for path in ROOT.rglob("models*.py")
        if "FileField(" in path.read_text() or "ImageField(" in path.read_text()
    ) + sorted(
        f"{path.relative_to(ROOT)}"
        for path in ROOT.rglob("models/*.py")
        if "FileField(" in path.read_text() or "ImageField(" in path.read_text()
    )
    assert fields == ["ngos/models.py", "appeals/models/handling.py", "budgeting/models/funds.py"]
    assert "check_photos(" in (ROOT / "appeals/services/intake.py").read_text()
    assert "strip_image_metadata(receipt)" in (ROOT / "budgeting/services/funds.py").read_text()
    assert "strip_image_metadata(document)" in (ROOT / "ngos/services/filing.py").read_text()
    assert "strip_image_metadata(upload)" in (ROOT / "foundation/photos.py").read_text()
