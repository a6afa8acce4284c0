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
