"""Kroupa (2001) stellar initial mass function: pdf, moments and sampling.

dN/dm = k_i m^-alpha_i, continuous at the break masses (Kroupa 2001, MNRAS 322, 231, Eq. 2):

    alpha = 0.3 for 0.01 <= m/Msun < 0.08
    alpha = 1.3 for 0.08 <= m/Msun < 0.5
    alpha = 2.3 for 0.5  <= m/Msun

All functions take the lower and upper masses ``m_min``, ``m_max`` [Msun]; segments outside
them are dropped.  Sampling is exact inverse-CDF sampling of the piecewise power law.
"""

from __future__ import annotations

import numpy as np

KROUPA_BREAKS = (0.01, 0.08, 0.5)  # Msun, Kroupa 2001 Eq. 2
KROUPA_SLOPES = (0.3, 1.3, 2.3)


def _segments(m_min: float, m_max: float):
    """(lo, hi, alpha, k) of each segment inside [m_min, m_max], k making dN/dm continuous."""
    edges = list(KROUPA_BREAKS[1:]) + [np.inf]
    segs = []
    k = 1.0
    for i, alpha in enumerate(KROUPA_SLOPES):
        lo_i = KROUPA_BREAKS[i]
        hi_i = edges[i]
        if i > 0:  # continuity at the break: k_i b^-a_i = k_{i-1} b^-a_{i-1}
            b = KROUPA_BREAKS[i]
            k = k * b ** (alpha - KROUPA_SLOPES[i - 1])
        lo, hi = max(lo_i, m_min), min(hi_i, m_max)
        if hi > lo:
            segs.append((lo, hi, alpha, k))
    return segs


def _power_int(lo, hi, p):
    """Integral of m^p dm from lo to hi."""
    if abs(p + 1.0) < 1e-12:
        return np.log(hi / lo)
    return (hi ** (p + 1.0) - lo ** (p + 1.0)) / (p + 1.0)


def kroupa_moment(n: int, m_min: float = 0.08, m_max: float = 150.0,
                  lo: float | None = None, hi: float | None = None) -> float:
    """Integral of m^n dN/dm over [lo, hi] (default: the whole IMF), IMF normalised to 1 star.

    n = 0 gives the fraction of stars in [lo, hi], n = 1 their mass per star formed [Msun].
    """
    lo = m_min if lo is None else max(lo, m_min)
    hi = m_max if hi is None else min(hi, m_max)
    segs = _segments(m_min, m_max)
    norm = sum(k * _power_int(a, b, -al) for a, b, al, k in segs)
    total = 0.0
    for a, b, al, k in segs:
        a2, b2 = max(a, lo), min(b, hi)
        if b2 > a2:
            total += k * _power_int(a2, b2, n - al)
    return total / norm


def kroupa_pdf(m, m_min: float = 0.08, m_max: float = 150.0):
    """Normalised dN/dm [Msun^-1] at masses ``m``."""
    m = np.asarray(m, dtype=float)
    segs = _segments(m_min, m_max)
    norm = sum(k * _power_int(a, b, -al) for a, b, al, k in segs)
    out = np.zeros_like(m)
    for a, b, al, k in segs:
        sel = (m >= a) & (m < b) if b < m_max else (m >= a) & (m <= b)
        out[sel] = k * m[sel] ** (-al) / norm
    return out


def powerlaw_inverse_cdf(u, lo: float, hi: float, alpha: float):
    """Masses distributed as m^-alpha on [lo, hi] from uniform deviates ``u`` in [0, 1)."""
    u = np.asarray(u, dtype=float)
    if abs(alpha - 1.0) < 1e-12:
        return lo * (hi / lo) ** u
    g = 1.0 - alpha
    return (lo ** g + u * (hi ** g - lo ** g)) ** (1.0 / g)


def sample_kroupa(n: int, rng: np.random.Generator, m_min: float = 0.08,
                  m_max: float = 150.0) -> np.ndarray:
    """Draw ``n`` stellar masses [Msun] from the Kroupa IMF on [m_min, m_max]."""
    segs = _segments(m_min, m_max)
    weights = np.array([k * _power_int(a, b, -al) for a, b, al, k in segs])
    seg = rng.choice(len(segs), size=n, p=weights / weights.sum())
    u = rng.random(n)
    m = np.empty(n)
    for i, (a, b, al, _) in enumerate(segs):
        sel = seg == i
        m[sel] = powerlaw_inverse_cdf(u[sel], a, b, al)
    return m


def massive_stars_per_msun(m_lo: float = 8.0, m_min: float = 0.08, m_max: float = 150.0) -> float:
    """Expected number of stars with m >= m_lo per Msun of stars formed [Msun^-1]."""
    return kroupa_moment(0, m_min, m_max, lo=m_lo) / kroupa_moment(1, m_min, m_max)
