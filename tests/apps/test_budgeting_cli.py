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


# ----------------------------------------------------------------------------------------------------------------
# --rule official and comity pb compare


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Poland_Gdynia_2023_Leszczynki__small.pb", "greedy-no-skip>=50"),
        ("Netherlands_Assen_2024.pb", "mes-add1"),
    ],
)
def test_the_official_rule_funds_what_the_city_funded(name: str, label: str, capsys: Any) -> None:
    path = PABULIB / name
    assert main(["pb", "allocate", str(path), "--rule", "official", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rule"] == label
    assert set(out["selected"]) == _real_selected(path)
    assert main(["pb", "allocate", str(path), "--rule", "official"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"official rule {label} (META rule ")


def test_no_official_rule_is_an_error(capsys: Any) -> None:
    path = PABULIB / "US_Stanford_Dataset_2022_Jersey_City_Ward_B_vote_knapsacks.pb"
    assert main(["pb", "allocate", str(path), "--rule", "official"]) == 1
    assert "No official rule: the file's META rule is 'unknown'" in capsys.readouterr().err


def test_compare_prints_every_rule_side_by_side(capsys: Any) -> None:
    path = PABULIB / "Netherlands_Assen_2024.pb"
    assert main(["pb", "compare", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "84 voters, 14 projects, budget 100,000"
    assert lines[1] == "Official rule (*): mes-add1 (META rule equalshares/add1)"
    header = lines[3].split()
    assert header == ["rule", "greedy", "mes", "mes-add1*", "mes-add1-greedy", "phragmen"]
    rows = {line[:20].strip(): line[20:].split() for line in lines[4:12]}
    assert rows["funded projects"] == ["7", "7", "9", "10", "10"]
    assert rows["cost"] == ["99,200", "60,700", "76,700", "88,700", "88,700"]
    assert rows["with >=1 funded"][2] == "94.0%"
    assert rows["EJR up to one"] == ["yes"] * 5
    assert set(rows) >= {"total satisfaction", "avg satisfaction", "Gini of satisfaction", "PJR"}
    text = "\n".join(lines)
    assert "mes-add1 vs greedy:" in text
    assert "mes-add1 vs mes-add1-greedy:" in text


def test_compare_by_group(capsys: Any) -> None:
    path = PABULIB / "Poland_Warszawa_2019_Obszar_2-Sady_Zoliborskie-Zatrasie-Rudawka.pb"
    assert main(["pb", "compare", str(path), "--group-by", "sex"]) == 0
    out = capsys.readouterr().out
    assert "By sex (spent on them" in out
    assert "F: 450 voters, fair share of the budget 315,658" in out
    assert "M: 302 voters, fair share of the budget 211,842" in out
    assert out.count("  vs fair share") == 2


def test_compare_names_the_under_represented_group(capsys: Any) -> None:
    path = PABULIB / "Poland_Swiecie_2023.pb"
    assert main(["pb", "compare", str(path)]) == 0
    out = capsys.readouterr().out
    pjr_row = next(line for line in out.splitlines() if line.startswith("PJR"))
    assert pjr_row.split()[1:] == ["VIOLATED", "yes", "yes", "yes", "yes"]  # greedy, then the others
    assert "greedy violates PJR: 87 voters all support c5, cost 34,000" in out


def test_compare_json(capsys: Any) -> None:
    path = PABULIB / "Netherlands_Assen_2024.pb"
    assert main(["pb", "compare", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["official"] == out["baseline"] == "mes-add1"
    assert out["rules"] == ["greedy", "mes", "mes-add1", "mes-add1-greedy", "phragmen"]
    assert set(out["reports"]["mes-add1"]["selected"]) == _real_selected(path)
    assert out["ejr"]["greedy"] == {"satisfied": True, "up_to": "one", "witness": None}
    assert out["pjr"]["greedy"]["up_to"] is None
    assert [d["other"] for d in out["differences"]] == ["greedy", "mes", "mes-add1-greedy", "phragmen"]
    assert 0 <= out["reports"]["greedy"]["gini"] < 1


def test_compare_too_large_to_check(monkeypatch: Any, capsys: Any) -> None:
    import functools

    from comity.cli import budgeting as cli_budgeting
    from comity.engine.budgeting.balance import compare

    monkeypatch.setattr(cli_budgeting, "compare", functools.partial(compare, check_limit=10))
    assert main(["pb", "compare", str(PABULIB / "Netherlands_Assen_2024.pb")]) == 0
    ejr_row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("EJR"))
    assert ejr_row.count("too large to check") == 5


def test_compare_group_by_an_unknown_column(capsys: Any) -> None:
    path = PABULIB / "Poland_Swiecie_2023.pb"
    assert main(["pb", "compare", str(path), "--group-by", "age"]) == 1
    assert "No voter has a 'age' column (VOTES columns: none)" in capsys.readouterr().err
    assert main(["pb", "compare", str(PABULIB / "missing.pb")]) == 1


# --- files with grosze ----------------------------------------------------------------------------------------


def _grosze_file(tmp_path: Path) -> Path:
    from tests.engine.test_budgeting_decimal_money import GROSZE_PB

    path = tmp_path / "grosze.pb"
    path.write_text(GROSZE_PB, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rule", "selected", "cost"),
    [
        ("greedy", {"1021", "1034", "1068", "1079", "1083", "1090"}, 734701.84),
        ("mes", {"1021", "1052", "1068", "1079", "1090"}, 456101.54),
        ("phragmen", {"1021", "1034", "1052", "1068", "1079", "1090"}, 551101.54),
    ],
)
def test_allocate_reads_a_file_with_grosze(
    tmp_path: Path, capsys: Any, rule: str, selected: set[str], cost: float
) -> None:
    path = _grosze_file(tmp_path)
    assert main(["pb", "allocate", str(path), "--rule", rule, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["selected"]) == selected
    assert (out["cost"], out["budget"]) == (cost, 740793.05)


def test_allocate_explains_in_zloty_and_grosze(tmp_path: Path, capsys: Any) -> None:
    path = _grosze_file(tmp_path)
    assert main(["pb", "allocate", str(path), "--rule", "greedy"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "greedy: 6 projects funded, 734701.84 of 740793.05"
    assert (
        "  1047 Przebudowa chodnika na ul. Chłodnej (cost 310250.75): not funded: it did not fit in the 6091.21 left"
        in lines
    )


def test_compare_reads_a_file_with_grosze(tmp_path: Path, capsys: Any) -> None:
    path = _grosze_file(tmp_path)
    assert main(["pb", "compare", str(path), "--group-by", "sex"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "48 voters, 9 projects, budget 740,793.05"
    rows = {line[:20].strip(): line[20:].split() for line in lines[4:12]}
    assert rows["cost"][0] == "734,701.84"
    assert main(["pb", "compare", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["budget"] == 740793.05
    assert out["reports"]["greedy"]["cost"] == 734701.84
