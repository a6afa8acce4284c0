"""Pages and API answers sent compressed (gzip), files not ([ADR 0014](../../docs/decisions/0014-compressed-pages.md)).

Django's ``GZipMiddleware`` with its BREACH mitigation ("Heal The Breach": up to 100 random bytes in every
compressed answer's gzip header, so its length no longer tells an attacker whether a guess matched), limited to
the answers that gain: HTML, JSON, CSV and plain text built in memory. Streamed answers (the source archive, photos,
receipts, exports) pass untouched: they are files that are compressed already or not worth the CPU, and a
compressed stream loses its Content-Length. Static files never get here: WhiteNoise, above this middleware, serves
them precompressed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

#: The media types compressed; anything else (images, archives, spreadsheets) is sent as it is.
COMPRESSED_TYPES = frozenset(
    {"text/html", "application/json", "text/csv", "text/plain", "application/problem+json"}
)


class CompressPages(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.streaming:
            return response
        media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media_type not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)
