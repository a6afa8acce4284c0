"""The transactional outbox: background work written as a row in the transaction of the change that needs it.

A row is written by :func:`comity.jobs.services.enqueue` inside the caller's transaction, so it exists exactly when
the change does (a rolled-back change leaves no row and publishes nothing). After the commit it is handed to
Celery's broker and marked published; a row the broker missed (down, unreachable, or the process died between the
commit and the hand-over) is published by the beat sweep ``comity.jobs.publish_pending`` (``docs/jobs.md``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of background work: a Celery task by name and its JSON arguments, for one community."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("The community whose change queued the work; the row lives on that community's shard."),
    )
    task = models.CharField(_("task"), max_length=200, help_text=_("The Celery task's name."))
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    dedupe_key = models.CharField(
        _("dedupe key"),
        max_length=200,
        blank=True,
        help_text=_("The same work queued again before it was published is one row (empty: never merged)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "dedupe_key"],
                condition=Q(published_at__isnull=True) & ~Q(dedupe_key=""),
                name="jobs_one_unpublished_per_key",
            )
        ]
        indexes = [
            # The sweep and the backlog check read the unpublished rows, oldest first.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(published_at__isnull=True),
                name="jobs_unpublished_idx",
            ),
        ]

    def __str__(self) -> str:
        state = "published" if self.published_at else "unpublished"
        return f"{self.task}{tuple(self.args)} ({state})"
