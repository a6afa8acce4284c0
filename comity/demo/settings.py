"""Settings for the local demo (``make demo``, ``comity demo``): the site as a user would see it.

The project's settings with ``DEBUG`` off, so a wrong address shows the friendly "page not found" page and an
error the friendly error page — never Django's debug pages with stack traces and every URL pattern. Static
files are served by WhiteNoise (as in production, from the apps' folders, see ``WHITENOISE_USE_FINDERS``);
uploaded files by a media view that only this local demo switches on (``COMITY_SERVE_MEDIA``), as a real server
leaves them to its web server. E-mails are kept in the database and shown to staff on the outbox page instead of
being printed: generating the demo street notifies residents hundreds of times.

The demo runs on 127.0.0.1 with the development secret key; it is not for a server others can reach.
"""

from __future__ import annotations

import os

from comity.config.settings import *  # noqa: F403

DEBUG = False
COMITY_SERVE_MEDIA = True
COMITY_API_BASIC_AUTH = os.environ.get("COMITY_API_BASIC_AUTH", "").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [  # noqa: F405
    "rest_framework.authentication.SessionAuthentication",
    *(["rest_framework.authentication.BasicAuthentication"] if COMITY_API_BASIC_AUTH else []),
]
EMAIL_BACKEND = os.environ.get("COMITY_EMAIL_BACKEND", "comity.demo.mail.OutboxEmailBackend")
# No collectstatic step and plain HTTP on 127.0.0.1 (even with COMITY_DEBUG=false in the environment): static files
# from the apps' folders, no HTTPS redirect, no Secure cookies, no HSTS — each unless its own variable says otherwise.
if "COMITY_STATIC_MANIFEST" not in os.environ:
    COMITY_STATIC_MANIFEST = False
    WHITENOISE_USE_FINDERS = True
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
if "COMITY_HTTPS" not in os.environ:
    COMITY_HTTPS = False
    SECURE_SSL_REDIRECT = env_bool("COMITY_SSL_REDIRECT", False)  # noqa: F405
    SECURE_HSTS_SECONDS = int(os.environ.get("COMITY_HSTS_SECONDS", "0"))
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("COMITY_SECURE_COOKIES", False)  # noqa: F405
