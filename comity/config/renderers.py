"""The REST API's renderers: JSON, and DRF's browsable pages without their inline ``<style>``.

With Pygments installed DRF writes the colours of its highlighted code into a ``<style>`` element, which the
Content-Security-Policy (comity/config/settings.py) refuses — the browser would report a violation on every
browsable page. The pages stay as they are; the code is shown without colours.
"""

from __future__ import annotations

from typing import Any

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def get_context(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(*args, **kwargs)
        context["code_style"] = None
        return context
