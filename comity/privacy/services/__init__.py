"""Writes of the privacy app: the notice (``notice``), consents (``consent``), requests (``requests``), the access
log's alerts (``access``) and the retention job (``retention``); import each from its module."""

from comity.privacy.services.notice import publish_notice

__all__ = ["publish_notice"]
