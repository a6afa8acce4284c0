"""Checking photos before they are stored: real images of an accepted type, not too large, not too many.

The type is what Pillow finds in the file, never the name or the browser's claim, so a renamed PDF is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
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
        checked.append(CheckedPhoto(upload, ACCEPTED[image_format], width, height))
    if errors:
        raise ValidationError({"photos": errors})
    return checked
