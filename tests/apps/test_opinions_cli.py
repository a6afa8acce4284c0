"""``comity opinions analyze``: the summary in both languages, the Pol.is structure, fixed k, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comity.cli import main
from tests.shared_data import shared_data

FIXTURE = shared_data() / "polis" / "reddwarf-fixtures" / "below-100-ptpts"
OPEN_DATA = shared_data() / "polis" / "opendata" / "15-per-hour-seattle"


def test_polis_format_has_the_servers_structure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["opinions", "analyze", str(FIXTURE), "--format", "polis"]) == 0
    ours = json.loads(capsys.readouterr().out)
    server = json.loads((FIXTURE / "math-pca2.json").read_text())
    for key in (
        "in-conv",
        "pca",
        "base-clusters",
        "group-clusters",
        "repness",
        "consensus",
        "group-aware-consensus",
        "comment-priorities",
        "tids",
        "n",
        "n-cmts",
        "mod-out",
    ):
        assert key in ours, key
    assert set(ours["pca"]) == {"center", "comps", "comment-projection", "comment-extremity"}
    assert sorted(ours["in-conv"]) == sorted(server["in-conv"])
    assert [c["tid"] for c in ours["consensus"]["agree"]] == [c["tid"] for c in server["consensus"]["agree"]]


def test_fixed_k_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "math.json"
    assert (
        main(["opinions", "analyze", str(FIXTURE), "--format", "polis", "--k", "3", "-o", str(target)]) == 0
    )
    assert capsys.readouterr().out == ""
    assert len(json.loads(target.read_text())["group-clusters"]) == 3


def test_comity_report_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["opinions", "analyze", str(OPEN_DATA), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_participants"] == 339
    assert report["k"] == len(report["groups"]) >= 2
    assert report["bridging"]
    assert "score" in report["bridging"][0]


def test_summary_in_english_and_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["opinions", "analyze", str(OPEN_DATA)]) == 0
    english = capsys.readouterr().out
    assert "339 participants" in english
    assert "Group A" in english
    assert "Consensus" in english
    assert "Bridging" in english
    assert "Businesses, small or large" in english  # statement texts are shown
    assert main(["opinions", "analyze", str(OPEN_DATA), "--language", "zh-hans"]) == 0
    chinese = capsys.readouterr().out
    assert "339" in chinese
    assert "A 组" in chinese
    assert "共识" in chinese
    assert "Group A" not in chinese


def test_missing_files_and_bad_k(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["opinions", "analyze", str(tmp_path)]) == 1
    assert "votes.json" in capsys.readouterr().err
    assert main(["opinions", "analyze", str(FIXTURE), "--k", "0"]) == 2
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,0,0,7\n")
    (tmp_path / "comments.csv").write_text("comment-id,comment-body\n0,hi\n")
    assert main(["opinions", "analyze", str(tmp_path)]) == 1
    assert "line 2" in capsys.readouterr().err
