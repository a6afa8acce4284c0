"""The signed-in person's copy of their data through the API: the same as My data's JSON download."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comity.foundation.services import require
from comity.privacy.copy import data_copy


class MyDataCopy(APIView):
    """Everything Comity holds about the caller: one section per kind of record (keyed by model, with its name
    and its category of the processing register in the caller's language), the notice in force and the consents.
    Not paged: one person's data. Never cached."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        require(request.user, "privacy.manage_own_data")
        response = Response(data_copy(request.user))
        response["Cache-Control"] = "private, no-store"
        return response
