"""Who may do what in the activities app: django-rules predicates registered with ``rules.add_perm``."""

from __future__ import annotations
