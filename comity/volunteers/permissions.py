"""Who may do what in the volunteers app: django-rules predicates registered with ``rules.add_perm``."""

from __future__ import annotations
