"""Weaver bubble: closed form against an independent numerical thin-shell solution."""

import numpy as np
import pytest

from hpcsim.clusters.bubble import (WEAVER_R_COEFF, bubble_structure, termination_shock_radius,
                                    thin_shell_radius, weaver_pressure, weaver_radius)
from hpcsim.constants import M_PROTON, MYR, PC, YR


def test_weaver_coefficients():
    assert WEAVER_R_COEFF == pytest.approx(0.76287, abs=1e-5)
    # PHYSICS-NOTES sec. 4.1 reference: L = 1e38 erg/s, n = 10, 3 Myr, eta_m = 0.1
    assert weaver_radius(1e37, 3 * MYR, 10 * M_PROTON) / PC == pytest.approx(54.2, abs=0.1)
    assert weaver_pressure(1e37, 3 * MYR, 10 * M_PROTON) == pytest.approx(1.46e-11, rel=0.01)


def test_thin_shell_ode_converges_to_weaver_t35():
    L, rho = 1e37, 10 * M_PROTON
    t = np.geomspace(1e4, 1e7, 7) * YR
    R = thin_shell_radius(L, rho, t)
    # slope d ln R / d ln t -> 3/5 and the coefficient -> 0.76287 once the start is forgotten
    slope = np.diff(np.log(R)) / np.diff(np.log(t))
    np.testing.assert_allclose(slope[-3:], 0.6, atol=1e-4)
    coeff = R / (L * t ** 3 / rho) ** 0.2
    np.testing.assert_allclose(coeff[-3:], WEAVER_R_COEFF, rtol=1e-4)


def test_termination_shock_pressure_balance_and_supernova_power():
    Mdot, v = 1e-4 * 1.98847e33 / YR, 2.8e8
    P = weaver_pressure(1e38, 3 * MYR, 10 * M_PROTON)
    R = termination_shock_radius(Mdot, v, P)
    assert Mdot * v / (4 * np.pi * R ** 2) == pytest.approx(P, rel=1e-12)
    assert termination_shock_radius(0.0, 0.0, P) == 0.0
    # supernovae add N E_SN / t to the power: with 10 SNe in 3 Myr the bubble is bigger
    b0 = bubble_structure(1e37, Mdot, v, 0, 3 * MYR, 10 * M_PROTON)
    b1 = bubble_structure(1e37, Mdot, v, 10, 3 * MYR, 10 * M_PROTON)
    L1 = 1e37 + 10 * 1e51 / (3 * MYR)
    assert b1["L_tot"] == pytest.approx(L1)
    assert b1["R_fs"] / b0["R_fs"] == pytest.approx((L1 / 1e37) ** 0.2, rel=1e-12)
    assert b1["R_cd"] == pytest.approx(0.9 * b1["R_fs"])
