"""The privacy notice: generated from the processing register, both languages, versioned; a change of purpose
publishes a new version that names the changed categories."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from comity.engine.privacy import REGISTER, Basis
from comity.privacy import register
from comity.privacy.models import NoticeVersion
from comity.privacy.selectors.notice import current_notice
from comity.privacy.services.notice import publish_notice
from tests.cast import World
from tests.conftest import CAST

pytestmark = pytest.mark.django_db


def test_migrate_published_the_first_notice_with_every_category_in_both_languages() -> None:
    notice = current_notice()
    assert notice is not None
    assert notice.number == 1
    assert [item["code"] for item in notice.register] == [item.code for item in REGISTER]
    contact = next(item for item in notice.register if item["code"] == "contact")
    assert contact["en"]["name"] == "How to reach you"
    assert contact["zh"]["name"] != contact["en"]["name"]
    assert contact["en"]["consent"] is True
    assert contact["en"]["withdrawal"]


def test_publishing_the_same_register_again_adds_no_version() -> None:
    assert publish_notice(None).number == 1
    assert NoticeVersion.objects.count() == 1


def test_a_changed_purpose_publishes_a_new_version_naming_the_category(monkeypatch: Any) -> None:
    words = register.WORDS["contact"]
    changed = register.Words(words.name, words.holds, (*words.purposes, "Send you the community newsletter."))
    monkeypatch.setitem(register.WORDS, "contact", changed)
    notice = publish_notice(None)
    assert notice.number == 2
    assert notice.changed == ["contact"]
    first = NoticeVersion.objects.get(number=1)
    contact = next(item for item in first.register if item["code"] == "contact")
    assert "Send you the community newsletter." not in contact["en"]["purposes"]


def test_consent_based_categories_say_what_withdrawing_means() -> None:
    for item in REGISTER:
        if item.basis == Basis.CONSENT:
            assert register.WORDS[item.code].withdrawal, item.code


@pytest.mark.parametrize("role", CAST)
def test_everyone_reads_the_notice_and_its_versions(role: str, world: World, client_for: Any) -> None:
    client = client_for(role)
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200
    assert "How to reach you" in page.content.decode()
    assert client.get(reverse("privacy:notice_version", args=[1])).status_code == 200
    assert client.get(reverse("privacy:notice_version", args=[99])).status_code == 404


def test_the_notice_reads_in_chinese(client: Any) -> None:
    with translation.override("zh-hans"):
        page = client.get(reverse("privacy:notice"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    notice = current_notice()
    assert notice is not None
    contact = next(item for item in notice.register if item["code"] == "contact")
    assert contact["zh"]["name"] in text


def test_an_earlier_version_says_so_and_links_the_current(monkeypatch: Any, client: Any) -> None:
    words = register.WORDS["appeals"]
    monkeypatch.setitem(
        register.WORDS, "appeals", register.Words(words.name, words.holds, (*words.purposes, "Train staff."))
    )
    publish_notice(None)
    old = client.get(reverse("privacy:notice_version", args=[1])).content.decode()
    assert "This is an earlier version." in old
    assert "Train staff." not in old
    assert "Train staff." in client.get(reverse("privacy:notice")).content.decode()


def test_a_change_that_is_not_a_purpose_publishes_a_version_without_asking_again(monkeypatch: Any) -> None:
    words = register.WORDS["contact"]
    monkeypatch.setitem(
        register.WORDS,
        "contact",
        register.Words(words.name, "Your mobile number.", words.purposes, words.withdrawal),
    )
    notice = publish_notice(None)
    assert notice.number == 2
    assert notice.changed == []
