"""The accounts app's personal information: the login itself and the one-time sign-in codes staff issue."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

declare(
    Holding(
        "accounts.User",
        "account",
        subject=("id",),
        exclude=("password",),
        retention=Retention(None, ending=Ending.KEEP, reason=_("kept while you use your account")),
        # A deletion removes the name and e-mail; the login stays, so that the answer to the request can be read.
        erasure=Retention(None, ending=Ending.ANONYMISE, fields=("first_name", "last_name", "email")),
    ),
    Holding(
        "accounts.SignInCode",
        "account",
        subject=("user",),
        actors=("issued_by",),
        exclude=("code_hash",),
        retention=Retention(30, "expires_at", Ending.DELETE),
    ),
)
