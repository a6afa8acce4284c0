"""Uploaded files served after the permission check, without a worker streaming them (ADR 0015).

Appeal photos and the scans of the community fund's receipts are private: a view checks who asks, then calls
:func:`serve_upload`, which hands the bytes to something other than the Django worker:

- **S3-compatible storage** (``COMITY_S3_BUCKET``, django-storages' ``S3Storage``, shared by every server): a
  redirect to a signed URL of the object that is valid for ``COMITY_MEDIA_URL_SECONDS`` (60 by default), with the
  content type and ``Cache-Control: private`` the object is to be served with. The link cannot be shared for
  longer than that, and the redirect itself is never cached.
- **Local files behind nginx** (``COMITY_MEDIA_ACCEL_REDIRECT`` names an ``internal`` location, e.g.
  ``/protected-media/``, whose ``alias`` is ``MEDIA_ROOT``): an empty answer with ``X-Accel-Redirect``, and nginx
  sends the file (the location is in ADR 0015 and the deployment page).
- Otherwise (the demo, the tests, ``runserver``): the worker streams the file (``FileResponse``).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers
from storages.backends.s3 import S3Storage

#: How the browser may keep a served upload: never shared caches, an hour in the browser's own.
CACHE_CONTROL = "private, max-age=3600"


def signed_urls(storage: Storage) -> bool:
    """Whether ``storage`` serves its files itself, by signed URL (S3 and S3-compatible stores)."""
    return isinstance(getattr(storage, "_wrapped", storage), S3Storage) or isinstance(storage, S3Storage)


def serve_upload(file: FieldFile, *, content_type: str, download_name: str = "") -> HttpResponseBase:
    """The answer that gives ``file`` to a reader the calling view has already checked."""
    disposition = f"attachment; filename*=UTF-8''{quote(download_name)}" if download_name else "inline"
    if signed_urls(file.storage):
        parameters = {
            "ResponseContentType": content_type,
            "ResponseCacheControl": CACHE_CONTROL,
            "ResponseContentDisposition": disposition,
        }
        url = file.storage.url(  # type: ignore[call-arg]
            file.name, parameters=parameters, expire=int(settings.COMITY_MEDIA_URL_SECONDS)
        )
        redirect = HttpResponseRedirect(url)
        add_never_cache_headers(redirect)
        return redirect
    accel = getattr(settings, "COMITY_MEDIA_ACCEL_REDIRECT", "")
    response: HttpResponseBase
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(str(file.name))
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
