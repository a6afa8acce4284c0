"""What the appeals API shows and accepts.

Personal data is shown by need, and the rule lives here in one place (:class:`Viewer`):

* **Contact name and phone** in full to those who call the resident back or were given the number: the
  requester (their own data), the lead subject's staff (they handle it), the residents' committee (first
  receiver, return visits), the street office (supervisor, return visits by phone) and the staff member who
  recorded the appeal for the resident. Everyone else who may open the appeal — co-handlers, grid workers,
  platform staff and residents who follow it after their duplicate was merged — sees them masked (``陈**``,
  ``138****5678``).
* **Internal notes** (timeline entries of kind ``note``) and the names of the staff behind each step only to
  staff taking part: the lead, co-handlers, the residents' committee and the street office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from comity.appeals.models import (
    STATUS_CHOICES,
    Appeal,
    AppealEvent,
    AppealKind,
    Attachment,
    Dispatch,
    Rating,
    RatingMethod,
    Resolved,
    Satisfaction,
    Urgency,
)
from comity.appeals.permissions import parts_in
from comity.appeals.places import place_label
from comity.engine.appeals import OPEN_STATUSES, Actor, allowed_events
from comity.structure.models import Area, GovernanceSubject, MatterCategory, Person, Unit

#: Parts whose holders call the resident back, so they see the contact in full.
CONTACT_PARTS = frozenset({Actor.REQUESTER, Actor.HANDLER, Actor.FIRST_RECEIVER, Actor.SUPERVISOR})
#: Staff taking part in the appeal: they see internal notes and who did what.
STAFF_PARTS = frozenset({Actor.HANDLER, Actor.CO_HANDLER, Actor.FIRST_RECEIVER, Actor.SUPERVISOR})
#: The events the API accepts, in the order they come in a case; ``actions`` lists them in this order.
API_EVENTS = (
    "sign_for",
    "dispute",
    "reject_dispute",
    "redispatch",
    "start",
    "reply",
    "close",
    "visit",
    "rate",
    "reopen",
    "withdraw",
    "merge",
    "note",
)
OPEN = frozenset(status.value for status in OPEN_STATUSES)


@dataclass(frozen=True)
class Viewer:
    """The parts the caller plays in one appeal, and what that lets them see."""

    parts: frozenset[Actor]
    recorded_it: bool = False

    @property
    def sees_contact(self) -> bool:
        return self.recorded_it or bool(self.parts & CONTACT_PARTS)

    @property
    def takes_part_as_staff(self) -> bool:
        return bool(self.parts & STAFF_PARTS)

    def actions(self, appeal: Appeal) -> list[str]:
        events = {event.value for part in self.parts for event in allowed_events(appeal.status, part)}
        return [name for name in API_EVENTS if name in events]


def viewer_of(user: Any, appeal: Appeal) -> Viewer:
    recorded = bool(getattr(user, "is_authenticated", False) and appeal.recorded_by_id == user.pk)
    return Viewer(frozenset(parts_in(user, appeal)), recorded_it=recorded)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; shorter numbers keep only their last four digits."""
    phone = phone.strip()
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "*" * len(phone)


def mask_name(name: str) -> str:
    """``陈小明`` → ``陈**``: the family name (or first letter) only."""
    name = name.strip()
    return f"{name[:1]}**" if name else ""


def _is_overdue(appeal: Appeal, now: datetime) -> bool:
    return appeal.status in OPEN and appeal.due_at is not None and appeal.due_at < now


class AppealSummarySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One appeal in a list: what it is about, where it stands, and by when it is due."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    lead_subject_name = serializers.CharField(
        source="lead_subject.name", default=None, allow_null=True, read_only=True
    )
    is_overdue = serializers.SerializerMethodField()
    place_name = serializers.SerializerMethodField(
        help_text=_(
            "Where the matter is, in words: the home, the building or common place, or the community."
        )
    )

    class Meta:
        model = Appeal
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "urgency",
            "urgency_label",
            "category",
            "category_name",
            "area",
            "unit",
            "place_name",
            "description",
            "is_public",
            "lead_subject",
            "lead_subject_name",
            "time_limit_hours",
            "clock",
            "received_at",
            "due_at",
            "closed_at",
            "is_overdue",
            "merged_into",
        ]
        read_only_fields = fields

    def get_is_overdue(self, appeal: Appeal) -> bool:
        return _is_overdue(appeal, self.context.get("now") or timezone.now())

    def get_place_name(self, appeal: Appeal) -> str:
        return place_label(appeal)


class TimelineEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    kind = serializers.CharField(
        read_only=True, help_text=_("What happened: received, dispatched, replied, …")
    )
    from_status = serializers.CharField(read_only=True, help_text=_("The appeal's status before the step."))
    to_status = serializers.CharField(read_only=True, help_text=_("The appeal's status after the step."))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    acting_subject_name = serializers.CharField(
        source="acting_subject.name", default=None, allow_null=True, read_only=True
    )
    actor_name = serializers.SerializerMethodField(
        help_text=_("Who made the step; only staff taking part in the appeal see it.")
    )

    class Meta:
        model = AppealEvent
        fields = [
            "seq",
            "kind",
            "kind_label",
            "from_status",
            "to_status",
            "at",
            "note",
            "data",
            "acting_subject",
            "acting_subject_name",
            "actor_name",
        ]
        read_only_fields = fields

    def get_actor_name(self, event: AppealEvent) -> str | None:
        viewer: Viewer | None = self.context.get("viewer")
        if viewer is None or not viewer.takes_part_as_staff or event.actor is None:
            return None
        person = getattr(event.actor, "person", None)
        return person.full_name if person is not None else event.actor.get_username()


class DispatchSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    subject_name = serializers.CharField(source="subject.name", read_only=True)

    class Meta:
        model = Dispatch
        fields = ["subject", "subject_name", "role", "dispatched_at", "due_at", "signed_for_at"]
        read_only_fields = fields


class RatingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Rating
        fields = ["method", "contacted", "resolved", "satisfaction", "comment", "rated_at"]
        read_only_fields = fields


class PhotoSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "width", "height", "url"]
        read_only_fields = fields

    def get_url(self, photo: Attachment) -> str:
        return reverse("appeals:photo", args=[photo.community_id, photo.appeal_id, photo.pk])


class AppealDetailSerializer(AppealSummarySerializer):
    """One appeal with its timeline. Needs ``viewer`` (and the filtered ``timeline``) in the context."""

    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    is_mine = serializers.SerializerMethodField()
    open_dispatches = serializers.SerializerMethodField()
    rating = RatingSerializer(read_only=True, allow_null=True)
    photos = PhotoSerializer(source="attachments", many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text=_("The events the caller may try now (their requirements are checked when posted).")
    )

    class Meta(AppealSummarySerializer.Meta):
        fields = [
            *AppealSummarySerializer.Meta.fields,
            "channel",
            "channel_label",
            "contact_name",
            "contact_phone",
            "is_mine",
            "signed_for_at",
            "replied_at",
            "remind_at",
            "escalated_at",
            "open_dispatches",
            "rating",
            "photos",
            "timeline",
            "actions",
        ]
        read_only_fields = fields

    def _viewer(self) -> Viewer:
        viewer: Viewer = self.context["viewer"]
        return viewer

    def get_contact_name(self, appeal: Appeal) -> str:
        return appeal.contact_name if self._viewer().sees_contact else mask_name(appeal.contact_name)

    def get_contact_phone(self, appeal: Appeal) -> str:
        return appeal.contact_phone if self._viewer().sees_contact else mask_phone(appeal.contact_phone)

    def get_is_mine(self, appeal: Appeal) -> bool:
        return Actor.REQUESTER in self._viewer().parts

    @extend_schema_field(DispatchSerializer(many=True))
    def get_open_dispatches(self, appeal: Appeal) -> Any:
        rows = [d for d in appeal.dispatches.all() if d.ended_at is None]
        return DispatchSerializer(rows, many=True).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, appeal: Appeal) -> Any:
        entries = self.context.get("timeline", [])
        return TimelineEntrySerializer(entries, many=True, context=self.context).data

    def get_actions(self, appeal: Appeal) -> list[str]:
        return self._viewer().actions(appeal)


# --- request bodies -----------------------------------------------------------------------------------------


class AppealListFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.MultipleChoiceField(
        choices=STATUS_CHOICES, required=False, help_text=_("Repeat to ask for several statuses.")
    )
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=MatterCategory.objects.all(),
        required=False,
        help_text=_("A category code; its subcategories are included."),
    )
    overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Only appeals still being handled and past their due date."),
    )


class AppealSubmitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=AppealKind.choices)
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=MatterCategory.objects.all(),
        error_messages={"does_not_exist": _("There is no matter category “{value}”.")},
    )
    description = serializers.CharField(max_length=4000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("This place is not part of the community.")},
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("This unit is not part of the community.")},
    )
    is_public = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_("JPEG, PNG or WebP.")
    )
    for_resident = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Staff recording the appeal of a resident who is not in the register (name and phone)."),
    )
    on_behalf_of = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Staff recording the appeal of a registered resident: the person's id."),
        error_messages={"does_not_exist": _("This person is not registered in the community.")},
    )
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    consent_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=_("How the resident agreed that staff record the appeal for them."),
    )


class EventBodySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The step to take; each step reads its own fields (see the per-event bodies)."""

    event = serializers.ChoiceField(choices=[(name, name) for name in API_EVENTS])


class TextBodySerializer(EventBodySerializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)


class ReasonBodySerializer(EventBodySerializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class RedispatchBodySerializer(ReasonBodySerializer):
    lead_subject = serializers.PrimaryKeyRelatedField(queryset=GovernanceSubject.objects.all())


class VisitBodySerializer(EventBodySerializer):
    contacted = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class RateBodySerializer(EventBodySerializer):
    resolved = serializers.ChoiceField(choices=Resolved.choices)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    contacted = serializers.BooleanField(required=False, default=True)
    method = serializers.ChoiceField(
        choices=RatingMethod.choices, required=False, allow_null=True, default=None
    )


class MergeBodySerializer(EventBodySerializer):
    into = serializers.IntegerField(help_text=_("The id of the appeal of the same community to merge into."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


#: The body each event reads.
EVENT_BODIES: dict[str, type[EventBodySerializer]] = {
    "sign_for": EventBodySerializer,
    "start": EventBodySerializer,
    "close": EventBodySerializer,
    "withdraw": EventBodySerializer,
    "reply": TextBodySerializer,
    "note": TextBodySerializer,
    "dispute": ReasonBodySerializer,
    "reject_dispute": ReasonBodySerializer,
    "reopen": ReasonBodySerializer,
    "redispatch": RedispatchBodySerializer,
    "visit": VisitBodySerializer,
    "rate": RateBodySerializer,
    "merge": MergeBodySerializer,
}


class SuggestionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField(help_text=_("Higher is a better match; only the order matters."))
    matched = serializers.ListField(
        child=serializers.CharField(), help_text=_("The words found in the text.")
    )


class SuggestQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=10, default=3)
