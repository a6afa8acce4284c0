"""``/source.tar.gz``: the running code with its licence, packed once and then served as a file."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest

from comity.web import source


@pytest.fixture
def fresh_archive(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Archives built into a temporary data folder; returns the list of archives packed during the test."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(source, "_built", None)
    packed: list[Path] = []
    real_pack = source._pack

    def counting_pack(members: Any, target: Path) -> None:
        packed.append(target)
        real_pack(members, target)

    monkeypatch.setattr(source, "_pack", counting_pack)
    return packed


def test_the_archive_is_packed_once_and_served_with_its_length(
    db: Any, client: Any, fresh_archive: list[Path]
) -> None:
    first = client.get("/source.tar.gz")
    body = b"".join(first.streaming_content)
    assert first.status_code == 200
    assert int(first["Content-Length"]) == len(body) == fresh_archive[0].stat().st_size
    assert first["Content-Type"] == "application/gzip"
    assert 'filename="comity-' in first["Content-Disposition"]
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        names = archive.getnames()
    assert "comity/LICENSE" in names
    assert "comity/comity/web/source.py" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    second = client.get("/source.tar.gz")
    assert b"".join(second.streaming_content) == body
    assert len(fresh_archive) == 1  # packed once


def test_a_new_process_reuses_the_archive_another_worker_built(
    db: Any, client: Any, fresh_archive: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get("/source.tar.gz")
    monkeypatch.setattr(source, "_built", None)  # as in another worker
    assert client.get("/source.tar.gz").status_code == 200
    assert len(fresh_archive) == 1


def test_a_client_that_has_it_gets_not_modified(db: Any, client: Any, fresh_archive: list[Path]) -> None:
    first = client.get("/source.tar.gz")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/source.tar.gz", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/source.tar.gz", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.head("/source.tar.gz").status_code == 200
    assert client.post("/source.tar.gz").status_code == 405
