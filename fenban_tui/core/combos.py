"""Combined exchanges between two classes (compiled): the last stage of a start.

After annealing and the exchange descent the class means sit a few hundredths
of a point apart, and the category bands (every gender, school, boarding and
总分-decile count within one student of its share) make the placement rigid:
fewer than one single swap in two hundred keeps every count in its band, and
none of those closes the gap, since a swap moves every score's class sum by a
whole student's difference at once.

Here, for two classes a and b:

1. every group of 1..L movable students of a is matched with every group of
   the same size of b that may be exchanged with it without leaving any band:
   values whose count cannot move for these two classes (the *rigid* ones)
   must match exactly, found by a hash join on them; the others may move by
   the one student their band leaves room for (checked exactly);
2. two such exchanges are combined (up to 2L students each way) when their
   subject-sum changes add up to nearly the change that levels the two
   classes' means: for each exchange the partners are looked up on a grid of
   the subject sums, one point a cell, around what it still lacks;
3. every candidate, single or combined, is scored exactly on the two classes'
   means and spreads (an SD within ``dead zone`` points of the roster's costs
   nothing: the means are what parents compare to the hundredth), combined
   exchanges must not share a student and must keep every count in its band;
   the best improving one is applied.

Class pairs are visited in a fixed order, a pair again only after one of its
classes changed, until no pair improves (or a visit budget is spent).

Deterministic: no random numbers, integer sums, stable sorts, a budget counted
in visits, plain IEEE arithmetic.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .pairmoves import _mix

GROUP = 3  # students exchanged each way by one exchange (a combined move: twice that)
CAP = 100_000  # exchanges listed for one pair of classes at most
# grid cell of the combination lookup, in points of a subject's sum, by the number of
# scores on the grid: fewer scores constrain less, so their cells are finer
WIDTH = {1: 0.02, 2: 0.2, 3: 1.0}
GRID_SCORES = 3  # more subjects: the three furthest off for the two classes make the grid
DEAD_ZONES = (0.07, 0.09)  # SD dead zone of each stage, in points: the second frees the means a little more …
POLISH_ABOVE = 0.017  # … and runs only while a subject's class means are further apart than this (points)
VISITS_MIN = 800  # visit budget: at least this many pair visits (12 classes use 250-450) …
VISITS_PER_PAIR = 2.5  # … or this many per pair of classes (36 classes: 630 pairs, about 18 s here) …
VISITS_MAX_PER_PAIR = 8  # … but never more than this many per pair (6 classes: 120)


@njit(cache=True, nogil=True)
def _argsort(key):
    """Stable argsort of int64 keys (bottom-up merge sort): numba's own
    mergesort compiles for seconds on a cold cache, once per key type."""
    n = key.shape[0]
    order = np.arange(n)
    tmp = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, t = lo, mid, lo
            while i < mid and j < hi:
                if key[order[j]] < key[order[i]]:
                    tmp[t] = order[j]
                    j += 1
                else:
                    tmp[t] = order[i]
                    i += 1
                t += 1
            while i < mid:
                tmp[t] = order[i]
                i += 1
                t += 1
            while j < hi:
                tmp[t] = order[j]
                j += 1
                t += 1
            lo = hi
        order, tmp = tmp, order
        width *= 2
    return order


@njit(cache=True, nogil=True)
def groups_of(members, size_max, X, XX):
    """Every group of 1..size_max of ``members``: the students (-1 padded) and
    the group's sums of every feature (X and XX), in a fixed order."""
    m = members.shape[0]
    nf = X.shape[0]
    tot = 0
    c = 1
    for s in range(1, size_max + 1):
        if s > m:
            break
        c = c * (m - s + 1) // s
        tot += c
    ids = np.full((tot, size_max), -1, dtype=np.int64)
    sums = np.zeros((tot, nf), dtype=np.int64)
    sq = np.zeros((tot, nf), dtype=np.int64)
    t = 0
    idx = np.zeros(size_max, dtype=np.int64)
    for s in range(1, size_max + 1):
        if s > m:
            break
        for u in range(s):
            idx[u] = u
        while True:
            for u in range(s):
                st = members[idx[u]]
                ids[t, u] = st
                for f in range(nf):
                    sums[t, f] += X[f, st]
                    sq[t, f] += XX[f, st]
            t += 1
            u = s - 1
            while u >= 0 and idx[u] == m - s + u:
                u -= 1
            if u < 0:
                break
            idx[u] += 1
            for w in range(u + 1, s):
                idx[w] = idx[w - 1] + 1
    return ids, sums, sq


