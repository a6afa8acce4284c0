from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructureConfig(AppConfig):
    name = "comity.structure"
    label = "structure"
    verbose_name = _("Governance structure")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the registry's personal
        # information (personal_data.py).
        # A user's roles are cached between requests (scope.py): a write of the rows they come from makes the
        # cached roles stale.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from comity.structure import (
            permissions,  # noqa: F401
            personal_data,  # noqa: F401
            versions,
        )
        from comity.structure.models import (
            GovernanceSubject,
            MatterCategory,
            Membership,
            Ownership,
            Person,
            Responsibility,
        )
        from comity.structure.scope import roles_changed

        for model in (Person, Ownership, Membership):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"comity.roles.{model.__name__}.save")
            post_delete.connect(
                roles_changed, sender=model, dispatch_uid=f"comity.roles.{model.__name__}.delete"
            )

        # What the structure pages' cached parts show changes with these rows, whoever writes them (services, the
        # Django admin): versions.py says which version each bumps.
        receivers: list[tuple[type[Any], Any]] = [
            (GovernanceSubject, versions.subject_saved),
            (Membership, versions.membership_saved),
            (Responsibility, versions.responsibility_saved),
            (MatterCategory, versions.catalogue_changed),
        ]
        for sender, receiver in receivers:
            for signal, event in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    receiver, sender=sender, dispatch_uid=f"comity.versions.{sender.__name__}.{event}"
                )
        m2m_changed.connect(
            versions.co_handlers_changed,
            sender=Responsibility.co_handlers.through,
            dispatch_uid="comity.versions.Responsibility.co_handlers",
        )
