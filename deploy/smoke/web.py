"""Signing in to a running Comity and reading its forms over HTTP (``requests``), for the smoke run's clients."""

from __future__ import annotations

import re

import requests

#: The password of every demo account (docs/demo.md).
PASSWORD = "comity-demo"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(host: str, username: str) -> str:
    """Sign in through the login page and return the session cookie's value."""
    session = requests.Session()
    page = session.get(f"{host}/accounts/login/", timeout=30)
    page.raise_for_status()
    token = CSRF_INPUT.search(page.text)
    if token is None:
        raise RuntimeError("the login page has no CSRF token")
    answer = session.post(
        f"{host}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{host}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    cookie = session.cookies.get("sessionid")
    if answer.status_code != 302 or not cookie:
        raise RuntimeError(f"signing in as {username} failed: HTTP {answer.status_code}")
    return cookie


def signed_in_session(host: str, username: str) -> requests.Session:
    """A ``requests`` session signed in as ``username``."""
    session = requests.Session()
    session.cookies.set("sessionid", sign_in(host, username))
    return session


FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S)
TAG = re.compile(
    r"<(?P<tag>input|select|textarea|button)\b(?P<attrs>[^>]*)>(?P<rest>.*?(?=<(?:input|select|textarea|button)\b|$))?",
    re.S,
)
ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
OPTION = re.compile(r'<option value="([^"]+)"')


def form_data(html: str, marker: str) -> dict[str, str]:
    """The values a browser would send from the first form whose opening tag or hidden inputs contain
    ``marker``: hidden inputs as they are, the first choice of every radio group and select, the first submit
    button's value. The caller fills in the text fields."""
    for form in FORM.finditer(html):
        if marker not in form.group("attrs") and marker not in form.group("body"):
            continue
        data: dict[str, str] = {}
        for field in TAG.finditer(form.group("body")):
            attrs = dict(ATTR.findall(field.group("attrs")))
            name = attrs.get("name")
            if not name:
                continue
            kind = attrs.get("type", "")
            if field.group("tag") == "select":
                options = [value for value in OPTION.findall(field.group("rest") or "") if value]
                if options:
                    data.setdefault(name, options[0])
            elif kind in {"hidden", "radio"} or (field.group("tag") == "button" and "value" in attrs):
                data.setdefault(name, attrs.get("value", ""))
        return data
    raise RuntimeError(f"no form with {marker!r} on the page")