@njit(cache=True, nogil=True)
def _box(a, b, C, T, hb):
    """How far class a's count of each value may change (b's the opposite way)
    with both classes inside their bands: lo, hi in {-1, 0, 1}."""
    V = C.shape[1]
    lo = np.zeros(V, dtype=np.int64)
    hi = np.zeros(V, dtype=np.int64)
    for v in range(V):
        if abs(C[a, v] - 1 - T[a, v]) < hb[v] and abs(C[b, v] + 1 - T[b, v]) < hb[v]:
            lo[v] = -1
        if abs(C[a, v] + 1 - T[a, v]) < hb[v] and abs(C[b, v] - 1 - T[b, v]) < hb[v]:
            hi[v] = 1
    return lo, hi


@njit(cache=True, nogil=True)
def _rigid_hash(ids, codes, rigid):
    """A hash of each group's size and of its rigid values (order-free): the
    wrapped sum of its students' hashes of their rigid values."""
    n_students = codes.shape[1]
    own = np.zeros(n_students, dtype=np.uint64)
    seen = np.zeros(n_students, dtype=np.bool_)
    n = ids.shape[0]
    out = np.empty(n, dtype=np.int64)  # the hash's bits, as int64 (one key type to sort)
    for t in range(n):
        s = 0
        h = np.uint64(0)
        for u in range(ids.shape[1]):
            st = ids[t, u]
            if st < 0:
                break
            s += 1
            if not seen[st]:
                seen[st] = True
                for g in range(codes.shape[0]):
                    v = codes[g, st]
                    if rigid[v]:
                        own[st] += _mix(np.uint64(v + 1))
            h += own[st]
        out[t] = np.int64(h + _mix(np.uint64(9000 + s)))
    return out


@njit(cache=True, nogil=True)
def _in_box(net, lo, hi):
    for v in range(net.shape[0]):
        if net[v] < lo[v] or net[v] > hi[v]:
            return False
    return True


@njit(cache=True, nogil=True)
def _count(net, ids, p, codes, sign):
    for u in range(ids.shape[1]):
        st = ids[p, u]
        if st < 0:
            break
        for g in range(codes.shape[0]):
            net[codes[g, st]] += sign


@njit(cache=True, nogil=True)
def _profile(ids, codes, slot, ns):
    """Each group's count of every value that may move (``slot``: its column, or -1)."""
    out = np.zeros((ids.shape[0], max(ns, 1)), dtype=np.int64)
    for t in range(ids.shape[0]):
        for u in range(ids.shape[1]):
            st = ids[t, u]
            if st < 0:
                break
            for g in range(codes.shape[0]):
                c = slot[codes[g, st]]
                if c >= 0:
                    out[t, c] += 1
    return out


