"""Checking photos before they are stored: real images of an accepted type, not too large, not too many.

The type is what Pillow finds in the file, never the name or the browser's claim, so a renamed PDF is refused.
Every accepted photo loses its metadata (:func:`strip_image_metadata`): a phone writes where it was taken into the
file, and a resident's photo of their own flat would otherwise publish their address.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_PHOTOS = 4
MAX_BYTES = 8 * 1024 * 1024
#: Pillow's format name → the content type we store and serve.
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
#: Decompression bombs: more pixels than a 50-megapixel camera makes are refused.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    content_type: str
    width: int
    height: int


def check_photos(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    """Every photo checked, or a ``ValidationError`` on the ``photos`` field naming the file at fault."""
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Attach at most %(count)d photos.") % {"count": MAX_PHOTOS}]})
    checked: list[CheckedPhoto] = []
    errors: list[str] = []
    for upload in uploads:
        name = upload.name or "?"
        if upload.size is not None and upload.size > MAX_BYTES:
            errors.append(
                _("“%(name)s” is larger than %(size)d MB.")
                % {"name": name, "size": MAX_BYTES // 1024 // 1024}
            )
            continue
        try:
            upload.seek(0)
            with Image.open(upload) as image:
                image_format = image.format or ""
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise UnidentifiedImageError
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            errors.append(_("“%(name)s” is not a photo (JPEG, PNG or WebP).") % {"name": name})
            continue
        if image_format not in ACCEPTED:
            errors.append(_("“%(name)s” is not a photo (JPEG, PNG or WebP).") % {"name": name})
            continue
        upload.seek(0)
        checked.append(CheckedPhoto(strip_image_metadata(upload), ACCEPTED[image_format], width, height))
    if errors:
        raise ValidationError({"photos": errors})
    return checked


#: EXIF tag of the orientation, the one piece of metadata kept (without it a portrait photo shows on its side).
ORIENTATION = 0x0112
#: Formats whose metadata is stripped; other files (a PDF receipt) are returned untouched.
_STRIPPED = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "MPO": "JPEG"}


def strip_image_metadata(upload: UploadedFile) -> UploadedFile:
    """The same image without its metadata — GPS position, camera, time, XMP and comments — keeping only the
    EXIF orientation tag; any other file (not an image Pillow reads, or not JPEG, PNG or WebP) comes back as is.

    An image without metadata beyond its orientation is not re-encoded. One with metadata is saved again with its
    pixels untouched; a JPEG keeps its quantisation tables (``quality="keep"``), so it loses no visible quality.
    Shared by every image upload of the product (appeal photos here, receipt scans in budgeting).
    """
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format or ""
            if image_format not in _STRIPPED:
                return upload
            exif = image.getexif()
            orientation = exif.get(ORIENTATION)
            extra = {
                key
                for key in image.info
                if key in {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"}
            }
            if set(exif) <= {ORIENTATION} and not (extra - {"exif", "icc_profile"}):
                return upload
            image.load()
            kept = Image.Exif()
            if orientation is not None:
                kept[ORIENTATION] = orientation
            options: dict[str, object] = {"exif": kept.tobytes()}
            if image.info.get("icc_profile"):
                options["icc_profile"] = image.info["icc_profile"]  # colours, not metadata about the person
            target = _STRIPPED[image_format]
            if target == "JPEG":
                options["quality"] = "keep" if image_format == "JPEG" else 95
            elif target == "WEBP":
                options["lossless"] = bool(image.info.get("lossless"))
                options["quality"] = 95
            buffer = io.BytesIO()
            image.save(buffer, format=target, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        upload.seek(0)
        return upload
    content_type = getattr(upload, "content_type", None) or f"image/{target.lower()}"
    return SimpleUploadedFile(upload.name or "photo", buffer.getvalue(), content_type=content_type)
