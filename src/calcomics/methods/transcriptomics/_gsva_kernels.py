"""Compiled (numba) loops behind :mod:`calcomics.methods.transcriptomics.gsva`.

Private module. The loops follow the floating-point operation order of the reference C/R
code (GSVA 1.42-1.46: ``src/kernel_estimation.c``, ``src/ks_test.c``, ``R/gsva.R``) wherever
the last bits can change a result:

* the Gaussian kernel CDF adds ``Phi~((x_j - x_i) / h)`` strictly in sample order
  ``i = 1..n`` for every target ``j`` (loop ``i`` outer / ``j`` inner with one accumulator per
  ``j``: same order, and LLVM vectorises over ``j``), each term being the reference's table
  entry (index ``int(|v| / 10 * 10000)`` of ``v = d / h``, see ``gaussian_kcdf_logit``).
  Mathematically equal ``F`` of different genes (frequent with RNA-seq ties) are then equal
  or unequal exactly as in R, so genes order as in R;
* orderings are *stable* (ties keep row order), as R's ``order(..., decreasing = TRUE)``;
  they come from an LSD radix argsort on order-preserving 64-bit keys (stable by
  construction); ``-0.0`` and ``+0.0`` are the same key (R compares them equal);
* the random-walk extremes use a closed form at the member positions (differs from R's
  running sum by rounding only, ~1e-16) and replay R's running sum exactly where the
  rounding could flip a decision (``mx_diff=False`` near-ties).

All kernels use ``error_model="numpy"`` so a division by zero gives ``inf``/``nan`` as in C
instead of raising.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}

_RADIX_BITS = 11
_RADIX_SIZE = 1 << _RADIX_BITS
_RADIX_PASSES = 6  # 6 * 11 bits >= 64 bits
_SIGN = np.uint64(1 << 63)

# Lookup table layout used by the Gaussian kernel: entries 0..10000 hold Phi(10 k / 10000)
# (for v >= 0), entries 10001..20001 hold 1 - Phi(10 k / 10000) (for v < 0).
TABLE_RESOLUTION = 10000
TABLE_MAX = 10.0


@numba.njit(**_JIT)
def _float_keys(values: np.ndarray, descending: bool, keys: np.ndarray) -> None:
    """Order-preserving uint64 keys of finite or infinite float64 values (no NaN)."""
    bits = (values + 0.0).view(np.uint64)  # + 0.0 maps -0.0 to +0.0
    for i in range(values.size):
        b = bits[i]
        key = ~b if (b & _SIGN) else (b | _SIGN)
        keys[i] = ~key if descending else key


@numba.njit(**_JIT)
def _radix_argsort(keys: np.ndarray, order: np.ndarray, keys_tmp: np.ndarray,
                   order_tmp: np.ndarray, counts: np.ndarray) -> None:
    """Stable ascending argsort of uint64 ``keys`` into ``order`` (LSD radix, 11-bit digits).

    ``keys`` is overwritten (left sorted); the ``*_tmp`` arrays and ``counts``
    (shape ``(6, 2048)``) are scratch space so callers can reuse them across columns.
    """
    p = keys.size
    mask = np.uint64(_RADIX_SIZE - 1)
    counts[:, :] = 0
    for i in range(p):
        k = keys[i]
        for d in range(_RADIX_PASSES):
            counts[d, (k >> np.uint64(_RADIX_BITS * d)) & mask] += 1
        order[i] = i
    src_k, src_o, dst_k, dst_o = keys, order, keys_tmp, order_tmp
    for d in range(_RADIX_PASSES):
        shift = np.uint64(_RADIX_BITS * d)
        # a digit shared by every key leaves the order unchanged: skip the pass
        first = (src_k[0] >> shift) & mask
        if counts[d, first] == p:
            continue
        total = 0
        for b in range(_RADIX_SIZE):
            c = counts[d, b]
            counts[d, b] = total
            total += c
        for i in range(p):
            k = src_k[i]
            b = (k >> shift) & mask
            slot = counts[d, b]
            counts[d, b] = slot + 1
            dst_k[slot] = k
            dst_o[slot] = src_o[i]
        src_k, src_o, dst_k, dst_o = dst_k, dst_o, src_k, src_o
    if src_o is not order:
        order[:] = src_o
        keys[:] = src_k


@numba.njit(**_JIT)
def _exact_table_index(d: float, h: float) -> int:
    """The reference's lookup index for a difference ``d = x_j - x_i``: ``v = d / h``,
    ``int(|v| / 10 * 10000)`` (clipped at the last entry), offset for ``v < 0``."""
    v = d / h
    a = min(abs(v), 11.0)
    k = min(int(a / TABLE_MAX * TABLE_RESOLUTION), TABLE_RESOLUTION)
    if v < 0.0:
        k += TABLE_RESOLUTION + 1
    return k


@numba.njit(**_JIT)
def _distinct_values(row: np.ndarray, values: np.ndarray, inverse: np.ndarray) -> int:
    """Sorted distinct values of ``row`` into ``values``; ``inverse[i]`` = slot of ``row[i]``.
    Returns the number of distinct values (-0.0 and +0.0 share a slot)."""
    order = np.argsort(row)
    u = 0
    for q in range(row.size):
        v = row[order[q]]
        if u == 0 or v != values[u - 1]:
            values[u] = v
            u += 1
        inverse[order[q]] = u - 1
    return u


@numba.njit(parallel=True, **_JIT)
def gaussian_kcdf_logit(x: np.ndarray, rows: np.ndarray, bw: np.ndarray,
                        table: np.ndarray) -> np.ndarray:
    """GSVA's Gaussian kernel CDF, returned transposed (samples x genes) as ``-log((1-F)/F)``.

    ``x`` is genes x samples (C order), ``rows`` the genes to use (so filtering needs no
    copy of ``x``), ``bw`` their bandwidths ``sd / 4`` (> 0), ``table`` the 20002-entry
    lookup table described at module level.

    Two exact shortcuts:

    * tied target values get identical sums (same terms, same order), so ``F`` is
      accumulated once per *distinct* value of the gene (RNA-seq zeros and rounded values);
    * the index is first computed with one multiplication, ``t = |d| * (1000 / h)``, which
      is within ~1e-11 of the reference's ``|d| / h / 10 * 10000``; the two can only
      truncate to different integers when ``t`` is within that distance of an integer >= 1.
      Any reference sample ``i`` with a ``t`` closer than 1e-9 to such an integer is
      recomputed with the reference's exact operations before its terms are added.

    So every accumulated term is the reference's term, added in the reference's order.
    """
    n = x.shape[1]
    p = rows.size
    out = np.empty((n, p))
    clip = TABLE_RESOLUTION + 500.5
    for g in numba.prange(p):
        row = x[rows[g]]
        h = bw[g]
        scale = 1000.0 / h
        values = np.empty(n)
        inverse = np.empty(n, dtype=np.int64)
        u = _distinct_values(row, values, inverse)
        acc = np.zeros(u)
        idx = np.empty(u, dtype=np.int64)
        for i in range(n):
            xi = row[i]
            near = 0
            for b in range(u):
                d = values[b] - xi
                a = abs(d) * scale
                t = a if a < clip else clip
                low = int(t - 1e-9)
                high = int(t + 1e-9)
                near += low != high
                k = high if high < TABLE_RESOLUTION else TABLE_RESOLUTION
                idx[b] = k + (TABLE_RESOLUTION + 1 if d < 0.0 else 0)
            if near:
                for b in range(u):
                    idx[b] = _exact_table_index(values[b] - xi, h)
            for b in range(u):
                # the mask is a no-op (indices < 20002) that spares numba's negative-index
                # wraparound, which would block vectorisation
                acc[b] += table[idx[b] & 32767]
        for j in range(n):
            f = acc[inverse[j]] / n
            out[j, g] = -1.0 * math.log((1.0 - f) / f)
    return out


@numba.njit(parallel=True, **_JIT)
def ecdf_logit(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``kcdf = "none"``: ``log(F / (1 - F))`` with ``F`` the empirical CDF (fraction <= x_j)
    of the genes ``rows`` of ``x``, returned transposed (samples x genes)."""
    n = x.shape[1]
    p = rows.size
    out = np.empty((n, p))
    for g in numba.prange(p):
        row = x[rows[g]]
        srt = np.sort(row)
        for j in range(n):
            cnt = np.searchsorted(srt, row[j], side="right")
            f = cnt / n
            out[j, g] = math.log(f / (1.0 - f))
    return out