@njit(cache=True, nogil=True)
def exchanges(a, b, ids_a, sum_a, sq_a, ids_b, sum_b, sq_b, codes, C, T, hb, cap):
    """Every exchange of a group of a for a group of b of the same size that
    keeps both classes inside every band (at most ``cap``): the two groups'
    rows, the change of a's sums, and the allowed box.  The rigid values are
    matched by hash (the move finally chosen is checked exactly: ``allowed``),
    the others count by count."""
    lo, hi = _box(a, b, C, T, hb)
    rigid = (lo == 0) & (hi == 0)
    slot = np.full(lo.shape[0], -1, dtype=np.int64)
    ns = 0
    for v in range(lo.shape[0]):
        if not rigid[v]:
            slot[v] = ns
            ns += 1
    lo_s = np.empty(max(ns, 1), dtype=np.int64)
    hi_s = np.empty(max(ns, 1), dtype=np.int64)
    for v in range(lo.shape[0]):
        if slot[v] >= 0:
            lo_s[slot[v]] = lo[v]
            hi_s[slot[v]] = hi[v]
    pa = _profile(ids_a, codes, slot, ns)
    pb = _profile(ids_b, codes, slot, ns)
    ha = _rigid_hash(ids_a, codes, rigid)
    hb_ = _rigid_hash(ids_b, codes, rigid)
    oa = _argsort(ha)
    ob = _argsort(hb_)
    nf = sum_a.shape[1]
    ga = np.empty(cap, dtype=np.int64)
    gb = np.empty(cap, dtype=np.int64)
    dS = np.empty((cap, nf), dtype=np.int64)
    dQ = np.empty((cap, nf), dtype=np.int64)
    m = 0
    x = 0
    y = 0
    na = ha.shape[0]
    nb = hb_.shape[0]
    while x < na and y < nb and m < cap:
        hx = ha[oa[x]]
        hy = hb_[ob[y]]
        if hx < hy:
            x += 1
        elif hx > hy:
            y += 1
        else:
            x1 = x
            while x1 < na and ha[oa[x1]] == hx:
                x1 += 1
            y1 = y
            while y1 < nb and hb_[ob[y1]] == hx:
                y1 += 1
            for pp in range(x, x1):
                p = oa[pp]
                for qq in range(y, y1):
                    if m == cap:
                        break
                    q = ob[qq]
                    ok = True
                    for c in range(ns):
                        d = pb[q, c] - pa[p, c]
                        if d < lo_s[c] or d > hi_s[c]:
                            ok = False
                            break
                    if ok:
                        ga[m] = p
                        gb[m] = q
                        for f in range(nf):
                            dS[m, f] = sum_b[q, f] - sum_a[p, f]
                            dQ[m, f] = sq_b[q, f] - sq_a[p, f]
                        m += 1
            x = x1
            y = y1
    return ga[:m], gb[:m], dS[:m], dQ[:m], lo, hi


@njit(cache=True, nogil=True)
def allowed(ids_a, ids_b, p1, q1, p2, q2, codes, lo, hi):
    """Exactly: groups p1 and p2 of a for q1 and q2 of b (p2, q2 == p1, q1:
    one exchange) share no student and keep every count inside the box."""
    two = p2 != p1 or q2 != q1
    if two and not (_disjoint(ids_a, p1, p2) and _disjoint(ids_b, q1, q2)):
        return False
    net = np.zeros(lo.shape[0], dtype=np.int64)
    _count(net, ids_a, p1, codes, -1)
    _count(net, ids_b, q1, codes, 1)
    if two:
        _count(net, ids_a, p2, codes, -1)
        _count(net, ids_b, q2, codes, 1)
    return _in_box(net, lo, hi)


@njit(cache=True, nogil=True)
def _cost(S, Q, N, M, M2, wm, ws, dz):
    if N <= 0:
        return 0.0
    nf = float(N)
    d = S / nf - M
    e = abs(Q / nf - M2) - dz
    if e < 0.0:
        e = 0.0
    return wm * d * d + ws * e * e


@njit(cache=True, nogil=True)
def _pair_cost(a, b, dS, dQ, S, Q, N, Mc, M2, wm, ws, dz):
    """Cost of classes a and b after a's sums change by dS, dQ (b's the other way)."""
    c = 0.0
    for f in range(S.shape[0]):
        c += _cost(S[f, a] + dS[f], Q[f, a] + dQ[f], N[f, a], Mc[f, a], M2[f], wm[f], ws[f], dz[f])
        c += _cost(S[f, b] - dS[f], Q[f, b] - dQ[f], N[f, b], Mc[f, b], M2[f], wm[f], ws[f], dz[f])
    return c


@njit(cache=True, nogil=True)
def _disjoint(ids, p1, p2):
    for u in range(ids.shape[1]):
        i = ids[p1, u]
        if i < 0:
            break
        for w in range(ids.shape[1]):
            if ids[p2, w] == i:
                return False
    return True


