"""Photos lose where they were taken (issue 13, point 11): a phone writes its GPS position into every JPEG, and a
resident's photo of their flat would publish their address. The orientation is kept, so photos stay upright."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import GPS, IFD

from comity.appeals.models import Attachment
from comity.foundation.photos import ORIENTATION, strip_image_metadata
from comity.structure.models import MatterCategory

from ..cast import World

BEIJING = {
    GPS.GPSLatitudeRef: "N",
    GPS.GPSLatitude: (39.0, 54.0, 27.0),
    GPS.GPSLongitudeRef: "E",
    GPS.GPSLongitude: (116.0, 23.0, 17.0),
}


def _phone_photo(image_format: str = "JPEG", orientation: int = 6) -> bytes:
    """What a phone makes: a photo with its orientation, the camera's name and the GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(IFD.GPSInfo).update(BEIJING)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format=image_format, exif=exif.tobytes())
    return buffer.getvalue()


def _read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_the_fixture_really_carries_a_gps_position() -> None:
    exif = _read(_phone_photo()).getexif()
    assert exif.get_ifd(IFD.GPSInfo)[GPS.GPSLatitudeRef] == "N"


def test_an_appeal_photo_is_stored_without_its_gps_position_but_upright(
    world: World, client_for: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("IMG_0001.jpg", _phone_photo(), content_type="image/jpeg")
    response = client_for("resident").post(
        reverse("appeals:new", args=[world.harmony.pk]),
        {
            "kind": "help_request",
            "category": MatterCategory.objects.get(code="facilities.lifts").pk,
            "description": "Broken door",
            "area": world.building.pk,
            "photos": [upload],
        },
    )
    assert response.status_code == 302
    stored = Attachment.objects.get()
    with stored.file.open("rb") as handle:
        data = handle.read()
    image = _read(data)
    exif = image.getexif()
    assert image.format == "JPEG"
    assert dict(exif) == {ORIENTATION: 6}
    assert exif.get_ifd(IFD.GPSInfo) == {}
    assert b"PhoneMaker" not in data
    assert stored.size == len(data)
    assert (stored.width, stored.height) == (64, 48)


def test_png_and_webp_lose_their_position_too() -> None:
    for image_format, content_type in (("PNG", "image/png"), ("WEBP", "image/webp")):
        upload = SimpleUploadedFile("p", _phone_photo(image_format), content_type=content_type)
        cleaned = strip_image_metadata(upload)
        cleaned.seek(0)
        image = _read(cleaned.read())
        assert image.format == image_format
        assert dict(image.getexif()) == {ORIENTATION: 6}, image_format


def test_a_photo_without_metadata_and_other_files_are_left_as_they_are() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    plain = SimpleUploadedFile("plain.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert strip_image_metadata(plain) is plain
    pdf = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    assert strip_image_metadata(pdf) is pdf


def test_a_receipt_photo_in_the_budget_ledger_loses_its_position(
    world: World, tmp_path: Any, settings: Any
) -> None:
    from comity.budgeting import services as budgeting
    from comity.budgeting.models import EntryKind

    from .budgeting import make_cycle

    settings.MEDIA_ROOT = tmp_path
    scenario = make_cycle(world, stage="closed")
    entry = budgeting.record_entry(
        world.user("committee_staff"),
        scenario.fund,
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount_fen": 1_000,
            "proposal": scenario.projects["A"],
            "receipt_number": "F-7",
            "receipt": SimpleUploadedFile("receipt.jpg", _phone_photo(), content_type="image/jpeg"),
        },
    )
    with entry.receipt.open("rb") as handle:
        exif = _read(handle.read()).getexif()
    assert dict(exif) == {ORIENTATION: 6}
    assert exif.get_ifd(IFD.GPSInfo) == {}
