"""Who may do what in the ngos app: django-rules predicates registered with ``rules.add_perm``."""

from __future__ import annotations
