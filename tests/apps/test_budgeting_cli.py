"""``comity pb allocate``: the projects a rule funds, as JSON and as text, and clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comity.cli import main
from comity.engine.budgeting.pabulib import read_pabulib

from ..shared_data import shared_data

PABULIB = shared_data() / "pabulib"


def _real_selected(path: Path) -> set[str]:
    election = read_pabulib(path.read_text(encoding="utf-8-sig"), path.name)
    return {p.id for p in election.projects if p.meta.get("selected") == "1"}


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
def test_mes_add1_funds_what_the_city_funded(name: str, capsys: Any) -> None:
    path = PABULIB / name
    assert main(["pb", "allocate", str(path), "--rule", "mes-add1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rule"] == "mes-add1"
    assert set(out["selected"]) == _real_selected(path)
    election = read_pabulib(path.read_text(encoding="utf-8-sig"), name)
    assert out["cost"] == sum(election.costs[p] for p in out["selected"]) <= election.budget
    assert set(out["explanations"]) == {p.id for p in election.projects}


def test_the_greedy_completion_spends_what_add1_leaves(capsys: Any) -> None:
    path = PABULIB / "Netherlands_Assen_2024.pb"
    assert main(["pb", "allocate", str(path), "--rule", "mes-add1-greedy", "--json"]) == 0
    completed = json.loads(capsys.readouterr().out)
    assert set(completed["selected"]) > _real_selected(path)  # the city stopped after Add1; greedy adds more


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-add1", "mes-add1-greedy", "phragmen"])
def test_every_rule_explains_every_project_in_text(rule: str, capsys: Any) -> None:
    path = PABULIB / "Netherlands_Assen_2024.pb"
    assert main(["pb", "allocate", str(path), "--rule", rule]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(f"{rule}: ")
    assert len(lines) == 1 + 14  # every project of Assen, funded first
    assert all("funded" in line for line in lines[1:])


def test_a_malformed_file_names_its_line(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;100\nvote_type;approval\nnum_projects;1\nnum_votes;1\n"
        "PROJECTS\nproject_id;cost\n1;abc\nVOTES\nvoter_id;vote\n1;1\n",
        encoding="utf-8",
    )
    assert main(["pb", "allocate", str(bad), "--rule", "greedy"]) == 1
    err = capsys.readouterr().err
    assert "bad.pb, line 9" in err
    assert main(["pb", "allocate", str(tmp_path / "missing.pb"), "--rule", "greedy"]) == 1