@numba.njit(**_JIT)
def _walk_extremes_sequential(pos: np.ndarray, weights: np.ndarray, total: float,
                              p: int) -> tuple[float, float]:
    """E+ and E- exactly as GSVA's C ``ks_sample``: one running sum over all ``p`` positions,
    ``+w / total`` at a member, ``-1 / (p - m)`` at each other gene (same rounding)."""
    m = pos.size
    dec = 1.0 / (p - m)
    cum = 0.0
    e_pos = 0.0
    e_neg = 0.0
    last = 0
    for t in range(m + 1):
        stop = pos[t] if t < m else p
        for _ in range(stop - last):
            cum -= dec
        if cum < e_neg:
            e_neg = cum
        if t == m:
            break
        cum += weights[t] / total
        if cum > e_pos:
            e_pos = cum
        last = stop + 1
    return e_pos, e_neg


@numba.njit(parallel=True, **_JIT)
def gsva_walk_scores(zt: np.ndarray, set_members: np.ndarray, set_offsets: np.ndarray,
                     tau: float, mx_diff: bool, abs_ranking: bool) -> np.ndarray:
    """GSVA random-walk scores (sets x samples) from the transposed kernel statistics ``zt``.

    Per sample: stable decreasing order of ``zt[j]``; the gene at 0-based position ``k`` gets
    rank score ``r = |p - k - p/2|``. Per set (``m`` members, ``S = sum r^tau`` in listed
    order) the walk gains ``r^tau / S`` at a member and loses ``1 / (p - m)`` elsewhere; its
    maximum follows a member step and its minimum precedes one (or is the final 0), so both
    are read at the member positions in closed form, O(m log m) per set and sample. The
    closed form differs from the reference's running sum only by rounding (~1e-16); where
    that could matter -- ``mx_diff=False`` with E+ and |E-| within 1e-12, which decides the
    sign of the score -- the reference's running sum is replayed exactly.
    """
    n, p = zt.shape
    n_sets = set_offsets.size - 1
    es = np.empty((n_sets, n))
    half = p / 2.0
    for j in numba.prange(n):
        keys = np.empty(p, dtype=np.uint64)
        keys_tmp = np.empty(p, dtype=np.uint64)
        order = np.empty(p, dtype=np.int64)
        order_tmp = np.empty(p, dtype=np.int64)
        counts = np.empty((_RADIX_PASSES, _RADIX_SIZE), dtype=np.int64)
        _float_keys(zt[j], True, keys)
        _radix_argsort(keys, order, keys_tmp, order_tmp, counts)
        position = np.empty(p, dtype=np.int64)
        for k in range(p):
            position[order[k]] = k
        for s in range(n_sets):
            start = set_offsets[s]
            m = set_offsets[s + 1] - start
            pos = np.empty(m, dtype=np.int64)
            total = 0.0
            for t in range(m):
                k = position[set_members[start + t]]
                pos[t] = k
                r = abs((p - k) - half)
                total += r if tau == 1.0 else r ** tau
            pos.sort()
            weights = np.empty(m)
            for t in range(m):
                r = abs((p - pos[t]) - half)
                weights[t] = r if tau == 1.0 else r ** tau
            n_out = p - m
            cum = 0.0
            e_pos = 0.0
            e_neg = 0.0
            for t in range(m):
                out_before = (pos[t] - t) / n_out
                before = cum / total - out_before
                if before < e_neg:
                    e_neg = before
                cum += weights[t]
                after = cum / total - out_before
                if after > e_pos:
                    e_pos = after
            if not mx_diff and abs(e_pos + e_neg) <= 1e-12:
                e_pos, e_neg = _walk_extremes_sequential(pos, weights, total, p)
            if mx_diff:
                es[s, j] = e_pos - e_neg if abs_ranking else e_pos + e_neg
            else:
                es[s, j] = e_pos if e_pos > abs(e_neg) else e_neg
    return es


