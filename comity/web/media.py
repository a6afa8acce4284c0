"""Uploaded files for the local demo only (``COMITY_SERVE_MEDIA``, on in :mod:`comity.demo.settings`).

With ``DEBUG`` off Django serves no uploads; a real server leaves ``MEDIA_ROOT`` to its web server. The demo has
none, so this view serves the files that pages link to by their URL (receipt scans of the community fund).
Appeal photos are never served here: they go through their own permission-checked view.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.views.static import serve

#: Uploads that have their own permission-checked view.
PRIVATE_PREFIXES = ("appeals/",)


def media(request: HttpRequest, path: str) -> FileResponse:
    if not settings.COMITY_SERVE_MEDIA or path.startswith(PRIVATE_PREFIXES):
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
