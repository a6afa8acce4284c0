"""Simplified Chinese ships complete: every string translated, and the compiled catalogue up to date."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import comity

LOCALE = Path(comity.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _entries() -> list[dict[str, object]]:
    """A small .po reader: enough for Django's catalogues (msgctxt, plurals, fuzzy flags)."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = None
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)  # type: ignore[index]
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    entries = _entries()
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in str(e.get("flags", ""))]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder() -> None:
    broken = []
    for entry in _entries():
        source = str(entry["msgid"]) + str(entry.get("msgid_plural", ""))
        target = str(entry.get("msgstr") or entry.get("msgstr[0]"))
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            broken.append(entry["msgid"])
    assert broken == []


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _entries():
        msgid, expected = str(entry["msgid"]), str(entry.get("msgstr") or entry.get("msgstr[0]"))
        if "msgctxt" in entry:
            got = compiled.pgettext(str(entry["msgctxt"]), msgid)
        elif "msgid_plural" in entry:
            got = compiled.ngettext(msgid, str(entry["msgid_plural"]), 1)
        else:
            got = compiled.gettext(msgid)
        if got != expected:
            stale.append(msgid)
    assert stale == [], "run `make messages` to compile the catalogue"
