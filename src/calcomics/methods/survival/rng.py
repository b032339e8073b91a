"""R's default uniform generator (``RNGkind("Mersenne-Twister", "Inversion")``).

``RRandom(seed).unif_rand(n)`` returns the same doubles as ``set.seed(seed); runif(n)`` in R
(and as the C API ``unif_rand()`` called ``n`` times, which is what compiled package code
such as TSHRC's Fortran draws from).  The steps follow R's ``src/main/RNG.c``:

1. ``set.seed(seed)``: the seed (an R integer, taken modulo 2^32) is scrambled by 50 steps of
   the LCG ``s <- 69069 s + 1 (mod 2^32)``; 625 further steps fill ``dummy[0..624]``;
   ``dummy[0]`` is the position (reset to 624), ``dummy[1..624]`` the MT19937 state.
2. Each draw is the standard MT19937 tempered 32-bit output ``y`` times ``2^-32``; a draw of
   exactly 0 is replaced by ``0.5 / (2^32 - 1)`` (R's ``fixup``; 1 cannot occur).

The twister itself is numpy's ``MT19937`` bit generator (the reference MT19937 algorithm)
loaded with R's state, so draws are vectorised.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RRandom"]

_MT_N = 624
_LCG_MULTIPLIER = 69069
_MASK32 = 0xFFFFFFFF
#: R: ``MT_genrand`` scales by 2.3283064365386963e-10 = 2^-32.
_TWO_POW_MINUS_32 = 2.3283064365386963e-10
#: R ``fixup``: ``0.5 * i2_32m1`` with ``i2_32m1 = 1/(2^32 - 1)``.
_ZERO_REPLACEMENT = 0.5 * 2.328306437080797e-10
_R_INT_MAX = 2**31 - 1


def _mt_state_after_set_seed(seed: int) -> np.ndarray:
    """The 624 MT19937 state words R holds after ``set.seed(seed)``."""
    s = seed & _MASK32
    for _ in range(50):  # initial scrambling
        s = (_LCG_MULTIPLIER * s + 1) & _MASK32
    words = np.empty(_MT_N + 1, dtype=np.uint32)
    for j in range(_MT_N + 1):  # dummy[0] (position, overwritten) and the state
        s = (_LCG_MULTIPLIER * s + 1) & _MASK32
        words[j] = s
    return words[1:]


class RRandom:
    """R's Mersenne-Twister stream after ``set.seed(seed)``; successive calls continue it.

    ``seed`` must be an R integer (``|seed| <= 2^31 - 1``; R's ``NA_integer_`` is excluded).
    """

    def __init__(self, seed: int):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"RRandom(): argument 'seed' must be an integer, got {seed!r}")
        if abs(int(seed)) > _R_INT_MAX:
            raise ValueError(
                f"RRandom(): argument 'seed' must lie in [-{_R_INT_MAX}, {_R_INT_MAX}] "
                f"(an R integer), got {seed}"
            )
        self.seed = int(seed)
        self._bits = np.random.MT19937()
        self._bits.state = {
            "bit_generator": "MT19937",
            "state": {"key": _mt_state_after_set_seed(self.seed), "pos": _MT_N},
        }

    def unif_rand(self, n: int) -> np.ndarray:
        """The next ``n`` draws of R ``unif_rand()`` (float64 in (0, 1))."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"unif_rand(): argument 'n' must be a non-negative integer, got {n!r}")
        draws = self._bits.random_raw(int(n)).astype(np.float64) * _TWO_POW_MINUS_32
        draws[draws <= 0.0] = _ZERO_REPLACEMENT
        return draws
