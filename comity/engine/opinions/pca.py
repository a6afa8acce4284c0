"""Principal components of the vote matrix and Pol.is's sparsity-aware projection.

Pol.is imputes every missing vote with its statement's mean, centres the columns and finds two components
by power iteration (100 iterations, Gram–Schmidt deflation, a random start on a cold start). After mean
imputation a missing cell is exactly zero once centred, so the centred matrix is as sparse as the votes:
Comity never fills it in. It takes the exact leading eigenvectors of ``Xᵀ X`` — by a dense eigendecomposition
for small conversations and by ARPACK (Lanczos) on a linear operator otherwise — which is what the power
iteration converges to, deterministic and warm-startable.

Moderated-out and meta statements are zeroed for everyone (Pol.is ``zero-out-columns``): they add nothing to
the components, but they count as "voted" in the projection's scale factor, as on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import LinearOperator, eigsh

from comity.engine.opinions.votes import Conversation

FloatArray = NDArray[np.float64]

#: Up to this many statements the Gram matrix is decomposed densely.
DENSE_LIMIT = 600


@dataclass(frozen=True)
class Pca:
    """``center`` per statement column and ``comps`` (components × statements), agree = +1 coding."""

    center: FloatArray
    comps: FloatArray
    eigenvalues: FloatArray


def centred_matrix(conversation: Conversation, center: FloatArray) -> sp.csr_matrix:
    """The mean-imputed, centred vote matrix; excluded statements contribute zero."""
    keep = ~conversation.excluded[conversation.cols]
    rows = conversation.rows[keep]
    cols = conversation.cols[keep]
    data = conversation.values[keep].astype(np.float64) - center[cols]
    indptr = np.searchsorted(rows, np.arange(conversation.n_participants + 1)).astype(np.int64)
    return sp.csr_matrix((data, cols, indptr), shape=(conversation.n_participants, conversation.n_statements))


#: Up to this many cells the centred matrix is held densely (BLAS beats sparse products there).
DENSE_CELLS = 2_000_000


def _centred(conversation: Conversation, center: FloatArray) -> sp.csr_matrix | FloatArray:
    if conversation.n_participants * conversation.n_statements <= DENSE_CELLS:
        keep = ~conversation.excluded[conversation.cols]
        dense = np.zeros((conversation.n_participants, conversation.n_statements))
        cols = conversation.cols[keep]
        dense[conversation.rows[keep], cols] = conversation.values[keep] - center[cols]
        return dense
    return centred_matrix(conversation, center)


def column_means(conversation: Conversation) -> FloatArray:
    n = conversation.n_statements
    sums = np.bincount(conversation.cols, weights=conversation.values.astype(np.float64), minlength=n)
    counts = np.bincount(conversation.cols, minlength=n)
    center = np.divide(sums, counts, out=np.zeros(n), where=counts > 0)
    center[conversation.excluded] = 0.0
    return center


def _orient(comps: FloatArray, previous: FloatArray | None) -> FloatArray:
    """Fix each component's arbitrary sign: as the previous update's, else largest entry positive."""
    oriented = comps.copy()
    for index, component in enumerate(oriented):
        if previous is not None and index < len(previous):
            flip = float(component @ previous[index]) < 0
        else:
            # Rounded so that summation order (e.g. participants listed differently) cannot tip a near-tie.
            flip = component.size > 0 and component[int(np.argmax(np.round(np.abs(component), 9)))] < 0
        if flip:
            oriented[index] = -component
    return oriented


def fit_pca(conversation: Conversation, *, n_comps: int = 2, previous: FloatArray | None = None) -> Pca:
    """The leading ``n_comps`` principal components.

    ``previous`` (components × statements, aligned with this conversation's columns) orients the signs like
    the last update's and starts the iterative solver from it.
    """
    n_rows, n_cols = conversation.n_participants, conversation.n_statements
    center = column_means(conversation)
    wanted = min(n_comps, n_rows, n_cols)
    comps = np.zeros((n_comps, n_cols))
    eigenvalues = np.zeros(n_comps)
    if wanted == 0:
        return Pca(center=center, comps=comps, eigenvalues=eigenvalues)
    matrix = _centred(conversation, center)
    if n_cols <= DENSE_LIMIT or wanted >= n_cols - 1:
        product = matrix.T @ matrix
        gram = product if isinstance(product, np.ndarray) else product.toarray()
        values, vectors = np.linalg.eigh(gram)
        top = np.argsort(values)[::-1][:wanted]
        found_values, found = values[top], vectors[:, top].T
    else:
        operator = LinearOperator(
            (n_cols, n_cols),
            matvec=lambda v: matrix.T @ (matrix @ v),
            dtype=np.float64,
        )
        start = (
            previous[0].copy()
            if previous is not None and previous.shape == (n_comps, n_cols) and np.any(previous[0])
            else np.ones(n_cols)
        )
        values, vectors = eigsh(operator, k=wanted, which="LA", v0=start, tol=1e-10)
        top = np.argsort(values)[::-1]
        found_values, found = values[top], vectors[:, top].T
    scale = max(float(found_values.max(initial=0.0)), 1.0)
    for index in range(wanted):
        # A component without variance stays zero, as the server's power iteration leaves it.
        if found_values[index] > 1e-9 * scale:
            comps[index] = found[index]
            eigenvalues[index] = found_values[index]
    return Pca(center=center, comps=_orient(comps, previous), eigenvalues=eigenvalues)


def project_participants(conversation: Conversation, pca: Pca) -> FloatArray:
    """Pol.is's sparsity-aware projection: ``sqrt(n_statements / n_votes_i) · Σ_voted (x_ij − μ_j)·pc_j``.

    Zeroed (excluded) statements count as votes of everyone, as in the server's rating matrix.
    """
    raw = np.asarray(_centred(conversation, pca.center) @ pca.comps.T)
    own = np.bincount(
        conversation.rows[~conversation.excluded[conversation.cols]], minlength=conversation.n_participants
    )
    voted = own + int(conversation.excluded.sum())
    scale = np.sqrt(conversation.n_statements / np.maximum(voted, 1))
    return np.asarray(raw * scale[:, None], dtype=np.float64)


def project_statements(conversation: Conversation, pca: Pca) -> FloatArray:
    """Each statement as a virtual participant who agreed with it alone (statements × components)."""
    n = conversation.n_statements
    return np.asarray((np.sqrt(n) * (1.0 - pca.center))[:, None] * pca.comps.T, dtype=np.float64)


def extremity(statement_projection: FloatArray) -> FloatArray:
    """How far a statement's lone supporter lands from the centre: its pull on the opinion map."""
    return np.asarray(np.linalg.norm(statement_projection, axis=1), dtype=np.float64)
