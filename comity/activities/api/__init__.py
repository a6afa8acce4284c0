"""The activities app's REST endpoints; ``routes`` is added to ``comity/config/api_urls.py`` under ``/api/``."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
