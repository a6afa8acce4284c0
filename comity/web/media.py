"""Uploaded files for the local demo only (``COMITY_SERVE_MEDIA``, on in :mod:`comity.demo.settings`).

With ``DEBUG`` off Django serves no uploads; a real server leaves ``MEDIA_ROOT`` to its web server. The demo has
none, so this view serves files that pages link to by their storage URL. Appeal photos and receipt scans are never
served here: they go through their own permission-checked views, which hand the file to the storage (a signed URL)
or the web server (``X-Accel-Redirect``) rather than stream it (``comity.foundation.uploads``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.views.static import serve

#: Uploads that have their own permission-checked view.
PRIVATE_PREFIXES = ("appeals/", "budgeting/")


def media(request: HttpRequest, path: str) -> FileResponse:
    if not settings.COMITY_SERVE_MEDIA or path.startswith(PRIVATE_PREFIXES):
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
