from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from comity.notifications.models import Delivery, Notification, OutboxMessage


class DeliveryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "status", "attempts", "last_error", "sent_at", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: notifications are written by ``notify`` only."""

    list_display = ["created_at", "recipient", "kind", "text", "in_app", "read_at", "community"]
    list_filter = ["kind", "in_app", "community"]
    search_fields = ["summary", "kind", "recipient__username"]
    readonly_fields = ["text", *(f.name for f in Notification._meta.fields)]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "notification", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The development fake SMS channel's outbox: NOT connected to any SMS or messaging provider."""

    list_display = ["created_at", "phone", "text", "channel"]
    search_fields = ["phone", "text"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "title": _(
                "Fake SMS outbox — a development fake, NOT connected to any SMS or messaging provider: "
                "nothing here was sent"
            ),
        }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
