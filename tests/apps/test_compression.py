"""Pages are sent gzipped to browsers that accept it, with Django's BREACH padding; files are not (ADR 0014)."""

from __future__ import annotations

import gzip
from typing import Any

from django.urls import reverse

from ..cast import World


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    url = reverse("structure:overview", args=[world.harmony.pk])
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2
    assert b"Harmony" in gzip.decompress(zipped.content)


def test_the_same_page_differs_in_length_from_one_answer_to_the_next(world: World, client_for: Any) -> None:
    """Heal The Breach: the random padding makes the compressed length useless for guessing secrets."""
    client = client_for("resident")
    url = reverse("web:me")
    lengths = {len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(8)}
    assert len(lengths) > 1


def test_files_are_sent_as_they_are(db: Any, client: Any) -> None:
    archive = client.get("/source.tar.gz", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in archive
    assert "Content-Length" in archive
