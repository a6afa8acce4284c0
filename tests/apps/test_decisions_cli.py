"""``comity decide`` and ``comity costs``: the rules, a tally as text and JSON in both languages, cost plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comity.cli import main

UNITS = """unit,owner,area,unsold,building,stairwell,floor,affected
1-1-101,alice,100,,1,1-1,1,yes
1-1-102,alice,50,,1,1-1,1,
1-1-201,bob,90,,1,1-1,2,
1-1-202,carol,60,,1,1-1,2,
1-1-301,dev,80,yes,1,1-1,3,
1-1-302,dev,70,yes,1,1-1,3,
1-1-401,dan,100,,1,1-1,4,
1-1-402,eve,50,,1,1-1,4,
2-1-101,fay,70,,2,2-1,1,
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    ballots = tmp_path / "ballots.csv"
    ballots.write_text("owner,choice\nalice,yes\nbob,yes\ndev,no\ndan,abstain\n", encoding="utf-8")
    return units, ballots


def test_rules_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decide", "rules"]) == 0
    out = capsys.readouterr().out
    assert "civil-code-278-ordinary" in out
    assert "civil-code-278-major" in out
    assert main(["decide", "rules", "--language", "zh-hans"]) == 0
    assert "民法典" in capsys.readouterr().out


def test_tally_as_json(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    units, ballots = files
    args = ["decide", "tally", "--rule", "civil-code-278-ordinary", "--registry", str(units)]
    assert main([*args, "--ballots", str(ballots), "--json", "--building", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["headcount"] == {
        "eligible": "6",
        "participating": "4",
        "approving": "2",
        "rejecting": "1",
        "abstaining": "1",
    }
    assert data["totals"]["area"]["eligible"] == "600"
    approval = next(t for t in data["thresholds"] if t["stage"] == "approval" and t["basis"] == "headcount")
    assert approval["fraction"] == "1/2"
    assert approval["comparison"] == ">"
    assert approval["passed"] is False
    assert data["passed"] is False
    # The whole estate: fay's building 2 joins the electorate.
    assert main([*args, "--ballots", str(ballots), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["headcount"]["eligible"] == "7"


def test_tally_explained_in_both_languages(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    units, ballots = files
    args = [
        "decide",
        "tally",
        "--rule",
        "civil-code-278-ordinary",
        "--registry",
        str(units),
        "--ballots",
        str(ballots),
    ]
    assert main([*args, "--building", "1"]) == 0
    english = capsys.readouterr().out
    assert "participation by area: 81.7% ≥ 66.7% ✓ (490 of 600)" in english
    assert "approval by owners: 50.0% > 50.0% ✗ (2 of 4)" in english
    assert "needs 1 more voting yes" in english
    assert "Not passed." in english
    assert main([*args, "--building", "1", "--language", "zh-hans"]) == 0
    chinese = capsys.readouterr().out
    assert "按面积" in chinese
    assert "未通过" in chinese


def test_bad_files_name_the_line(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    units, _ballots = files
    bad = tmp_path / "bad.csv"
    bad.write_text("owner,choice\nalice,yes\nalice,no\n", encoding="utf-8")
    args = [
        "decide",
        "tally",
        "--rule",
        "civil-code-278-ordinary",
        "--registry",
        str(units),
        "--ballots",
        str(bad),
    ]
    assert main(args) == 1
    assert "bad.csv, line 3" in capsys.readouterr().err
    bad.write_text("owner,choice\nmallory,yes\n", encoding="utf-8")
    assert main(args) == 1
    assert "not on the register" in capsys.readouterr().err
    assert main(["decide", "tally", "--rule", "nope", "--registry", str(units), "--ballots", str(bad)]) == 2


def test_costs_split(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    units, _ballots = files
    args = ["costs", "split", "--total", "650000", "--registry", str(units), "--stairwell", "1-1"]
    assert (
        main(
            [
                *args,
                "--method",
                "floor-coefficient",
                "--subsidy",
                "25%",
                "--cap",
                "150000",
                "--compensate",
                "1=5000",
                "--json",
            ]
        )
        == 0
    )
    plan = json.loads(capsys.readouterr().out)
    assert plan["subsidy_fen"] == 15_000_000
    assert sum(s["amount_fen"] for s in plan["shares"]) == plan["owners_fen"] == 50_000_000
    assert [s["amount_fen"] for s in plan["shares"] if s["floor"] == 1] == [-500_000, -500_000]
    assert main([*args, "--method", "floor-table", "--table", "3=40,4=50"]) == 1
    assert "100%" in capsys.readouterr().err
    assert main([*args, "--language", "zh-hans"]) == 0
    assert "楼" in capsys.readouterr().out
