"""Plain words on people's pages: formulas and references to the paper live on the "How we measure" page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.cast import World

JARGON = ("Σ", "paper's", "Herfindahl", "HHI", "论文", "responsibility matrix")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_structure_map_and_street_overview_speak_plainly_and_link_the_definitions(
    world: World, client_for: Any, language: str
) -> None:
    headers = {"accept-language": language}
    pages = [
        ("resident", reverse("structure:map", args=[world.harmony.pk])),
        ("street_official", reverse("structure:street", args=[world.street.pk])),
    ]
    for role, url in pages:
        body = client_for(role).get(url, headers=headers).content.decode()
        assert f'lang="{language}"' in body
        for word in JARGON:
            assert word not in body, (url, word)
        assert reverse("web:measures") in body, url


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_how_we_measure_defines_each_figure_for_everyone(db: Any, client: Any, language: str) -> None:
    response = client.get(reverse("web:measures"), headers={"accept-language": language})
    assert response.status_code == 200
    body = response.content.decode()
    for anchor in ("diversity", "residents-per-worker", "coverage", "load", "claims"):
        assert f'id="{anchor}"' in body
    assert "<code>1 − Σ (share)²</code>" in body
    assert "350" in body
    if language == "zh-hans":
        assert "指标说明" in body
        assert "How we measure" not in body
