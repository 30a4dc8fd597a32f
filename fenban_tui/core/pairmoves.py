"""Multi-swap descent between two classes, compiled with numba.

After annealing, class means sit a few hundredths of a point from their
targets and no single swap closes the gap: exchanging two students moves a
class's sum of every score by a whole student's difference at once, so every
swap that helps one figure hurts another.  Two or three swaps made together can
cancel almost exactly — differences that sum to nearly the correction the two
classes need — and there are millions of such sets for every two classes.

For two classes a and b the search lists every allowed single swap (i in a,
j in b) with the change it makes to the class sums and sorts them by the change
in one score (the key: the score whose mean is furthest off in these classes).
A beam search then grows sets of swaps: every single swap, then the cheapest
``beam`` sets each extended by one more swap, looking only at the swaps whose
change of the key score keeps its mean cost under what it is now (a window
found by solving a quadratic).  Every candidate is scored exactly (every
score's mean and spread, every category count), and the best improving set is
applied.  Class pairs are visited in a fixed order until a full round finds
nothing or the evaluation budget is used.

Deterministic: no random numbers at all (sets are told apart by a fixed hash),
integer class sums, plain IEEE arithmetic (no fastmath), and a budget counted
in evaluations.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .anneal import _apply, _cat_cost, _num_cost


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
def _cat_delta_k(a, b, ii, jj, k, codes, C, T, dz, hb, w_cat, band):
    """Exact change of the category cost of classes a and b when ii[:k] go
    from a to b and jj[:k] from b to a."""
    d = 0.0
    for g in range(codes.shape[0]):
        for t in range(2 * k):
            v = codes[g, ii[t]] if t < k else codes[g, jj[t - k]]
            dup = False
            for u in range(t):
                w = codes[g, ii[u]] if u < k else codes[g, jj[u - k]]
                if w == v:
                    dup = True
                    break
            if dup:
                continue
            net = 0  # change of class a's count of value v
            for u in range(k):
                if codes[g, jj[u]] == v:
                    net += 1
                if codes[g, ii[u]] == v:
                    net -= 1
            if net == 0:
                continue
            ea = C[a, v] - T[a, v]
            eb = C[b, v] - T[b, v]
            d += _cat_cost(ea + net, dz[v], hb[v], w_cat, band) - _cat_cost(ea, dz[v], hb[v], w_cat, band)
            d += _cat_cost(eb - net, dz[v], hb[v], w_cat, band) - _cat_cost(eb, dz[v], hb[v], w_cat, band)
    return d


@njit(cache=True)
def _mix(x):
    """splitmix64 finaliser: an order-free fingerprint of a set of swaps is the
    wrapped sum of the fingerprints of its members."""
    z = np.uint64(x) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _keep_best(n, cost, fp, keep):
    """Indices of the ``keep`` cheapest of the first n states (sets met twice
    kept once), cheapest first."""
    order = np.argsort(cost[:n], kind="mergesort")
    out = np.empty(min(n, keep), dtype=np.int64)
    m = 0
    for t in range(n):
        s = order[t]
        if m > 0:
            p = out[m - 1]
            if cost[p] == cost[s] and fp[p] == fp[s]:
                continue
        out[m] = s
        m += 1
        if m == keep:
            break
    return out[:m]


@njit(cache=True)
def _pool(cap, levels, nf):
    """Room for ``cap`` sets of swaps: the swaps (as single-swap indices), the
    change of every class sum (S, Q, N), the cost and the fingerprint."""
    return (np.zeros((cap, levels), dtype=np.int64), np.zeros((cap, nf), dtype=np.int64),
            np.zeros((cap, nf), dtype=np.int64), np.zeros((cap, nf), dtype=np.int64),
            np.zeros(cap, dtype=np.float64), np.zeros(cap, dtype=np.uint64))


@njit(cache=True)
def _gather(rows, src, dst):
    """Copy the sets ``rows`` of pool ``src`` to the front of pool ``dst``.  When
    the two are one pool, ``rows`` must be ascending (row w is only written
    after every row still to be read was read)."""
    for w in range(rows.shape[0]):
        r = rows[w]
        dst[0][w] = src[0][r]
        dst[1][w] = src[1][r]
        dst[2][w] = src[2][r]
        dst[3][w] = src[3][r]
        dst[4][w] = src[4][r]
        dst[5][w] = src[5][r]


@njit(cache=True)
def _best_in_pair(a, b, cls, frozen, X, XX, P, S, Q, N, Mc, M2, wm, ws, codes, C, T, dz, hb, w_cat, band,
                  apart_ptr, apart_idx, key_floor, beam, levels):
    """Best improving move between classes a and b, of one to ``levels``
    swaps, found by a beam search: every single swap, then the ``beam``
    cheapest sets extended by one more swap from a window on the key score.
    Returns (delta, students leaving a, students leaving b, swaps, evals);
    delta >= 0 when nothing improves."""
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
    best_i = np.full(levels, -1, dtype=np.int64)
    best_j = np.full(levels, -1, dtype=np.int64)
    si = np.empty(na * nb, dtype=np.int64)
    sj = np.empty(na * nb, dtype=np.int64)
    m = 0
    for x in range(na):
        i = A[x]
        for y in range(nb):
            j = B[y]
            ok = True
            for t in range(apart_ptr[i], apart_ptr[i + 1]):
                p = apart_idx[t]
                if p != j and cls[p] == b:
                    ok = False
            for t in range(apart_ptr[j], apart_ptr[j + 1]):
                p = apart_idx[t]
                if p != i and cls[p] == a:
                    ok = False
            if ok:
                si[m] = i
                sj[m] = j
                m += 1
    zero = np.zeros(nf, dtype=np.int64)
    cur_num = _num_pair(a, b, zero, zero, zero, S, Q, N, Mc, M2, wm, ws)
    cur_cat = 0.0
    for v in range(C.shape[1]):
        cur_cat += _cat_cost(C[a, v] - T[a, v], dz[v], hb[v], w_cat, band)
        cur_cat += _cat_cost(C[b, v] - T[b, v], dz[v], hb[v], w_cat, band)
    cur = cur_num + cur_cat
    best = cur
    best_k = 0
    evals = 0
    if m == 0:
        return 0.0, best_i, best_j, 0, evals
    # the key: the score whose mean costs most in these two classes; every
    # set of swaps looked at keeps its mean cost under max(now, key_floor)
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
    # single swaps in the order of their change of the key score's sum
    key = np.zeros(m, dtype=np.float64)
    if nf:
        for s in range(m):
            key[s] = X[key_f, sj[s]] - X[key_f, si[s]]
    order = np.argsort(key, kind="mergesort")
    si = si[order]
    sj = sj[order]
    skey = key[order]
    dS = np.empty((m, nf), dtype=np.int64)
    dQ = np.empty((m, nf), dtype=np.int64)
    dN = np.empty((m, nf), dtype=np.int64)
    exact = True
    for s in range(m):
        for f in range(nf):
            dS[s, f] = X[f, sj[s]] - X[f, si[s]]
            dQ[s, f] = XX[f, sj[s]] - XX[f, si[s]]
            dN[s, f] = P[f, sj[s]] - P[f, si[s]]
        if nf and dN[s, key_f] != 0:
            exact = False  # counts change: a window on the sum is no bound
    fp1 = np.empty(m, dtype=np.uint64)
    for s in range(m):
        fp1[s] = _mix(s)
    # level 1: every single swap
    beam_pool = _pool(max(beam, m), levels, nf)
    sets, sS, sQ, sN, scost, sfp = beam_pool
    ii = np.empty(levels, dtype=np.int64)
    jj = np.empty(levels, dtype=np.int64)
    for s in range(m):
        sets[s, 0] = s
        for f in range(nf):
            sS[s, f] = dS[s, f]
            sQ[s, f] = dQ[s, f]
            sN[s, f] = dN[s, f]
        ii[0] = si[s]
        jj[0] = sj[s]
        scost[s] = _num_pair(a, b, dS[s], dQ[s], dN[s], S, Q, N, Mc, M2, wm, ws) + cur_cat + _cat_delta_k(
            a, b, ii, jj, 1, codes, C, T, dz, hb, w_cat, band)
        sfp[s] = fp1[s]
        evals += 1
        if scost[s] < best - 1e-12:
            best = scost[s]
            best_k = 1
            best_i[0] = si[s]
            best_j[0] = sj[s]
    kept = _keep_best(m, scost, sfp, beam)
    nkept = kept.shape[0]
    buf_cap = 4 * beam
    buf_pool = _pool(buf_cap, levels, nf)
    bsets, bS, bQ, bN, bcost, bfp = buf_pool
    tS = np.empty(nf, dtype=np.int64)
    tQ = np.empty(nf, dtype=np.int64)
    tN = np.empty(nf, dtype=np.int64)
    for level in range(1, levels):
        last = level + 1 >= levels
        nbuf = 0
        thresh = np.inf
        for q in range(nkept):
            p = kept[q]
            # the key window for this set's next swap
            lo = -np.inf
            hi = np.inf
            if exact and nf and wm[key_f] > 0.0 and N[key_f, a] > 0 and N[key_f, b] > 0:
                pa = 1.0 / N[key_f, a]
                pb = 1.0 / N[key_f, b]
                ea = (S[key_f, a] + sS[p, key_f]) * pa - Mc[key_f, a]
                eb = (S[key_f, b] - sS[p, key_f]) * pb - Mc[key_f, b]
                al = wm[key_f] * (pa * pa + pb * pb)
                be = 2.0 * wm[key_f] * (pa * ea - pb * eb)
                ga = wm[key_f] * (ea * ea + eb * eb) - key_budget
                disc = be * be - 4.0 * al * ga
                if disc < 0.0:
                    continue
                r = math.sqrt(disc)
                lo = (-be - r) / (2.0 * al)
                hi = (-be + r) / (2.0 * al)
            left = 0
            right = m
            while left < right:
                mid = (left + right) // 2
                if skey[mid] < lo:
                    left = mid + 1
                else:
                    right = mid
            for u in range(level):
                ii[u] = si[sets[p, u]]
                jj[u] = sj[sets[p, u]]
            for t in range(left, m):
                if skey[t] > hi:
                    break
                i2 = si[t]
                j2 = sj[t]
                clash = False
                for u in range(level):
                    if ii[u] == i2 or jj[u] == j2:
                        clash = True
                        break
                    if apart_ptr[i2 + 1] > apart_ptr[i2] and _partners(i2, ii[u], apart_ptr, apart_idx):
                        clash = True
                        break
                    if apart_ptr[j2 + 1] > apart_ptr[j2] and _partners(j2, jj[u], apart_ptr, apart_idx):
                        clash = True
                        break
                if clash:
                    continue
                for f in range(nf):
                    tS[f] = sS[p, f] + dS[t, f]
                    tQ[f] = sQ[p, f] + dQ[t, f]
                    tN[f] = sN[p, f] + dN[t, f]
                num = _num_pair(a, b, tS, tQ, tN, S, Q, N, Mc, M2, wm, ws)
                evals += 1
                # category costs only add: a set this dear can neither win nor stay in the beam
                if num >= (best if last else max(thresh, best)):
                    continue
                ii[level] = i2
                jj[level] = j2
                total = num + cur_cat + _cat_delta_k(a, b, ii, jj, level + 1, codes, C, T, dz, hb, w_cat, band)
                if total < best - 1e-12:
                    best = total
                    best_k = level + 1
                    for u in range(level + 1):
                        best_i[u] = ii[u]
                        best_j[u] = jj[u]
                if not last and total < thresh:
                    if nbuf == buf_cap:
                        keep = np.sort(_keep_best(nbuf, bcost, bfp, beam))
                        _gather(keep, buf_pool, buf_pool)
                        nbuf = keep.shape[0]
                        thresh = bcost[:nbuf].max()
                        if total >= thresh:
                            continue
                    for u in range(level):
                        bsets[nbuf, u] = sets[p, u]
                    bsets[nbuf, level] = t
                    for f in range(nf):
                        bS[nbuf, f] = tS[f]
                        bQ[nbuf, f] = tQ[f]
                        bN[nbuf, f] = tN[f]
                    bcost[nbuf] = total
                    bfp[nbuf] = sfp[p] + fp1[t]
                    nbuf += 1
        if last or nbuf == 0:
            break
        keep = _keep_best(nbuf, bcost, bfp, beam)
        nkept = keep.shape[0]
        _gather(keep, buf_pool, beam_pool)
        kept = np.arange(nkept)
    return best - cur, best_i, best_j, best_k, evals


@njit(cache=True, nogil=True)
def pair_descent(cls, frozen, X, XX, P, S, Q, N, Mc, M2, wm, ws, codes, C, T, dz, hb, w_cat, band,
                 apart_ptr, apart_idx, key_floor, beam, levels, max_evals, progress):
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
                d, out_a, out_b, k_sw, e = _best_in_pair(a, b, cls, frozen, X, XX, P, S, Q, N, Mc, M2, wm, ws,
                                                         codes, C, T, dz, hb, w_cat, band, apart_ptr, apart_idx,
                                                         key_floor, beam, levels)
                evals += e
                progress[0] = min(0.99, evals / max_evals)
                if d < -1e-9:
                    for t in range(k_sw):
                        _apply(out_a[t], out_b[t], cls, X, XX, P, S, Q, N, codes, C)
                    moves += 1
                    improved = True
                if evals >= max_evals:
                    return moves, evals
        if not improved:
            break
    return moves, evals
