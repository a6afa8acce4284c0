"""What the apps' REST endpoints share."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def service_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's refusal as a 400: field errors keyed by field, the rest under ``non_field_errors``."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    return serializers.ValidationError(detail)