@numba.njit(parallel=True, **_JIT)
def ssgsea_scores(x: np.ndarray, set_members: np.ndarray, set_offsets: np.ndarray,
                  alpha: float) -> np.ndarray:
    """Unnormalised ssGSEA scores (sets x samples) of ``x`` given samples x genes (C order).

    Per sample: ``R`` = integer part of the average ascending rank, ``W = R^alpha``, ``ip`` =
    1-based position in the stable decreasing order of ``R`` (equivalently of the values,
    ties in row order); ``ES = sum W (p - ip + 1) / sum W - (p(p+1)/2 - sum (p - ip + 1)) /
    (p - m)``, the closed form of the summed running difference (GSVA ``.fastRndWalk``).
    """
    n, p = x.shape
    n_sets = set_offsets.size - 1
    es = np.empty((n_sets, n))
    tri = p * (p + 1.0) / 2.0
    pow_table = np.empty(p + 1)
    for r in range(p + 1):
        pow_table[r] = abs(float(r)) ** alpha
    for j in numba.prange(n):
        keys = np.empty(p, dtype=np.uint64)
        keys_tmp = np.empty(p, dtype=np.uint64)
        order = np.empty(p, dtype=np.int64)
        order_tmp = np.empty(p, dtype=np.int64)
        counts = np.empty((_RADIX_PASSES, _RADIX_SIZE), dtype=np.int64)
        _float_keys(x[j], False, keys)
        _radix_argsort(keys, order, keys_tmp, order_tmp, counts)
        # keys are now sorted ascending: walk the tie groups [s, e)
        trunc_rank = np.empty(p, dtype=np.int64)
        rev_score = np.empty(p, dtype=np.int64)  # p - ip + 1
        s = 0
        while s < p:
            e = s + 1
            while e < p and keys[e] == keys[s]:
                e += 1
            rank = (s + 1 + e) // 2  # int(average of ranks s+1..e)
            for q in range(s, e):
                g = order[q]
                trunc_rank[g] = rank
                ip = (p - e) + (q - s) + 1
                rev_score[g] = p - ip + 1
            s = e
        for si in range(n_sets):
            start = set_offsets[si]
            m = set_offsets[si + 1] - start
            num = 0.0
            den = 0.0
            rev_sum = 0
            for t in range(m):
                g = set_members[start + t]
                w = pow_table[trunc_rank[g]]
                num += w * rev_score[g]
                den += w
                rev_sum += rev_score[g]
            es[si, j] = num / den - (tri - rev_sum) / (p - m)
    return es
