"""Double-swap descent between two classes, compiled with numba.

After annealing, class means sit a few hundredths of a point from their
targets and no single swap closes the gap: exchanging two students moves a
class's sum of every score by a whole student's difference at once, so every
swap that helps one figure hurts another.  Two swaps made together can cancel
almost exactly — a pair of differences that sum to nearly the correction the
two classes need — and there are millions of such pairs for every two classes.

For two classes a and b the search lists every allowed single swap (i in a,
j in b) with the change it makes to the class sums, sorts them by the change in
one score, and for each swap looks only at the partners whose change in that
score keeps the pair's cost for that score under what would be an improvement
(a window found by solving a quadratic).  Every candidate in the window is
scored exactly (every score's mean and spread, every category count), and the
best improving move — one swap or two — is applied.  Class pairs are visited in
a fixed order until a full round finds nothing or the evaluation budget is used.

Deterministic: no random numbers at all, integer class sums, plain IEEE
arithmetic (no fastmath), and a budget counted in evaluations.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .anneal import _apply, _cat_cost, _num_cost


@njit(cache=True)
def _blocked(i, b, cls, apart_ptr, apart_idx):
    """Would student i moving to class b meet a 互斥 partner there?"""
    for t in range(apart_ptr[i], apart_ptr[i + 1]):
        if cls[apart_idx[t]] == b:
            return True
    return False


@njit(cache=True)
def _partners(i, j, apart_ptr, apart_idx):
    for t in range(apart_ptr[i], apart_ptr[i + 1]):
        if apart_idx[t] == j:
            return True
    return False


@njit(cache=True)
def _num_pair(a, b, dS, dQ, dN, S, Q, N, Mc, M2, wm, ws):
    c = 0.0
    for f in range(S.shape[0]):
        c += _num_cost(S[f, a] + dS[f], Q[f, a] + dQ[f], N[f, a] + dN[f], Mc[f, a], M2[f], wm[f], ws[f], 1.0)
        c += _num_cost(S[f, b] - dS[f], Q[f, b] - dQ[f], N[f, b] - dN[f], Mc[f, b], M2[f], wm[f], ws[f], 1.0)
    return c


@njit(cache=True)
def _cat_pair_delta(a, b, i1, j1, i2, j2, codes, C, T, dz, hb, w_cat, band):
    """Exact change of the category cost of classes a and b when i1 (and i2,
    if >= 0) go from a to b and j1 (and j2) from b to a."""
    d = 0.0
    for g in range(codes.shape[0]):
        vals = (codes[g, i1], codes[g, j1], codes[g, i2] if i2 >= 0 else -1, codes[g, j2] if j2 >= 0 else -1)
        for t in range(4):
            v = vals[t]
            if v < 0:
                continue
            dup = False
            for s in range(t):
                if vals[s] == v:
                    dup = True
            if dup:
                continue
            net = 0  # change of class a's count of value v
            if vals[1] == v:
                net += 1
            if vals[3] == v:
                net += 1
            if vals[0] == v:
                net -= 1
            if vals[2] == v:
                net -= 1
            if net == 0:
                continue
            ea = C[a, v] - T[a, v]
            eb = C[b, v] - T[b, v]
            d += _cat_cost(ea + net, dz[v], hb[v], w_cat, band) - _cat_cost(ea, dz[v], hb[v], w_cat, band)
            d += _cat_cost(eb - net, dz[v], hb[v], w_cat, band) - _cat_cost(eb, dz[v], hb[v], w_cat, band)
    return d


@njit(cache=True)
def _window(f, a, b, S, N, Mc, wm, budget):
    """Range of changes v of class a's sum of feature f (b's changes by -v)
    for which that feature's mean cost alone stays under ``budget``; returns
    (ok, lo, hi)."""
    if N[f, a] <= 0 or N[f, b] <= 0 or wm[f] <= 0.0:
        return True, -np.inf, np.inf
    p = 1.0 / N[f, a]
    q = 1.0 / N[f, b]
    ea = S[f, a] * p - Mc[f, a]
    eb = S[f, b] * q - Mc[f, b]
    al = wm[f] * (p * p + q * q)
    be = 2.0 * wm[f] * (p * ea - q * eb)
    ga = wm[f] * (ea * ea + eb * eb) - budget
    disc = be * be - 4.0 * al * ga
    if disc < 0.0:
        return False, 0.0, 0.0
    r = math.sqrt(disc)
    return True, (-be - r) / (2.0 * al), (-be + r) / (2.0 * al)


@njit(cache=True)
def _best_in_pair(a, b, cls, frozen, X, XX, P, S, Q, N, Mc, M2, wm, ws, codes, C, T, dz, hb, w_cat, band,
                  apart_ptr, apart_idx, key_floor):
    """Best improving move between classes a and b: (delta, i1, j1, i2, j2, evals);
    i2 = j2 = -1 for a single swap, delta >= 0 when nothing improves."""
    n = cls.shape[0]
    nf = X.shape[0]
    A = np.empty(n, dtype=np.int64)
    B = np.empty(n, dtype=np.int64)
    na = 0
    nb = 0
    for s in range(n):
        if frozen[s]:
            continue
        if cls[s] == a:
            A[na] = s
            na += 1
        elif cls[s] == b:
            B[nb] = s
            nb += 1
    m_max = na * nb
    si = np.empty(m_max, dtype=np.int64)
    sj = np.empty(m_max, dtype=np.int64)
    m = 0
    for x in range(na):
        i = A[x]
        bi = apart_ptr[i + 1] > apart_ptr[i] and _blocked(i, b, cls, apart_ptr, apart_idx)
        for y in range(nb):
            j = B[y]
            if bi:
                # i may still go to b if its only partner there is j itself
                ok = True
                for t in range(apart_ptr[i], apart_ptr[i + 1]):
                    p = apart_idx[t]
                    if p != j and cls[p] == b:
                        ok = False
                if not ok:
                    continue
            if apart_ptr[j + 1] > apart_ptr[j]:
                ok = True
                for t in range(apart_ptr[j], apart_ptr[j + 1]):
                    p = apart_idx[t]
                    if p != i and cls[p] == a:
                        ok = False
                if not ok:
                    continue
            si[m] = i
            sj[m] = j
            m += 1
    zero = np.zeros(nf, dtype=np.int64)
    cur_num = _num_pair(a, b, zero, zero, zero, S, Q, N, Mc, M2, wm, ws)
    cur_cat = 0.0
    for v in range(C.shape[1]):
        cur_cat += _cat_cost(C[a, v] - T[a, v], dz[v], hb[v], w_cat, band)
        cur_cat += _cat_cost(C[b, v] - T[b, v], dz[v], hb[v], w_cat, band)
    best = 0.0
    bi1 = -1
    bj1 = -1
    bi2 = -1
    bj2 = -1
    evals = 0
    if m == 0:
        return best, bi1, bj1, bi2, bj2, evals
    # the key: the feature whose mean costs most in these two classes; pairs of
    # swaps are only looked at when they leave its mean cost under
    # max(now, key_floor), and under what would beat the best move found
    key_f = 0
    key_cost = -1.0
    for f in range(nf):
        c = 0.0
        for cc in (a, b):
            if N[f, cc] > 0:
                e = S[f, cc] / N[f, cc] - Mc[f, cc]
                c += wm[f] * e * e
        if c > key_cost:
            key_cost = c
            key_f = f
    key_budget = max(key_cost, key_floor)
    dS = np.empty((m, nf), dtype=np.int64)
    dQ = np.empty((m, nf), dtype=np.int64)
    dN = np.empty((m, nf), dtype=np.int64)
    key = np.empty(m, dtype=np.float64)
    for s in range(m):
        i = si[s]
        j = sj[s]
        for f in range(nf):
            dS[s, f] = X[f, j] - X[f, i]
            dQ[s, f] = XX[f, j] - XX[f, i]
            dN[s, f] = P[f, j] - P[f, i]
        key[s] = dS[s, key_f] if nf else 0.0
    # single swaps
    tS = np.empty(nf, dtype=np.int64)
    tQ = np.empty(nf, dtype=np.int64)
    tN = np.empty(nf, dtype=np.int64)
    for s in range(m):
        dnum = _num_pair(a, b, dS[s], dQ[s], dN[s], S, Q, N, Mc, M2, wm, ws) - cur_num
        evals += 1
        if dnum - cur_cat >= best:
            continue
        d = dnum + _cat_pair_delta(a, b, si[s], sj[s], -1, -1, codes, C, T, dz, hb, w_cat, band)
        if d < best - 1e-12:
            best = d
            bi1 = si[s]
            bj1 = sj[s]
    if nf == 0:
        return best, bi1, bj1, bi2, bj2, evals
    order = np.argsort(key, kind="mergesort")
    skey = key[order]
    # a window on the key feature's sum change is only a valid bound when no
    # candidate changes that feature's counts
    exact = True
    for s in range(m):
        if dN[s, key_f] != 0:
            exact = False
    ok, lo, hi = _window(key_f, a, b, S, N, Mc, wm, min(key_budget, cur_num + cur_cat + best))
    if exact and not ok:
        return best, bi1, bj1, bi2, bj2, evals
    if not exact:
        lo = -np.inf
        hi = np.inf
    for t1 in range(m):
        s1 = order[t1]
        k1 = skey[t1]
        # first partner position whose key is >= lo - k1
        lo_k = lo - k1
        left = t1 + 1
        right = m
        while left < right:
            mid = (left + right) // 2
            if skey[mid] < lo_k:
                left = mid + 1
            else:
                right = mid
        hi_k = hi - k1
        i1 = si[s1]
        j1 = sj[s1]
        for t2 in range(left, m):
            if skey[t2] > hi_k:
                break
            s2 = order[t2]
            i2 = si[s2]
            j2 = sj[s2]
            if i2 == i1 or j2 == j1:
                continue
            for f in range(nf):
                tS[f] = dS[s1, f] + dS[s2, f]
                tQ[f] = dQ[s1, f] + dQ[s2, f]
                tN[f] = dN[s1, f] + dN[s2, f]
            dnum = _num_pair(a, b, tS, tQ, tN, S, Q, N, Mc, M2, wm, ws) - cur_num
            evals += 1
            if dnum - cur_cat >= best:
                continue
            if apart_ptr[i1 + 1] > apart_ptr[i1] and _partners(i1, i2, apart_ptr, apart_idx):
                continue
            if apart_ptr[j1 + 1] > apart_ptr[j1] and _partners(j1, j2, apart_ptr, apart_idx):
                continue
            d = dnum + _cat_pair_delta(a, b, i1, j1, i2, j2, codes, C, T, dz, hb, w_cat, band)
            if d < best - 1e-12:
                best = d
                bi1 = i1
                bj1 = j1
                bi2 = i2
                bj2 = j2
                ok, lo, hi = _window(key_f, a, b, S, N, Mc, wm, min(key_budget, cur_num + cur_cat + best))
                if exact:
                    hi_k = hi - k1
                else:
                    lo = -np.inf
                    hi = np.inf
                    hi_k = np.inf
    return best, bi1, bj1, bi2, bj2, evals


@njit(cache=True)
def pair_descent(cls, frozen, X, XX, P, S, Q, N, Mc, M2, wm, ws, codes, C, T, dz, hb, w_cat, band,
                 apart_ptr, apart_idx, key_floor, max_evals, progress):
    """Apply the best move of each class pair in turn until a round finds none
    or ``max_evals`` candidate moves were scored.  Works in place on cls, S, Q,
    N and C; returns (moves applied, evaluations)."""
    k = S.shape[1]
    moves = 0
    evals = 0
    while evals < max_evals:
        improved = False
        for a in range(k):
            for b in range(a + 1, k):
                if progress[1] != 0.0:
                    return moves, evals
                d, i1, j1, i2, j2, e = _best_in_pair(a, b, cls, frozen, X, XX, P, S, Q, N, Mc, M2, wm, ws,
                                                     codes, C, T, dz, hb, w_cat, band, apart_ptr, apart_idx,
                                                     key_floor)
                evals += e
                progress[0] = min(0.99, evals / max_evals)
                if d < -1e-9:
                    _apply(i1, j1, cls, X, XX, P, S, Q, N, codes, C)
                    if i2 >= 0:
                        _apply(i2, j2, cls, X, XX, P, S, Q, N, codes, C)
                    moves += 1
                    improved = True
                if evals >= max_evals:
                    return moves, evals
        if not improved:
            break
    return moves, evals