@njit(cache=True, nogil=True)
def best_move(a, b, ids_a, ids_b, ga, gb, dS, dQ, lo, hi, codes, grid, width, S, Q, N, Mc, M2, wm, ws, dz):
    """The best exchange, or combination of two, for classes a and b.
    Returns (cost change, first exchange, second exchange or -1, evaluations);
    the change is >= 0 when nothing improves."""
    m = ga.shape[0]
    nf = S.shape[0]
    zero = np.zeros(nf, dtype=np.int64)
    cur = _pair_cost(a, b, zero, zero, S, Q, N, Mc, M2, wm, ws, dz)
    best = cur
    b1 = -1
    b2 = -1
    evals = 0
    for x in range(m):
        c = _pair_cost(a, b, dS[x], dQ[x], S, Q, N, Mc, M2, wm, ws, dz)
        evals += 1
        if c < best - 1e-12 and allowed(ids_a, ids_b, ga[x], gb[x], ga[x], gb[x], codes, lo, hi):
            best = c
            b1 = x
    nd = grid.shape[0]
    if m < 2 or nd == 0:
        return best - cur, b1, b2, evals
    # the change of a's sum of each grid score that levels the two classes' means
    want = np.zeros(nd)
    for d in range(min(nd, 3)):
        f = grid[d]
        na_ = float(N[f, a])
        nb_ = float(N[f, b])
        num = (Mc[f, a] - S[f, a] / na_) / na_ - (Mc[f, b] - S[f, b] / nb_) / nb_
        want[d] = num / (1.0 / (na_ * na_) + 1.0 / (nb_ * nb_))
    # each exchange's cell on the grid; the first two grid scores make a column,
    # the last orders the exchanges within it
    cell = np.empty((m, 3), dtype=np.int64)
    for x in range(m):
        for d in range(3):
            cell[x, d] = int(np.floor(dS[x, grid[d]] / width)) if d < nd else 0
    lo0, lo1, hi0, hi1 = cell[0, 0], cell[0, 1], cell[0, 0], cell[0, 1]
    for x in range(1, m):
        lo0 = min(lo0, cell[x, 0])
        hi0 = max(hi0, cell[x, 0])
        lo1 = min(lo1, cell[x, 1])
        hi1 = max(hi1, cell[x, 1])
    w0 = hi0 - lo0 + 1
    w1 = hi1 - lo1 + 1
    key = np.empty(m, dtype=np.int64)
    for x in range(m):
        key[x] = ((cell[x, 0] - lo0) * w1 + (cell[x, 1] - lo1)) * (1 << 24) + cell[x, 2] + (1 << 23)
    order = _argsort(key)
    start = np.zeros(w0 * w1 + 1, dtype=np.int64)  # where each column begins in ``order``
    for x in range(m):
        start[(cell[x, 0] - lo0) * w1 + (cell[x, 1] - lo1) + 1] += 1
    for c in range(w0 * w1):
        start[c + 1] += start[c]
    tS = np.empty(nf, dtype=np.int64)
    tQ = np.empty(nf, dtype=np.int64)
    aim = np.zeros(3, dtype=np.int64)
    for x in range(m):
        for d in range(min(nd, 3)):
            aim[d] = int(np.floor((want[d] - dS[x, grid[d]]) / width))
        for o0 in range(-1, 2):
            c0 = aim[0] + o0 - lo0
            if c0 < 0 or c0 >= w0:
                continue
            for o1 in range(-1, 2) if nd > 1 else range(0, 1):
                c1 = aim[1] + o1 - lo1 if nd > 1 else 0
                if c1 < 0 or c1 >= w1:
                    continue
                col = c0 * w1 + c1
                for t in range(start[col], start[col + 1]):
                    y = order[t]
                    if nd > 2 and (cell[y, 2] < aim[2] - 1 or cell[y, 2] > aim[2] + 1):
                        continue
                    if y <= x:
                        continue
                    for f in range(nf):
                        tS[f] = dS[x, f] + dS[y, f]
                        tQ[f] = dQ[x, f] + dQ[y, f]
                    c = _pair_cost(a, b, tS, tQ, S, Q, N, Mc, M2, wm, ws, dz)
                    evals += 1
                    if c < best - 1e-12 and allowed(ids_a, ids_b, ga[x], gb[x], ga[y], gb[y], codes, lo, hi):
                        best = c
                        b1 = x
                        b2 = y
    return best - cur, b1, b2, evals
