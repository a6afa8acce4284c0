"""What the apps' REST endpoints share: one shape for every error, strict pagination, and a schema that says so.

Every error the API answers has one of two bodies, in the caller's language (``Accept-Language``):

* **400** — what was sent is wrong: the messages keyed by field (``{"text": ["This field is required."]}``), with
  ``non_field_errors`` for what belongs to no single field (a step the state does not allow, malformed JSON).
* **401, 403, 404, 405, 409, 415, 429** — ``{"detail": "…"}``: one sentence saying what is wrong.

:class:`comity.foundation.api_schema.AutoSchema` documents these answers on every operation where they can happen, so the schema at
``/api/schema/`` describes everything the server says (``tests/apps/test_api_schema.py`` checks it for every
role with schemathesis).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

#: The largest page a list answers, and the furthest a caller may skip into it.
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000


def service_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's refusal as a 400: field errors keyed by field, the rest under ``non_field_errors``."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    return serializers.ValidationError(detail)


# --- errors -------------------------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every 400 keyed by field (``non_field_errors`` when no field is concerned).

    A service's refusal — Django's ``ValidationError``, raised the same way for pages, the CLI and jobs — is a 400
    here too, so API views call services without catching anything.
    """
    if isinstance(exc, DjangoValidationError):
        exc = service_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 400:
        data = response.data
        if (
            isinstance(data, dict)
            and set(data) == {"detail"}
            and not isinstance(exc, exceptions.ValidationError)
        ):
            data = {api_settings.NON_FIELD_ERRORS_KEY: [data["detail"]]}  # e.g. malformed JSON (ParseError)
        elif not isinstance(data, dict):
            data = {api_settings.NON_FIELD_ERRORS_KEY: data if isinstance(data, list) else [data]}
        response.data = data
    elif not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = {"detail": str(response.data)}
    return response


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under ``/api/``: the API's 404 body rather than the site's HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


# --- pagination ---------------------------------------------------------------------------------------------


class Pagination(pagination.LimitOffsetPagination):
    """``limit`` and ``offset`` as documented, or a 400 saying what is wrong (DRF's own class ignores bad values)."""

    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        return self._number(request, self.limit_query_param, self.default_limit or MAX_LIMIT, 1, MAX_LIMIT)

    def get_offset(self, request: Request) -> int:
        return self._number(request, self.offset_query_param, 0, 0, MAX_OFFSET)

    def _number(self, request: Request, name: str, default: int, low: int, high: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise exceptions.ValidationError(
                {name: [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]}
            )
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: (1, MAX_LIMIT, self.default_limit),
            self.offset_query_param: (0, MAX_OFFSET, 0),
        }
        for parameter in parameters:
            low, high, default = bounds[parameter["name"]]
            parameter["schema"] = {"type": "integer", "minimum": low, "maximum": high, "default": default}
        return parameters
