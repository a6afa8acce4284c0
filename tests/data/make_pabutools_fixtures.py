"""Compute pabutools' Add1 outcomes on every pabulib file in ``tests/data/pabulib`` and store them as fixtures.

pabutools' Add1 (``exhaustion_by_budget_increase`` with MES and ``Cost_Sat``, one unit per voter per step, until
the next step overspends) reruns the whole Method of Equal Shares per step: seconds on small files, minutes on the
mid-sized ones and about 40 minutes on Warszawa 2026. CI cannot afford that on every run, so this script runs it
once, by hand, and writes ``pabulib/pabutools_add1.json``; ``tests/engine/test_budgeting_rules.py`` compares
Comity's Add1 with these fixtures on every run, and with pabutools live when ``COMITY_SLOW_GOLDEN=1``.

Each file's entry holds the funded projects without completion and with pabutools' greedy completion
(``completion_by_rule_combination([Add1, greedy])``), which is Add1 followed by greedy from Add1's allocation unless
Add1's allocation is already exhaustive — computed here that way so that Add1 runs once per file. The file's SHA-256
is stored too, so a changed data file is noticed instead of compared against a stale outcome.

    python tests/data/make_pabutools_fixtures.py            # every file missing from the fixtures
    python tests/data/make_pabutools_fixtures.py --all      # recompute every file
    python tests/data/make_pabutools_fixtures.py NAME ...   # only these files (stem, without .pb)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
PABULIB = HERE / "pabulib"
FIXTURES = PABULIB / "pabutools_add1.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add1_outcomes(path: Path) -> dict[str, list[str]]:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    instance, profile = parse_pabulib(str(path))
    plain = exhaustion_by_budget_increase(
        instance,
        profile,
        rule=method_of_equal_shares,
        rule_params={"sat_class": Cost_Sat},
        budget_step=profile.num_ballots(),
        exhaustive_stop=False,
    )
    if instance.is_exhaustive(plain):
        completed = plain
    else:
        completed = greedy_utilitarian_welfare(
            instance, profile, sat_class=Cost_Sat, initial_budget_allocation=plain
        )
    return {
        "selected": sorted(p.name for p in plain),
        "selected_with_greedy_completion": sorted(p.name for p in completed),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="file stems to compute (default: those missing)")
    parser.add_argument("--all", action="store_true", help="recompute every file")
    args = parser.parse_args(argv)

    data = json.loads(FIXTURES.read_text()) if FIXTURES.exists() else {}
    files = data.setdefault("files", {})
    paths = sorted(PABULIB.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.names:
        paths = [p for p in paths if p.stem in set(args.names)]
    elif not args.all:
        paths = [p for p in paths if files.get(p.stem, {}).get("sha256") != sha256(p)]
    for path in paths:
        started = time.monotonic()
        outcome = add1_outcomes(path)
        files[path.stem] = {
            "sha256": sha256(path),
            **outcome,
            "seconds": round(time.monotonic() - started, 1),
        }
        data["pabutools_version"] = version("pabutools")
        data["rule"] = (
            "exhaustion_by_budget_increase(method_of_equal_shares, sat_class=Cost_Sat, "
            "budget_step=number of ballots, exhaustive_stop=False); then greedy_utilitarian_welfare(Cost_Sat) "
            "from that allocation unless it is exhaustive"
        )
        data["files"] = dict(sorted(files.items()))
        FIXTURES.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.stem}: {files[path.stem]['seconds']} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
