"""The volunteers app's REST endpoints; ``routes`` is added to ``comity/config/api_urls.py`` under ``/api/``.

The signed-in volunteer's summary (hours, stars, balance, pending claims) and their time-bank entries, as My
volunteering shows them."""

from __future__ import annotations

from django.urls import URLPattern, path

from comity.volunteers.api.mine import MyLedger, MyVolunteering

routes: list[URLPattern] = [
    path("v1/me/volunteering/", MyVolunteering.as_view(), name="api-volunteering"),
    path("v1/me/volunteering/ledger/", MyLedger.as_view(), name="api-volunteering-ledger"),
]
