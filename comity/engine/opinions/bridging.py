"""Bridging scores: support a statement gets that its position on the opinion axis does not explain.

The model is the one Community Notes scores notes with (``matrix_factorization/model.py``), with one factor:
``r̂_un = μ + i_u + i_n + f_u·f_n``, agree = 1 and disagree = 0 (passes are left out). ``f_u`` places a
participant on the main opinion axis and ``f_n`` says which side a statement appeals to; the statement's
intercept ``i_n`` is support from *both* sides — its **bridging score**. The loss is the code's form, not the
documentation's: mean squared error plus ``λ·mean(θ²)`` per parameter table, ``λ_i = 0.15`` for intercepts
(including μ) and ``λ_f = 0.03`` for factors.

Community Notes trains it with Adam; Comity minimises the same loss by alternating exact least squares (each
statement's ``(i_n, f_n)`` and each participant's ``(i_u, f_u)`` is a 2×2 ridge problem given the other
side), which decreases the loss monotonically and is deterministic. The factors start from the leading
singular vectors of the centred ratings, so the result does not depend on a random seed; the sign of the
axis is then turned to agree with the opinion map's first component.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from comity.engine.opinions.votes import AGREE, Conversation

FloatArray = NDArray[np.float64]

LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.03
#: Community Notes scores raters with at least 10 ratings and notes with at least 5.
MIN_RATINGS_PER_PARTICIPANT = 10
MIN_RATINGS_PER_STATEMENT = 5
CHECK_EVERY = 6
#: Up to this many participant × statement cells the rating matrices are dense.
DENSE_CELLS = 1_000_000


@dataclass(frozen=True)
class Bridging:
    """Per statement column: ``score`` (intercept) and ``lean`` (factor); NaN where not rated enough."""

    score: FloatArray
    lean: FloatArray
    participant_factor: FloatArray
    global_mean: float
    loss: float
    iterations: int
    raters: int


def _loss(
    r: FloatArray,
    u: NDArray[np.int64],
    n: NDArray[np.int64],
    mu: float,
    iu: FloatArray,
    inn: FloatArray,
    fu: FloatArray,
    fn: FloatArray,
) -> float:
    residual = r - (mu + iu[u] + inn[n] + fu[u] * fn[n])
    return float(
        np.mean(residual**2)
        + LAMBDA_INTERCEPT * (np.mean(iu**2) + np.mean(inn**2) + mu**2)
        + LAMBDA_FACTOR * (np.mean(fu**2) + np.mean(fn**2))
    )


def _solve_side(
    pattern: sp.csr_matrix | FloatArray,
    rated: sp.csr_matrix | FloatArray,
    count: FloatArray,
    r_sum: FloatArray,
    mu: float,
    other_intercept: FloatArray,
    other_factor: FloatArray,
    ridge_intercept: float,
    ridge_factor: float,
) -> tuple[FloatArray, FloatArray]:
    """Minimise Σ (r − μ − j − i − f·g)² + a·i² + b·f² for every row of ``pattern`` at once (2×2 systems).

    ``pattern``/``rated`` hold this side's rows × the other side's columns (1 where rated / the rating);
    ``other_intercept`` and ``other_factor`` are the other side's ``j`` and ``g``.
    """
    sums = pattern @ np.column_stack(
        (other_factor, other_factor**2, other_intercept, other_intercept * other_factor)
    )
    g_sum, g2_sum, j_sum, jg_sum = sums.T
    rg_sum = rated @ other_factor
    t_sum = r_sum - mu * count - j_sum
    tg_sum = rg_sum - mu * g_sum - jg_sum
    a11, a12, a22 = count + ridge_intercept, g_sum, g2_sum + ridge_factor
    det = a11 * a22 - a12 * a12
    intercept = (a22 * t_sum - a12 * tg_sum) / det
    factor = (a11 * tg_sum - a12 * t_sum) / det
    return intercept, factor


def bridging_scores(
    conversation: Conversation,
    *,
    orientation: FloatArray | None = None,
    max_iters: int = 500,
    tolerance: float = 1e-7,
    min_participant_ratings: int | None = None,
    min_statement_ratings: int = MIN_RATINGS_PER_STATEMENT,
) -> Bridging:
    """Fit the one-factor model on agree/disagree votes of non-excluded statements.

    ``orientation`` (per participant row, e.g. their first-component projection) turns the axis so that
    positive ``lean`` means "appeals to participants on the positive side".
    """
    n_cols, n_rows = conversation.n_statements, conversation.n_participants
    keep = (conversation.values != 0) & ~conversation.excluded[conversation.cols]
    users, items = conversation.rows[keep], conversation.cols[keep]
    ratings = (conversation.values[keep] == AGREE).astype(np.float64)
    active = int((~conversation.excluded).sum())
    threshold = (
        min_participant_ratings
        if min_participant_ratings is not None
        else max(1, min(MIN_RATINGS_PER_PARTICIPANT, (active + 1) // 2))
    )
    for _ in range(3):  # the two filters depend on each other; a few passes settle them
        user_ok = np.bincount(users, minlength=n_rows) >= threshold
        mask = user_ok[users]
        item_ok = np.bincount(items[mask], minlength=n_cols) >= min_statement_ratings
        mask &= item_ok[items]
        users, items, ratings = users[mask], items[mask], ratings[mask]
    nan = np.full(n_cols, np.nan)
    if len(ratings) == 0:
        return Bridging(nan, nan.copy(), np.full(n_rows, np.nan), 0.0, 0.0, 0, 0)
    # Compact indices so the means in the loss run over the rated tables only.
    user_ids, u = np.unique(users, return_inverse=True)
    item_ids, n = np.unique(items, return_inverse=True)
    n_u, n_n, total = len(user_ids), len(item_ids), len(ratings)

    shape = (n_n, n_u)
    pattern_n: sp.csr_matrix | FloatArray
    rated_n: sp.csr_matrix | FloatArray
    pattern_u: sp.csr_matrix | FloatArray
    rated_u: sp.csr_matrix | FloatArray
    if n_n * n_u <= DENSE_CELLS:  # small consultations: dense BLAS products beat sparse ones
        pattern_n = np.zeros(shape)
        pattern_n[n, u] = 1.0
        rated_n = np.zeros(shape)
        rated_n[n, u] = ratings
        pattern_u, rated_u = np.ascontiguousarray(pattern_n.T), np.ascontiguousarray(rated_n.T)
    else:
        pattern_n = sp.csr_matrix((np.ones(total), (n, u)), shape=shape)
        rated_n = sp.csr_matrix((ratings, (n, u)), shape=shape)
        pattern_u, rated_u = pattern_n.T.tocsr(), rated_n.T.tocsr()
    count_n = np.asarray(pattern_n.sum(axis=1), dtype=np.float64).ravel()
    count_u = np.asarray(pattern_u.sum(axis=1), dtype=np.float64).ravel()
    r_sum_n = np.asarray(rated_n.sum(axis=1), dtype=np.float64).ravel()
    r_sum_u = np.asarray(rated_u.sum(axis=1), dtype=np.float64).ravel()

    mu = float(ratings.mean())
    centred: sp.csr_matrix | FloatArray = (
        rated_n - mu * pattern_n
        if isinstance(rated_n, np.ndarray)
        else sp.csr_matrix((ratings - mu, (n, u)), shape=shape)
    )
    # Leading singular vectors of the centred ratings (a few power steps) start the factors.
    fn = np.ones(n_n) / np.sqrt(n_n)
    fu = np.zeros(n_u)
    norm = 1.0
    for _ in range(12):
        fu = centred.T @ fn
        fu /= max(float(np.linalg.norm(fu)), 1e-12)
        fn = centred @ fu
        norm = max(float(np.linalg.norm(fn)), 1e-12)
        fn /= norm
    sigma = np.sqrt(norm)
    fu, fn = fu * sigma, fn * sigma
    # Intercepts start at the shrunken mean residuals, which saves most of the alternating steps.
    iu = (r_sum_u - mu * count_u) / (count_u + LAMBDA_INTERCEPT * total / n_u)
    inn = (r_sum_n - mu * count_n - pattern_n @ iu) / (count_n + LAMBDA_INTERCEPT * total / n_n)

    ridge_ui, ridge_uf = LAMBDA_INTERCEPT * total / n_u, LAMBDA_FACTOR * total / n_u
    ridge_ni, ridge_nf = LAMBDA_INTERCEPT * total / n_n, LAMBDA_FACTOR * total / n_n
    loss = _loss(ratings, u, n, mu, iu, inn, fu, fn)
    iterations = 0
    for iterations in range(1, max_iters + 1):
        inn, fn = _solve_side(pattern_n, rated_n, count_n, r_sum_n, mu, iu, fu, ridge_ni, ridge_nf)
        iu, fu = _solve_side(pattern_u, rated_u, count_u, r_sum_u, mu, inn, fn, ridge_ui, ridge_uf)
        mu = float(
            (ratings.sum() - count_u @ iu - count_n @ inn - fu @ (pattern_u @ fn))
            / (total * (1 + LAMBDA_INTERCEPT))
        )
        if iterations % CHECK_EVERY:
            continue  # the loss only falls under alternating least squares; look at it now and then
        new_loss = _loss(ratings, u, n, mu, iu, inn, fu, fn)
        if loss - new_loss < tolerance * CHECK_EVERY:
            loss = new_loss
            break
        loss = new_loss
    loss = _loss(ratings, u, n, mu, iu, inn, fu, fn)

    if orientation is not None and n_u > 1:
        reference = orientation[user_ids]
        if np.std(reference) > 0 and np.std(fu) > 0 and float(np.corrcoef(fu, reference)[0, 1]) < 0:
            fu, fn = -fu, -fn
    score, lean = nan.copy(), nan.copy()
    score[item_ids], lean[item_ids] = inn, fn
    participant_factor = np.full(n_rows, np.nan)
    participant_factor[user_ids] = fu
    return Bridging(
        score=score,
        lean=lean,
        participant_factor=participant_factor,
        global_mean=mu,
        loss=loss,
        iterations=iterations,
        raters=n_u,
    )


def not_computed(conversation: Conversation) -> Bridging:
    """Bridging scores left out: every value NaN."""
    nan = np.full(conversation.n_statements, np.nan)
    return Bridging(nan, nan.copy(), np.full(conversation.n_participants, np.nan), 0.0, 0.0, 0, 0)


def rank_fraction(values: FloatArray) -> FloatArray:
    """Each finite value's rank as a fraction in [0, 1] (1 = highest); NaN stays NaN."""
    out = np.full(len(values), np.nan)
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite) == 1:
        out[finite] = 1.0
    elif len(finite) > 1:
        order = np.argsort(np.argsort(values[finite], kind="stable"), kind="stable")
        out[finite] = order / (len(finite) - 1)
    return out


def disagreements(
    bridging: FloatArray, gac: FloatArray, *, top: float = 0.8, bottom: float = 0.5
) -> NDArray[np.bool_]:
    """Statements one measure puts in its top fifth and the other below its median: worth a moderator's look.

    Group-aware consensus needs every group to agree; the bridging intercept credits support from both sides
    of the main axis even when a small group is lukewarm. When they disagree this much, the groups, the axis
    or the statement's wording deserve a second look.
    """
    b, g = rank_fraction(bridging), rank_fraction(gac)
    both = np.isfinite(b) & np.isfinite(g)
    flagged = both & (((b >= top) & (g < bottom)) | ((g >= top) & (b < bottom)))
    return np.asarray(flagged, dtype=bool)
