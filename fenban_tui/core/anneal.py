"""Simulated annealing over swaps, compiled with numba.

The exchange descent in :mod:`solver` stops in deep local optima once category
counts are held in their bands: every swap that would even out the scores moves
some count out of its band.  Annealing walks through those optima: millions of
random swap proposals, each scored exactly in O(features) and accepted with the
Metropolis rule under a falling temperature.  numba compiles the loop (the
proposal rate in pure Python would be a thousand times lower).

Determinism: the proposals come from numba's own Mersenne Twister seeded from
the model seed, the budget is a count of proposals (never seconds), class sums
are exact integers, and floating-point work is plain IEEE arithmetic (no
fastmath, so no reassociation or fused multiply-adds): the same inputs give the
same classes on any machine.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def _num_cost(S, Q, N, M, M2, wm, ws, factor):
    if N <= 0:
        return 0.0
    nf = float(N)
    d = S / nf - M
    e = Q / nf - M2
    return factor * wm * d * d + ws * e * e


@njit(cache=True)
def _cat_cost(dev, dz, hb, w_cat, band):
    a = abs(dev)
    out = a - dz
    if out < 0.0:
        out = 0.0
    over = a - hb
    if over < 0.0:
        over = 0.0
    return w_cat * out * out + band * (over + over * over)


@njit(cache=True)
def _blocked(i, j, b, cls, apart_ptr, apart_idx):
    """Would student i moving to class b (while j leaves b) break a 互斥 rule?"""
    for t in range(apart_ptr[i], apart_ptr[i + 1]):
        p = apart_idx[t]
        if p != j and cls[p] == b:
            return True
    return False


@njit(cache=True)
def _num_delta(i, j, cls, X, XX, P, S, Q, N, Mc, M2, wm, ws, factor):
    """Change of the numeric cost when students i and j swap classes."""
    a = cls[i]
    b = cls[j]
    d = 0.0
    for f in range(X.shape[0]):
        dx = X[f, j] - X[f, i]
        dq = XX[f, j] - XX[f, i]
        dp = P[f, j] - P[f, i]
        d += _num_cost(S[f, a] + dx, Q[f, a] + dq, N[f, a] + dp, Mc[f, a], M2[f], wm[f], ws[f], factor)
        d -= _num_cost(S[f, a], Q[f, a], N[f, a], Mc[f, a], M2[f], wm[f], ws[f], factor)
        d += _num_cost(S[f, b] - dx, Q[f, b] - dq, N[f, b] - dp, Mc[f, b], M2[f], wm[f], ws[f], factor)
        d -= _num_cost(S[f, b], Q[f, b], N[f, b], Mc[f, b], M2[f], wm[f], ws[f], factor)
    return d


@njit(cache=True)
def _cat_delta(i, j, cls, codes, C, T, dz, hb, w_cat, band):
    """Change of the category cost when students i and j swap classes."""
    a = cls[i]
    b = cls[j]
    d = 0.0
    for g in range(codes.shape[0]):
        u = codes[g, i]
        v = codes[g, j]
        if u == v:
            continue
        d += _cat_cost(C[a, u] - 1 - T[a, u], dz[u], hb[u], w_cat, band) - _cat_cost(C[a, u] - T[a, u], dz[u], hb[u], w_cat, band)
        d += _cat_cost(C[a, v] + 1 - T[a, v], dz[v], hb[v], w_cat, band) - _cat_cost(C[a, v] - T[a, v], dz[v], hb[v], w_cat, band)
        d += _cat_cost(C[b, v] - 1 - T[b, v], dz[v], hb[v], w_cat, band) - _cat_cost(C[b, v] - T[b, v], dz[v], hb[v], w_cat, band)
        d += _cat_cost(C[b, u] + 1 - T[b, u], dz[u], hb[u], w_cat, band) - _cat_cost(C[b, u] - T[b, u], dz[u], hb[u], w_cat, band)
    return d


@njit(cache=True)
def _class_num(c, S, Q, N, Mc, M2, wm, ws, mean_part, sd_part):
    """Refresh class c's numeric cost, kept as its mean part and its spread
    part (the mean weight changes during the run)."""
    mp = 0.0
    sp = 0.0
    for f in range(S.shape[0]):
        if N[f, c] > 0:
            nf = float(N[f, c])
            d = S[f, c] / nf - Mc[f, c]
            e = Q[f, c] / nf - M2[f]
            mp += wm[f] * d * d
            sp += ws[f] * e * e
    mean_part[c] = mp
    sd_part[c] = sp


@njit(cache=True)
def _apply(i, j, cls, X, XX, P, S, Q, N, codes, C):
    a = cls[i]
    b = cls[j]
    for f in range(X.shape[0]):
        S[f, a] += X[f, j] - X[f, i]
        S[f, b] += X[f, i] - X[f, j]
        Q[f, a] += XX[f, j] - XX[f, i]
        Q[f, b] += XX[f, i] - XX[f, j]
        N[f, a] += P[f, j] - P[f, i]
        N[f, b] += P[f, i] - P[f, j]
    for g in range(codes.shape[0]):
        u = codes[g, i]
        v = codes[g, j]
        C[a, u] -= 1
        C[a, v] += 1
        C[b, v] -= 1
        C[b, u] += 1
    cls[i] = b
    cls[j] = a


@njit(cache=True)
def _copy_into(dst, src):
    """dst[:] = src as a loop: a slice assignment compiles a broadcasting check
    whose error message alone costs seconds of compile time on a cold cache."""
    for i in range(src.shape[0]):
        dst[i] = src[i]


@njit(cache=True, nogil=True)
def anneal(seed, steps, t_start, t_end, f_start, b_start, cls, movable, X, XX, P, S, Q, N, Mc, M2, wm, ws,
           codes, C, T, dz, hb, w_cat, band, apart_ptr, apart_idx, progress, strat_of, strat_ptr, strat_idx,
           p_match):
    """Anneal in place.  The class-mean weight rises from ``f_start`` to 1, the
    penalty for a category count outside its band from ``b_start`` to 1, and
    the temperature falls from ``t_start`` to ``t_end`` over ``steps``
    proposals.  With probability ``p_match`` the partner is drawn from the
    student's own stratum (``strat_of``: same gender, school, boarding…; the
    members of stratum s are ``strat_idx[strat_ptr[s]:strat_ptr[s + 1]]``), so
    the swap leaves those counts as they are.  Returns the best assignment seen in the final stretch (where
    the mean weight is full) and the number of accepted swaps.  ``progress[0]``
    is updated as a fraction for the caller's progress bar; setting
    ``progress[1]`` to 1 from outside stops the run early (cancel)."""
    np.random.seed(seed)
    m = movable.shape[0]
    best = cls.copy()
    best_obj = np.inf
    cur = 0.0  # objective relative to the start of the final stretch
    accepted = 0
    log_t = math.log(t_end / t_start)
    log_f = math.log(1.0 / f_start) if f_start < 1.0 else 0.0
    log_b = math.log(1.0 / b_start) if b_start < 1.0 else 0.0
    final_from = int(steps * 0.7)
    chunk = 4096
    k = S.shape[1]
    mean_part = np.zeros(k)
    sd_part = np.zeros(k)
    for c in range(k):
        _class_num(c, S, Q, N, Mc, M2, wm, ws, mean_part, sd_part)
    for step in range(steps):
        if step % chunk == 0:
            progress[0] = step / steps
            if progress[1] != 0.0:
                if step < final_from:
                    _copy_into(best, cls)  # stopped before the final stretch: keep where it got to
                break
        if step == final_from:
            cur = 0.0
            best_obj = 0.0
            _copy_into(best, cls)
        frac = step / steps
        temp = t_start * math.exp(log_t * frac)
        # means tighten over the first 70% of the run, then stay at full weight
        factor = 1.0 if step >= final_from else f_start * math.exp(log_f * (step / final_from))
        band_now = band if step >= final_from else band * b_start * math.exp(log_b * (step / final_from))
        i = movable[np.random.randint(m)]
        st = strat_of[i]
        if p_match > 0.0 and st >= 0 and np.random.random() < p_match:
            lo = strat_ptr[st]
            j = strat_idx[lo + np.random.randint(strat_ptr[st + 1] - lo)]
        else:
            j = movable[np.random.randint(m)]
        a = cls[i]
        b = cls[j]
        if a == b:
            continue
        if apart_ptr[i + 1] > apart_ptr[i] and _blocked(i, j, b, cls, apart_ptr, apart_idx):
            continue
        if apart_ptr[j + 1] > apart_ptr[j] and _blocked(j, i, a, cls, apart_ptr, apart_idx):
            continue
        # Metropolis with the uniform drawn first: accept iff d < limit.  The
        # category part is scored first; when it alone exceeds the limit by
        # more than the two classes' whole numeric cost (which a swap can at
        # most remove), the swap is refused unscored: most proposals break a
        # band, and the decision is exactly the one the full score gives.
        limit = -temp * math.log(1.0 - np.random.random())
        dc = _cat_delta(i, j, cls, codes, C, T, dz, hb, w_cat, band_now)
        if dc - (factor * (mean_part[a] + mean_part[b]) + sd_part[a] + sd_part[b]) >= limit:
            continue
        d = dc + _num_delta(i, j, cls, X, XX, P, S, Q, N, Mc, M2, wm, ws, factor)
        if d < limit:
            _apply(i, j, cls, X, XX, P, S, Q, N, codes, C)
            _class_num(a, S, Q, N, Mc, M2, wm, ws, mean_part, sd_part)
            _class_num(b, S, Q, N, Mc, M2, wm, ws, mean_part, sd_part)
            accepted += 1
            if step >= final_from:
                cur += d
                if cur < best_obj:
                    best_obj = cur
                    _copy_into(best, cls)
    progress[0] = 1.0
    return best, accepted
