"""Opinion mapping: Comity against red-dwarf on a real conversation, and a city-sized synthetic one.

1. ``vtaiwan.uberx`` (Pol.is open data, 1,921 participants, 197 statements, ~50,000 votes): red-dwarf's Pol.is
   pipeline (the reference; PCA, k-means over k ∈ [2, 5] by silhouette, representative statements, consensus)
   and ``comity opinions analyze`` (the same mathematics plus Pol.is's base clusters and bridging scores) on
   the same votes, median of repeated runs, with the speed ratio; then the results are compared: components
   and projections up to sign, consensus, and — given the same groups — representative statements and
   group-aware consensus.
2. A synthetic conversation of 100,000 participants × 2,000 statements × 5,000,000 votes, run in a child process:
   the time of each step and the process's peak memory.

    .venv/bin/python benchmarks/bench_opinions.py
    .venv/bin/python benchmarks/bench_opinions.py --skip-synthetic
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "polis" / "opendata" / "vtaiwan.uberx"


def _median_time(function: Any, repeat: int) -> tuple[float, Any]:
    result = function()  # warm up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def real_conversation(repeat: int) -> None:
    import pandas as pd
    from reddwarf.implementations.polis import run_pipeline
    from reddwarf.utils.stats import calculate_comment_statistics_dataframes, select_representative_statements

    from comity.engine.opinions import Conversation, analyze, read_conversation

    warnings.filterwarnings("ignore")
    parsed = read_conversation(DATA)
    conv = parsed.conversation
    print(
        f"vtaiwan.uberx: {conv.n_participants} participants, {conv.n_statements} statements, {conv.n_votes} votes"
    )
    votes = [
        {"participant_id": p, "statement_id": t, "vote": v, "modified": stamp}
        for p, t, v, stamp in parsed.votes
    ]
    moderated = sorted(conv.moderated_out | conv.meta)

    participants = np.array([v["participant_id"] for v in votes])
    statements = np.array([v["statement_id"] for v in votes])
    values = np.array([v["vote"] for v in votes])
    stamps = np.array([v["modified"] for v in votes])

    def comity(with_bridging: bool) -> Any:
        built = Conversation.from_votes(
            participants, statements, values, stamps, moderated_out=conv.moderated_out, meta=conv.meta
        )
        return analyze(built, bridging=with_bridging)

    reference_time, reference = _median_time(
        lambda: run_pipeline(votes=votes, mod_out_statement_ids=moderated, random_state=0), repeat
    )
    polis_time, _same = _median_time(lambda: comity(False), repeat)
    ours_time, analysis = _median_time(lambda: comity(True), repeat)

    def whole_command() -> dict[str, Any]:
        again = read_conversation(DATA)
        return json.loads(json.dumps(analyze(again.conversation).to_polis()))

    command_time, _out = _median_time(whole_command, repeat)
    print("  (each from the same list of votes, matrix building included; median of", repeat, "runs)")
    print(f"  red-dwarf run_pipeline                          {reference_time * 1000:7.1f} ms")
    print(
        f"  Comity, the same Pol.is mathematics              {polis_time * 1000:7.1f} ms  "
        f"{reference_time / polis_time:5.1f}× faster"
    )
    print(
        f"  Comity analyze (+ base clusters, bridging)       {ours_time * 1000:7.1f} ms  "
        f"{reference_time / ours_time:5.1f}× faster"
    )
    print(
        f"  comity opinions analyze --format polis, in process: read files + analyze + JSON "
        f"{command_time * 1000:.1f} ms ({reference_time / command_time:.1f}× red-dwarf's pipeline alone)"
    )

    # --- do the results match? ---------------------------------------------------------------------------
    pca = reference.reducer
    column = {int(s): i for i, s in enumerate(reference.filtered_vote_matrix.columns)}
    order = [column[int(s)] for s in conv.statement_ids]
    worst = 0.0
    for index in range(2):
        theirs = np.asarray(pca.components_[index])[order]
        ours = analysis.pca.comps[index]
        worst = max(worst, min(np.abs(ours - theirs).max(), np.abs(ours + theirs).max()))
    print(f"  components, max difference up to sign:   {worst:.2e}")
    theirs_proj = reference.participants_df.loc[conv.participant_ids, ["x", "y"]].to_numpy()
    proj_diff = max(
        min(
            np.abs(analysis.projections[:, i] - theirs_proj[:, i]).max(),
            np.abs(analysis.projections[:, i] + theirs_proj[:, i]).max(),
        )
        for i in range(2)
    )
    print(f"  projections, max difference up to sign:  {proj_diff:.2e}")
    for direction in ("agree", "disagree"):
        mine = [e.statement for e in analysis.consensus[direction]]
        theirs_c = [int(e["tid"]) for e in reference.consensus[direction]]
        print(f"  consensus ({direction}): {'same' if mine == theirs_c else 'DIFFERENT'} {mine}")

    # Same groups: red-dwarf's statistics over Comity's groups.
    ids = [int(conv.participant_ids[r]) for rows in analysis.group_members for r in rows]
    labels = [g for g, rows in enumerate(analysis.group_members) for _ in rows]
    frame = pd.DataFrame.from_records(votes).pivot_table(
        index="participant_id", columns="statement_id", values="vote", aggfunc="last"
    )
    frame = frame.reindex(columns=sorted(frame.columns))
    grouped, gac = calculate_comment_statistics_dataframes(vote_matrix=frame.loc[ids], cluster_labels=labels)
    rep = select_representative_statements(grouped, mod_out_statement_ids=moderated)
    same_rep = all(
        [int(r["tid"]) for r in rep[g]] == [r.statement for r in analysis.repness[g]]
        for g in range(len(analysis.groups))
    )
    gac_diff = float(
        np.abs(gac["group-aware-consensus"].reindex(conv.statement_ids).to_numpy() - analysis.gac).max()
    )
    print(f"  representative statements, same groups:  {'same' if same_rep else 'DIFFERENT'}")
    print(f"  group-aware consensus, max difference:   {gac_diff:.2e}")
    k_ref = len(set(reference.clusterer.labels_)) if reference.clusterer is not None else 0
    print(
        f"  groups: red-dwarf k = {k_ref}, Comity k = {len(analysis.groups)} (Comity clusters base clusters, as Pol.is)"
    )


def synthetic(participants: int, statements: int, votes_each: int) -> dict[str, float]:
    """Runs in a child process so that its peak memory is its own."""
    from comity.engine.opinions import Conversation, analyze, clusters, pca, votes
    from comity.engine.opinions import bridging as bridging_mod

    rng = np.random.default_rng(2026)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    position = rng.normal(size=(participants, 2))
    position[:, 0] += np.where(rng.random(participants) < 0.4, -1.5, 1.0)
    statement_position = rng.normal(size=(statements, 2))
    support = rng.normal(0.3, 0.6, size=statements)
    p = np.repeat(np.arange(participants), votes_each)
    # Each participant votes on `votes_each` distinct statements: an arithmetic walk with a step coprime to n.
    steps = np.array([s for s in range(1, statements) if np.gcd(s, statements) == 1])
    first = rng.integers(0, statements, participants)
    step = rng.choice(steps, participants)
    s = (first[p] + np.tile(np.arange(votes_each), participants) * step[p]) % statements
    score = support[s] + (position[p] * statement_position[s]).sum(axis=1) + rng.normal(0, 0.5, len(p))
    values = np.where(score > 0.4, 1, np.where(score < -0.4, -1, 0))
    stamps = rng.permutation(len(p))
    timings["generate"] = time.perf_counter() - start
    start = time.perf_counter()
    conv = Conversation.from_votes(p, s, values, stamps, moderated_out=[5, 17])
    timings["build the sparse matrix"] = time.perf_counter() - start
    assert conv.n_votes == participants * votes_each

    def step_time(name: str, function: Any) -> Any:
        begin = time.perf_counter()
        result = function()
        timings[name] = time.perf_counter() - begin
        return result

    admitted = step_time("participants in the conversation", lambda: votes.in_conversation(conv))
    fit = step_time("PCA (2 components)", lambda: pca.fit_pca(conv))
    projected = step_time("projection", lambda: pca.project_participants(conv, fit))
    rows = np.flatnonzero(admitted)
    base = step_time(
        "base clusters (k = 100)",
        lambda: clusters.kmeans(projected[rows], conv.participant_ids[rows], 100, max_iters=100),
    )
    step_time("opinion groups", lambda: clusters.group_clusters(base))
    step_time("bridging", lambda: bridging_mod.bridging_scores(conv, orientation=projected[:, 0]))
    analysis = step_time("whole analysis", lambda: analyze(conv))
    step_time("report + math-pca2 JSON", lambda: (analysis.report(), json.dumps(analysis.to_polis())))
    timings["peak memory (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings["groups"] = len(analysis.groups)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing on vtaiwan (median)")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=2_000)
    parser.add_argument("--votes-each", type=int, default=50)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(synthetic(args.participants, args.statements, args.votes_each)))
        return
    real_conversation(args.repeat)
    if args.skip_synthetic:
        return
    total = args.participants * args.votes_each
    print(
        f"\nsynthetic: {args.participants:,} participants × {args.statements:,} statements × {total:,} votes"
    )
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--participants",
            str(args.participants),
            "--statements",
            str(args.statements),
            "--votes-each",
            str(args.votes_each),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    for name, value in figures.items():
        if name == "peak memory (MB)":
            print(f"  {name:<36} {value:10.0f} MB")
        elif name == "groups":
            print(f"  {'opinion groups found':<36} {int(value):10d}")
        else:
            print(f"  {name:<36} {value:10.2f} s")


if __name__ == "__main__":
    main()
