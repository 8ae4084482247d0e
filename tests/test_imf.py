"""Kroupa (2001) IMF: analytic moments and sampling."""

import numpy as np
import pytest

from hpcsim.stars.imf import (kroupa_moment, kroupa_pdf, massive_stars_per_msun,
                              powerlaw_inverse_cdf, sample_kroupa)


def test_mean_mass_and_massive_fraction():
    # Independent numbers: direct quadrature of the pdf vs the closed-form moments.
    m = np.geomspace(0.08, 150.0, 400001)
    pdf = kroupa_pdf(m)
    assert np.trapezoid(pdf, m) == pytest.approx(1.0, rel=1e-5)
    assert np.trapezoid(m * pdf, m) == pytest.approx(kroupa_moment(1), rel=1e-5)
    # Reference values for 0.08-150 Msun (PHYSICS-NOTES sec. 2): <m> = 0.586, 108.7 stars > 8 Msun
    # per 1e4 Msun; with 0.01-150 Msun <m> = 0.384.
    assert kroupa_moment(1) == pytest.approx(0.586, abs=0.002)
    assert 1e4 * massive_stars_per_msun(8.0) == pytest.approx(108.7, abs=0.3)
    assert kroupa_moment(1, m_min=0.01) == pytest.approx(0.384, abs=0.002)


def test_sampled_slopes_and_mean():
    rng = np.random.default_rng(3)
    m = sample_kroupa(2_000_000, rng, 0.01, 150.0)
    assert m.mean() == pytest.approx(kroupa_moment(1, 0.01, 150.0), rel=0.01)
    # maximum-likelihood slope of a truncated power law on each segment (Kroupa 2001 Eq. 2)
    for lo, hi, alpha in [(0.01, 0.08, 0.3), (0.08, 0.5, 1.3), (0.5, 150.0, 2.3)]:
        x = m[(m >= lo) & (m < hi)]
        grid = np.linspace(alpha - 0.3, alpha + 0.3, 601)

        def loglike(a):
            norm = np.log((hi ** (1 - a) - lo ** (1 - a)) / (1 - a)) if a != 1 else np.log(hi / lo)
            return -a * np.log(x).sum() - x.size * norm
        best = grid[np.argmax([loglike(a) for a in grid])]
        assert best == pytest.approx(alpha, abs=0.02), (lo, hi, best)


def test_powerlaw_inverse_cdf_bounds_and_median():
    u = np.array([0.0, 0.5, 1.0 - 1e-15])
    m = powerlaw_inverse_cdf(u, 8.0, 150.0, 2.3)
    assert m[0] == pytest.approx(8.0) and m[-1] == pytest.approx(150.0, rel=1e-9)
    # median of m^-2.3 on [8, 150] from the analytic CDF
    g = -1.3
    med = ((8 ** g + 150 ** g) / 2) ** (1 / g)
    assert m[1] == pytest.approx(med, rel=1e-12)
