"""The API schema documents every answer the server gives: the error answers of :mod:`comity.foundation.api` are added
to each operation where they can happen (a module of its own: DRF imports the pagination class of
:mod:`comity.foundation.api` while its views load, before drf-spectacular can be imported)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField(help_text=gettext_lazy("What is wrong, in the caller's language."))


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "The messages keyed by field, in the caller's language; non_field_errors for what belongs to no single "
        "field. A field of a nested object or list holds its own errors the same way."
    ),
    "properties": {
        api_settings.NON_FIELD_ERRORS_KEY: {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
    "minProperties": 1,
}

#: What each error answer means, for its description in the schema.
ERROR_DESCRIPTIONS = {
    "400": gettext_lazy(
        "What was sent is wrong, or the step is not allowed now: the messages keyed by field."
    ),
    "401": gettext_lazy("Not signed in."),
    "403": gettext_lazy("Not signed in, or the caller may not do this."),
    "404": gettext_lazy("There is no such object, or the caller may not open it."),
    "409": gettext_lazy("The request conflicts with the current state."),
    "415": gettext_lazy("The body is not in one of the documented media types."),
    "429": gettext_lazy("Too many requests; try again later."),
}


def _unauthenticated_status(view: Any) -> str:
    """DRF answers 401 only when the view's first authentication class names a scheme (``WWW-Authenticate``),
    else 403."""
    authenticators: list[Any] = list(view.get_authenticators())
    if authenticators and authenticators[0].authenticate_header(None):
        return "401"
    return "403"


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the error answers each operation can give (see the module docstring)."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses: dict[str, Any] = operation["responses"]
        for code in self._error_codes(operation):
            entry = responses.setdefault(code, {"description": str(ERROR_DESCRIPTIONS.get(code, ""))})
            if not entry.get("description"):
                entry["description"] = str(ERROR_DESCRIPTIONS.get(code, ""))
            if "content" not in entry:
                entry["content"] = {"application/json": {"schema": self._error_schema(code)}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        codes = list(operation["responses"].keys() - {"200", "201", "204"})
        parameters = operation.get("parameters", [])
        if operation.get("requestBody") or any(p.get("in") == "query" for p in parameters):
            codes.append("400")
        if operation.get("requestBody"):
            codes.append("415")
        if any(p.get("in") == "path" for p in parameters):
            codes.append("404")
        permissions = self.view.get_permissions()
        if any(not isinstance(p, AllowAny) for p in permissions):
            codes += ["403", _unauthenticated_status(self.view)]
        if self.view.get_throttles():
            codes.append("429")
        return sorted(set(codes))

    def _error_schema(self, code: str) -> dict[str, Any]:
        if code == "400":
            component = ResolvedComponent(  # type: ignore[no-untyped-call]
                name="ValidationError",
                type=ResolvedComponent.SCHEMA,
                object="comity.foundation.api.ValidationError",
                schema=VALIDATION_ERROR_SCHEMA,
            )
            self.registry.register_on_missing(component)
            ref: dict[str, Any] = component.ref
            return ref
        error: dict[str, Any] = self.resolve_serializer(ErrorSerializer, "response").ref
        return error
