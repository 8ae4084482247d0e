"""Stellar winds and the collective-wind kernel."""

import numpy as np
import pytest

from hpcsim.clusters.collective_wind import (WindParams, collective_wind_numpy,
                                             draw_massive_stars)
from hpcsim.constants import KM, MSUN_PER_YR
from hpcsim.scenarios.ymsc_population import run_collective_wind
from hpcsim.stars.table import load_star_table
from hpcsim.stars.winds import mdot_nj90, mdot_nl00, vinf_kp00, wind_power


def test_nj90_kp00_reference_values():
    # Mid-main-sequence 40 Msun star (MIST v1.0): log L = 5.40, Teff = 42121 K, R = 9.4 Rsun,
    # M = 38.9 Msun.  NJ90 by hand: 10^(-14.02 + 1.24*5.40 + 0.16*log 38.9 + 0.81*log 9.4).
    L, T, R, M = 10 ** 5.40, 42121.0, 9.4, 38.9
    by_hand = 10 ** (-14.02 + 1.24 * 5.40 + 0.16 * np.log10(M) + 0.81 * np.log10(R))
    assert mdot_nj90(L, M, R) / MSUN_PER_YR == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(5.31e-7, rel=0.02)  # PHYSICS-NOTES sec. 3.5 table
    v = vinf_kp00(L, M, R, T) / KM
    assert v == pytest.approx(3070.0, rel=0.02)
    # cool stars get v_inf = v_esc (ratio 1), B supergiants 1.4 (KP00)
    assert vinf_kp00(L, M, R, 9000.0) / vinf_kp00(L, M, R, T) == pytest.approx(1 / 2.65)
    assert vinf_kp00(L, M, R, 15000.0) / vinf_kp00(L, M, R, T) == pytest.approx(1.4 / 2.65)


def test_nl00_scalings():
    base = mdot_nl00(1e5, 0.98, 0.02)
    assert mdot_nl00(1e6, 0.98, 0.02) / base == pytest.approx(10 ** 1.29)
    assert mdot_nl00(1e5, 0.98, 0.2) / base == pytest.approx(10 ** 0.47)
    assert wind_power(2.0, 3.0) == 9.0


def test_kernel_matches_numpy_reference():
    table, p = load_star_table(), WindParams()
    rng = np.random.default_rng(5)
    mass = 10 ** rng.uniform(3, np.log10(6.4e4), 300)
    age = rng.uniform(0, 30, 300)
    off, u = draw_massive_stars(mass, rng, p)
    ref = collective_wind_numpy(u, off, age, table, p)
    out = run_collective_wind(u, off, age, table, p)
    for k in ("n_sn", "n_ms", "n_wr"):
        np.testing.assert_array_equal(out[k], ref[k])
    for k in ("L_w", "Mdot", "m_star", "t_sn"):
        np.testing.assert_allclose(out[k], ref[k], rtol=1e-12, atol=0)


def test_turnoff_and_wr_bookkeeping():
    table, p = load_star_table(), WindParams()
    # one star of each mass, one cluster per star, ages straddling the turn-off
    m = np.array([10.0, 20.0, 40.0, 100.0])
    u = (m ** -1.3 - 8 ** -1.3) / (150 ** -1.3 - 8 ** -1.3)
    t_to = table.interp("t_tams", m)
    for frac, expect in [(0.5, "ms"), (1.001, "post")]:
        off = np.arange(5, dtype=np.int64)
        out = collective_wind_numpy(u, off, t_to * frac, table, p)
        if expect == "ms":
            assert np.all(out["n_ms"] == 1)
        else:
            # below 25 Msun: exploded; above: Wolf-Rayet for 0.3 Myr after turn-off
            np.testing.assert_array_equal(out["n_sn"], [1, 1, 0, 0])
            np.testing.assert_array_equal(out["n_wr"], [0, 0, 1, 1])
    # lifetimes fall with mass on the MIST grid (8 Msun ~ 38 Myr, 120 Msun ~ 3.3 Myr)
    assert np.all(np.diff(table.t_tams[:30]) < 0)
    assert table.interp("t_tams", 8.0) == pytest.approx(38.48, rel=1e-3)
