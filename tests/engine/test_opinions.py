"""Opinion mapping: the vote matrix, PCA against scikit-learn, clustering, statistics, bridging, formats."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.metrics import silhouette_score

from comity.engine.opinions import (
    AnalysisState,
    Conversation,
    PolisFormatError,
    VoteError,
    analyze,
    choose_next_statement,
    in_conversation,
)
from comity.engine.opinions import clusters as cl
from comity.engine.opinions import pca as pca_mod
from comity.engine.opinions import repness as rep
from comity.engine.opinions.bridging import bridging_scores, disagreements, rank_fraction
from comity.engine.opinions.polis_format import parse_api, parse_csv, write_api, write_csv


def two_camps(n_per_camp: int = 30, seed: int = 1, bridge: bool = True) -> Conversation:
    """Upper floors against lower floors on an elevator retrofit; statement 9 bridges them."""
    rng = np.random.default_rng(seed)
    votes = []
    for participant in range(2 * n_per_camp):
        camp = participant % 2
        for statement in range(10):
            if statement < 4:  # camp 0 agrees, camp 1 disagrees
                value = 1 if camp == 0 else -1
            elif statement < 8:  # the reverse
                value = -1 if camp == 0 else 1
            elif statement == 8:
                value = int(rng.choice([1, -1, 0]))
            else:
                value = 1 if bridge else (1 if camp == 0 else -1)
            if rng.random() < 0.1:
                value = -value
            votes.append((participant, statement, value, participant * 100 + statement))
    return Conversation.from_records(votes)


# --- the vote matrix -------------------------------------------------------------------------------------


def test_latest_vote_counts_and_first_time_is_kept() -> None:
    conv = Conversation.from_votes([1, 1, 2], [5, 5, 5], [1, -1, 0], [10, 20, 15])
    assert conv.n_votes == 2
    assert conv.values.tolist() == [-1, 0]
    assert conv.first_at.tolist() == [10, 15]


@pytest.mark.parametrize(
    ("participants", "statements", "values", "message"),
    [
        ([1, 2], [1], [1, 1], "same length"),
        ([1], [1], [2], r"\+1 \(agree\)"),
        ([1.5], [1], [1], "whole numbers"),
    ],
)
def test_bad_votes_are_refused(participants: list, statements: list, values: list, message: str) -> None:
    with pytest.raises(VoteError, match=message):
        Conversation.from_votes(participants, statements, values)


def test_empty_conversation_analyses_to_nothing() -> None:
    analysis = analyze(Conversation.from_records([]))
    report = analysis.report()
    assert report["n_votes"] == 0
    assert report["groups"] == []
    assert report["participants"] == []


def test_in_conversation_needs_seven_votes_once_fifteen_are_in() -> None:
    votes = []
    for p in range(20):  # 20 participants vote on 10 statements each, one after another
        votes += [(p, s, 1, p * 100 + s) for s in range(10)]
    votes += [(99, s, 1, 5000 + s) for s in range(3)]  # a latecomer with 3 votes
    conv = Conversation.from_records(votes)
    admitted = dict(zip(conv.participant_ids.tolist(), in_conversation(conv).tolist(), strict=True))
    assert all(admitted[p] for p in range(20))
    assert admitted[99] is False


def test_greedy_top_up_admits_early_light_voters() -> None:
    votes = [(p, 0, 1, p) for p in range(5)]  # five people vote once, before anyone else
    for p in range(5, 30):
        votes += [(p, s, 1, 1000 + p * 100 + s) for s in range(8)]
    conv = Conversation.from_records(votes)
    admitted = in_conversation(conv)
    assert admitted.all()  # the first five came in while fewer than 15 were in, and stay


def test_small_conversations_admit_after_voting_on_everything() -> None:
    votes = [(p, s, 1, p * 10 + s) for p in range(20) for s in range(3)]
    conv = Conversation.from_records(votes)
    assert in_conversation(conv).all()


# --- PCA and projection ----------------------------------------------------------------------------------


def dense_with_nans(conv: Conversation) -> np.ndarray:
    matrix = np.full((conv.n_participants, conv.n_statements), np.nan)
    matrix[conv.rows, conv.cols] = conv.values
    return matrix


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_components_match_scikit_learn_pca_after_mean_imputation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_p, n_s = int(rng.integers(4, 40)), int(rng.integers(3, 25))
    mask = rng.random((n_p, n_s)) < 0.6
    mask[:, 0] = True
    rows, cols = np.nonzero(mask)
    conv = Conversation.from_votes(rows, cols, rng.integers(-1, 2, len(rows)))
    ours = pca_mod.fit_pca(conv)
    imputed = SimpleImputer(strategy="mean", keep_empty_features=True).fit_transform(dense_with_nans(conv))
    reference = PCA(n_components=2, svd_solver="full").fit(imputed)
    assert np.allclose(ours.center, reference.mean_, atol=1e-12)
    values = np.sort(np.linalg.eigvalsh(np.cov(imputed, rowvar=False, bias=True)))[::-1]
    for index in range(2):
        gap_ok = values[index] - values[index + 1] > 1e-6 and (
            index == 0 or values[index - 1] - values[index] > 1e-6
        )
        if gap_ok and values[index] > 1e-9:
            dot = abs(float(ours.comps[index] @ reference.components_[index]))
            assert dot == pytest.approx(1.0, abs=1e-6)


def test_sparsity_aware_projection_scales_light_voters_out() -> None:
    conv = Conversation.from_records(
        [(0, 0, 1), (0, 1, 1), (0, 2, -1), (0, 3, -1), (1, 0, -1), (2, 0, 1), (2, 1, -1)]
    )
    fit = pca_mod.fit_pca(conv)
    proj = pca_mod.project_participants(conv, fit)
    matrix = pca_mod.centred_matrix(conv, fit.center).toarray()
    n_votes = np.array([4, 1, 2])
    expected = (matrix @ fit.comps.T) * np.sqrt(4 / n_votes)[:, None]
    assert np.allclose(proj, expected)


def test_excluded_statements_count_as_voted_but_add_nothing() -> None:
    votes = [(p, s, 1 if (p + s) % 3 else -1) for p in range(6) for s in range(4)]
    plain = Conversation.from_records(votes)
    moderated = Conversation.from_records(votes, moderated_out=[3])
    fit = pca_mod.fit_pca(moderated)
    assert np.all(fit.comps[:, 3] == 0)
    assert fit.center[3] == 0
    assert not np.allclose(pca_mod.fit_pca(plain).comps[:, 3], 0)


def test_components_keep_the_previous_orientation() -> None:
    conv = two_camps()
    first = pca_mod.fit_pca(conv)
    flipped = pca_mod.fit_pca(conv, previous=-first.comps)
    assert np.allclose(flipped.comps, -first.comps)


# --- clustering ------------------------------------------------------------------------------------------


def test_kmeans_starts_from_the_first_distinct_points_and_drops_empty_clusters() -> None:
    points = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [10.0, 1.0], [0.0, 1.0]])
    ids = np.arange(5)
    clusters = cl.kmeans(points, ids, 3, max_iters=10)
    members = sorted(sorted(c.members) for c in clusters)
    assert members == [[0, 1, 4], [2, 3]] or len(clusters) == 3
    assert all(c.members for c in clusters)
    assert sum(len(c.members) for c in clusters) == 5


@given(seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_nearest_centre_agrees_with_plain_distances_including_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centers = rng.integers(-3, 4, size=(int(rng.integers(1, 12)), 2)).astype(float)
    centers = np.vstack([centers, centers[:1]])  # a duplicate centre: the first one must win
    points = np.vstack([rng.integers(-4, 5, size=(30, 2)).astype(float), rng.normal(size=(30, 2))])
    assert np.array_equal(cl._nearest(points, centers), cl._nearest_exact(points, centers))


def test_weighted_kmeans_moves_centres_to_weighted_means() -> None:
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    clusters = cl.kmeans(points, np.arange(3), 2, max_iters=5, weights=np.array([3.0, 1.0, 1.0]))
    near = next(c for c in clusters if 0 in c.members)
    assert near.center == pytest.approx((0.25, 0.0))


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_silhouette_matches_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 30))
    points = rng.normal(size=(n, 2))
    labels = rng.integers(0, 3, n)
    labels[:2] = [0, 1]
    groups = [
        cl.Cluster(g, tuple(int(i) for i in np.flatnonzero(labels == g)), (0.0, 0.0))
        for g in np.unique(labels)
    ]
    centers = {i: (float(points[i, 0]), float(points[i, 1])) for i in range(n)}
    ours = cl.silhouette(centers, groups)
    reference = silhouette_score(points, labels) if len(np.unique(labels)) > 1 else 0.0
    assert ours == pytest.approx(reference, abs=1e-12)


def test_k_smoother_waits_for_four_wins_in_a_row() -> None:
    smoother = cl.KSmoother().update(3)
    assert smoother.smoothed_k == 3
    for expected in (3, 3, 3, 2):
        smoother = smoother.update(2)
        assert smoother.smoothed_k == expected
    assert smoother.update(3).smoothed_k == 2


def test_group_k_range_follows_the_number_of_base_clusters() -> None:
    assert list(cl.group_k_range(11)) == [2]
    assert list(cl.group_k_range(12)) == [2, 3]
    assert list(cl.group_k_range(100)) == [2, 3, 4, 5]


def test_two_camps_make_two_groups_and_the_bridge_is_consensus() -> None:
    analysis = analyze(two_camps())
    assert len(analysis.groups) == 2
    camps = [
        {int(analysis.conversation.participant_ids[r]) % 2 for r in rows} for rows in analysis.group_members
    ]
    assert sorted(map(sorted, camps)) == [[0], [1]]
    gac = dict(zip(analysis.conversation.statement_ids.tolist(), analysis.gac.tolist(), strict=True))
    assert max(gac, key=gac.get) == 9
    assert 9 in [c.statement for c in analysis.consensus["agree"]]
    report = analysis.report()
    assert report["bridging"][0]["statement"] == 9
    assert report["divisive"][0]["statement"] in range(8)


def test_tidy_camps_are_not_split_by_a_poor_start() -> None:
    """Pol.is's first-distinct-points start can split tidy data along a minor axis; Comity's cold start does not."""
    votes = []
    for voter in range(24):
        floor = 1 + voter % 6
        upper = floor >= 4
        for statement in range(8):
            if statement in (0, 6, 7):
                value = 1 if upper else -1
            elif statement in (1, 5):
                value = -1 if upper else 1
            elif statement in (3, 4):
                value = 1
            else:
                value = floor % 3 - 1
            votes.append((voter, statement, value))
    analysis = analyze(Conversation.from_records(votes))
    assert analysis.grouping.silhouettes[2] > 0.5
    camps = [
        {(1 + int(p) % 6) >= 4 for p in analysis.conversation.participant_ids[rows]}
        for rows in analysis.group_members
    ]
    assert sorted(map(sorted, camps)) == [[False], [True]]


def test_warm_start_keeps_groups_stable() -> None:
    conv = two_camps()
    first = analyze(conv)
    state = AnalysisState.from_dict(json.loads(json.dumps(first.state.to_dict())))
    again = analyze(conv, previous=state)
    assert [sorted(g.members) for g in again.groups] == [sorted(g.members) for g in first.groups]
    assert np.allclose(again.pca.comps, first.pca.comps)


def test_forced_k() -> None:
    analysis = analyze(two_camps(), k=3)
    assert len(analysis.groups) == 3
    assert analysis.report()["k_forced"] is True


# --- statistics -------------------------------------------------------------------------------------------


def test_prop_tests_by_hand() -> None:
    assert rep.prop_test(3, 4)[()] == pytest.approx(2 * np.sqrt(5) * (4 / 5 - 0.5))
    # two-prop with +1 on every count
    pi1, pi2, pooled = 4 / 5, 2 / 7, 6 / 12
    expected = (pi1 - pi2) / np.sqrt(pooled * (1 - pooled) * (1 / 5 + 1 / 7))
    assert rep.two_prop_test(3, 1, 4, 6)[()] == pytest.approx(expected)
    assert rep.two_prop_test(4, 6, 4, 6)[()] == 0.0  # pooled proportion 1


def test_group_aware_consensus_by_hand() -> None:
    counts = rep.Counts(
        agree=np.array([[3, 0], [2, 1]]), disagree=np.array([[0, 3], [1, 1]]), seen=np.array([[3, 3], [4, 2]])
    )
    gac = rep.group_aware_consensus(counts)
    assert gac[0] == pytest.approx((4 / 5) * (3 / 6))
    assert gac[1] == pytest.approx((1 / 5) * (2 / 4))


def test_priority_of_a_new_statement_and_of_meta() -> None:
    counts = rep.Counts(
        agree=np.zeros((1, 2), int), disagree=np.zeros((1, 2), int), seen=np.zeros((1, 2), int)
    )
    values = rep.priorities(counts, np.zeros(2), np.array([False, True]))
    assert values[0] == pytest.approx(rep.NEW_STATEMENT_PRIORITY)
    assert values[1] == 49.0


def test_choose_next_statement_is_deterministic_and_weighted() -> None:
    assert choose_next_statement([], {}, 1) is None
    picks = [choose_next_statement([1, 2], {1: 100.0, 2: 0.0}, seed) for seed in range(20)]
    assert set(picks) == {1}
    assert choose_next_statement([4, 5, 6], {}, 7) == choose_next_statement([6, 5, 4], {}, 7)
    spread = {choose_next_statement([1, 2, 3], {}, seed) for seed in range(60)}
    assert spread == {1, 2, 3}


# --- bridging ---------------------------------------------------------------------------------------------


def test_bridging_scores_the_bridge_highest_and_the_split_statements_by_side() -> None:
    analysis = analyze(two_camps())
    fit = analysis.bridging
    ids = analysis.conversation.statement_ids.tolist()
    assert ids[int(np.nanargmax(fit.score))] == 9
    # The factors separate the camps: statements 0–3 lean one way, 4–7 the other.
    assert np.sign(fit.lean[0]) == np.sign(fit.lean[3]) != np.sign(fit.lean[4]) == np.sign(fit.lean[7])
    # Positive lean appeals to participants on the positive side of the first component.
    camp_side = analysis.projections[analysis.conversation.participant_ids % 2 == 0, 0].mean()
    assert np.sign(fit.lean[0]) == np.sign(camp_side)


def test_bridging_is_deterministic() -> None:
    conv = two_camps(seed=4)
    a, b = bridging_scores(conv), bridging_scores(conv)
    assert np.array_equal(a.score, b.score, equal_nan=True)


def test_statements_without_enough_ratings_get_no_bridging_score() -> None:
    conv = Conversation.from_records([(p, 0, 1) for p in range(20)] + [(0, 1, 1)])
    fit = bridging_scores(conv, min_participant_ratings=1)
    assert np.isfinite(fit.score[0])
    assert np.isnan(fit.score[1])


def test_rank_fraction_and_disagreement_flags() -> None:
    assert rank_fraction(np.array([3.0, np.nan, 1.0, 2.0])).tolist()[0] == 1.0
    flags = disagreements(np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.0]), np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]))
    assert flags.tolist() == [True, True, False, False, True, True]
    agreeing = disagreements(
        np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.0]), np.array([6.0, 4.5, 3.0, 2.5, 1.0, 0.0])
    )
    assert not agreeing.any()


# --- Pol.is formats ---------------------------------------------------------------------------------------


def test_api_round_trip_keeps_votes_and_moderation() -> None:
    conv = two_camps()
    statements = {
        s: parse_api([], [{"tid": s, "txt": f"s{s}", "mod": -1 if s == 8 else 1}]).statements[s]
        for s in range(10)
    }
    from comity.engine.opinions import PolisConversation

    original = PolisConversation(
        conversation=Conversation.from_records(
            [
                (int(conv.participant_ids[r]), int(conv.statement_ids[c]), int(v), int(t))
                for r, c, v, t in zip(conv.rows, conv.cols, conv.values, conv.first_at, strict=True)
            ],
            moderated_out=[8],
        ),
        statements=statements,
    )
    votes_json, comments_json = write_api(original)
    back = parse_api(json.loads(votes_json), json.loads(comments_json))
    assert sorted(back.votes) == sorted(original.votes)
    assert back.conversation.moderated_out == frozenset({8})
    votes_csv, comments_csv = write_csv(original)
    again = parse_csv(votes_csv, comments_csv)
    assert sorted(again.votes) == sorted(original.votes)
    assert again.statements[3].text == "s3"


def test_live_api_coding_is_detected_from_the_comment_counts() -> None:
    comments = [{"tid": 0, "txt": "x", "agree_count": 2, "disagree_count": 1}]
    votes = [
        {"pid": 0, "tid": 0, "vote": -1},
        {"pid": 1, "tid": 0, "vote": -1},
        {"pid": 2, "tid": 0, "vote": 1},
    ]
    parsed = parse_api(votes, comments)
    assert parsed.conversation.statement_counts()[0].tolist() == [2]  # two agrees
    forced = parse_api(votes, comments, vote_sign="agree-positive")
    assert forced.conversation.statement_counts()[0].tolist() == [1]


def test_csv_errors_name_the_line() -> None:
    comments = "comment-id,comment-body,moderated\n0,hello,1\n"
    with pytest.raises(PolisFormatError, match="line 3"):
        parse_csv("timestamp,comment-id,voter-id,vote\n1,0,0,1\n2,0,x,1\n", comments)
    with pytest.raises(PolisFormatError, match="missing column"):
        parse_csv("comment-id,vote\n0,1\n", comments)
    with pytest.raises(PolisFormatError, match="expected -1, 0 or 1"):
        parse_csv("timestamp,comment-id,voter-id,vote\n1,0,0,5\n", comments)


def test_api_errors_name_the_record() -> None:
    with pytest.raises(PolisFormatError, match="vote #2"):
        parse_api([{"pid": 0, "tid": 0, "vote": 1}, {"pid": 0, "vote": 1}], [])


def test_state_survives_json() -> None:
    analysis = analyze(two_camps())
    text = json.dumps(analysis.state.to_dict())
    state = AnalysisState.from_dict(json.loads(text))
    assert state is not None
    assert state.to_dict() == analysis.state.to_dict()
    assert AnalysisState.from_dict(None) is None


def test_report_and_polis_output_are_json() -> None:
    analysis = analyze(two_camps())
    json.dumps(analysis.report())
    out = analysis.to_polis()
    json.dumps(out)
    assert {
        "in-conv",
        "pca",
        "base-clusters",
        "group-clusters",
        "repness",
        "consensus",
        "group-aware-consensus",
        "comment-priorities",
    } <= set(out)
    assert set(out["pca"]) == {"center", "comps", "comment-projection", "comment-extremity"}


@given(seed=st.integers(0, 1000))
@settings(max_examples=15, deadline=None)
def test_relabelling_participants_changes_nothing(seed: int) -> None:
    """Components and consensus do not depend on participant ids (k-means starts, like Pol.is, do)."""
    conv = two_camps(n_per_camp=10, seed=seed)
    rng = np.random.default_rng(seed)
    mapping = rng.permutation(1000)[: conv.n_participants] + 5000
    relabelled = Conversation.from_votes(
        mapping[conv.rows], conv.statement_ids[conv.cols], conv.values, conv.first_at
    )
    a, b = analyze(conv), analyze(relabelled)
    assert np.allclose(a.pca.comps, b.pca.comps)
    assert [e.statement for e in a.consensus["agree"]] == [e.statement for e in b.consensus["agree"]]
