"""The audit log: every write made through a service records who, what, when and where."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comity.audit import labels


class AuditEntry(models.Model):
    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("community"),
    )
    street = models.ForeignKey(
        "structure.Street",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("street"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(
        _("what"), max_length=255, help_text=_("An English message template, translated when it is shown.")
    )
    summary_params = models.JSONField(_("message values"), default=dict, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.text}"

    @property
    def text(self) -> str:
        """The summary in the reader's language: the template is translated when shown, not when written, and so
        are stored words among its values (a status, a verdict)."""
        try:
            if not self.summary_params:
                return gettext(self.summary)
            return gettext(self.summary) % labels.translate_params(self.object_type, self.summary_params)
        except (KeyError, TypeError, ValueError):
            return self.summary

    @property
    def action_label(self) -> str:
        return labels.action_label(self.action)

    @property
    def changes_described(self) -> list[tuple[str, str]]:
        return labels.describe_changes(self.object_type, self.changes or {})

    @property
    def actor_name(self) -> str:
        """Who did it, by the name the registry knows them by (their login name only when it has none)."""
        if self.actor is None:
            return ""
        try:
            person = self.actor.person
        except ObjectDoesNotExist:
            person = None
        return person.full_name if person is not None and person.full_name else self.actor.get_username()
