"""Propagation physics against closed forms (PROPAGATION.md Sec. 4, checks 5-8) and reference
values of its ingredients."""

import os

import numpy as np
import pytest

from hpcsim.propagation.cross_sections import (BarashenkovPolanski, CrossSections,
                                               ferrando_ratio, sigma_letaw, sigma_pp)
from hpcsim.propagation.gas import gas_maps, n_hi_gordon_burton
from hpcsim.propagation.grid import Grid
from hpcsim.propagation.losses import loss_rate_per_lnp
from hpcsim.propagation.modulation import modulate
from hpcsim.propagation.network import Setup, Transport, propagate
from hpcsim.propagation.nuclides import (Nuclide, NuclideError, NuclideTable, builtin_nuclides,
                                         network_order, parse_species)
from hpcsim.propagation.observables import SunFluxes
from hpcsim.propagation.solver import Ladder
from hpcsim.propagation.sources import (Injection, SourceComposition, SpectrumSyntaxError,
                                        ferriere_rate, parse_spectra, source_map)
from hpcsim.propagation.transport import CM2_S, PER_S

from conftest import SHARED_DATA

XSEC_DIR = os.path.join(SHARED_DATA, "xsec_dragon2")
LADDER = Ladder(tol=1e-8, max_passes=40, max_steps_per_level=4)


class ConstantXsec:
    """Energy-independent effective cross sections [mb] for closed-form checks."""

    def __init__(self, inelastic, production):
        self._inel, self._prod = inelastic, production

    def inelastic(self, Z, A, e_kn):
        return np.full(np.shape(e_kn), self._inel.get((Z, A), 0.0))

    def production(self, parent, e_kn):
        return {d: np.full(np.shape(e_kn), s) for (p, d), s in self._prod.items() if p == parent}


def _thin_disc_setup(grid, nuclides, xsec, spectra):
    gas = gas_maps(grid, "uniform_disc", n_disc=1.0, h_disc=0.0)
    smap = source_map(grid, "uniform_disc", h_disc=0.0)
    table = NuclideTable(nuclides, 1, 28, t_fold_yr=0.0)
    return Setup(grid, gas, smap, SourceComposition(spectra), xsec, table,
                 secondary_protons=False, energy_losses=False)


def test_thin_disc_secondary_to_primary_ratio():
    """N_s/N_p = (X sigma_ps/m)/(1 + X sigma_s/m), X = mu v L/(2D) (check 5)."""
    g = Grid.log_energy(80.0, 81, 4.0, 81, 10.0, 1e4, 10.0)
    nuc = {(6, 12): Nuclide(6, 12), (5, 10): Nuclide(5, 10)}
    s_p, s_ps, s_s = 250.0, 40.0, 200.0  # mb
    xs = ConstantXsec({(6, 12): s_p, (5, 10): s_s}, {((6, 12), (5, 10)): s_ps})
    setup = _thin_disc_setup(g, nuc, xs, {(6, 12): Injection(1.0, (2.3,))})
    tr = Transport(D0=3e28, delta=0.5, eta=0.0, v_alfven=0.0)
    res = propagate(setup, tr, LADDER)
    j0 = g.z.size // 2
    kin = g.kinematics(12, 6)
    D = tr.d_xx(kin)
    col = 1.0 * g.dz * 3.0857e21  # H atoms per cm^2 in the one-node disc
    x = col * 1e-27 * kin.beta * 2.99792458e10 * g.L * 3.0857e21 / (2 * D)  # X sigma / m per mb
    expected = x * s_ps / (1 + x * s_s)
    ratio = res.plane[(5, 10)][0] / res.plane[(6, 12)][0]
    assert np.max(np.abs(ratio / expected - 1)) < 0.02


def test_radioactive_clock_scales_as_sqrt_of_D():
    """10Be/9Be ~ (D gamma tau)^1/2 / L when decay dominates: log-slope 0.5 vs D0 (check 6)."""
    g = Grid.log_energy(40.0, 41, 4.0, 161, 0.5, 8.0, 2.0)
    nuc = {(6, 12): Nuclide(6, 12), (4, 10): Nuclide(4, 10, 1.387e6, "b-"),
           (4, 9): Nuclide(4, 9), (5, 10): Nuclide(5, 10)}
    xs = ConstantXsec({}, {((6, 12), (4, 10)): 4.0, ((6, 12), (4, 9)): 6.0})
    setup = _thin_disc_setup(g, nuc, xs, {(6, 12): Injection(1.0, (2.3,))})
    ratios = []
    for D0 in (2e28, 4e28):
        res = propagate(setup, Transport(D0=D0, delta=0.5, eta=0.0, v_alfven=0.0), LADDER)
        ratios.append(res.plane[(4, 10)][0] / res.plane[(4, 9)][0])
    slope = np.log(ratios[1] / ratios[0]) / np.log(2.0)
    kin = g.kinematics(10, 4)
    ell = np.sqrt(4e28 * CM2_S * kin.gamma * 1.387 / np.log(2))  # decay length [kpc], D0 = 4e28
    dominated = ell < g.L / 4
    assert dominated.sum() >= 3
    assert np.all(np.abs(slope[dominated] - 0.5) < 0.03), slope


def test_force_field_matches_closed_form():
    """J_TOA(T) = J_LIS(T + Phi) T(T+2m)/((T+Phi)(T+Phi+2m)), Phi = Z phi / A (check 7)."""
    m = 0.938272
    T = np.geomspace(0.01, 1e4, 200)
    lis = lambda e: (e + m) ** -2.7 * e ** 0.3  # noqa: E731 (smooth, not a power law)
    for Z, A, phi in ((1, 1, 0.6), (6, 12, 0.8), (26, 56, 0.4)):
        Phi = Z * phi / A
        exact = lis(T + Phi) * T * (T + 2 * m) / ((T + Phi) * (T + Phi + 2 * m))
        got = modulate(T, lis(T), Z, A, phi, m)
        inside = T + Phi <= T[-1]
        assert np.max(np.abs(got[inside] / exact[inside] - 1)) < 2e-3  # log-log interpolation
    fine = np.geomspace(0.01, 1e4, 20001)
    got = modulate(fine, lis(fine), 6, 12, 0.8, m)
    exact = lis(fine + 0.4) * fine * (fine + 2 * m) / ((fine + 0.4) * (fine + 0.4 + 2 * m))
    inside = fine + 0.4 <= fine[-1]
    assert np.max(np.abs(got[inside] / exact[inside] - 1)) < 1e-6


def _small_network(g, z_max=6):
    table = NuclideTable(builtin_nuclides(), 1, z_max)
    xs = CrossSections(table, inelastic="letaw", partial="semiempirical")
    comp = parse_spectra(["H1: 1.0 2.3", "He4: 0.1 2.3", "C12: 3e-3 2.3", "O16: 3e-3 2.3"])["all"]
    return Setup(g, gas_maps(g, "galprop"), source_map(g, "ferriere", r_sun=8.5), comp, xs, table)


@pytest.mark.parametrize("refine", ["r", "z", "E"])
def test_grid_convergence(refine):
    """Halving dr, dz or dlnE changes p, He and B/C at the Sun by < 1 % (check 8)."""
    base = dict(r_max=20.0, n_r=41, L=4.0, n_z=41, e=(1.0, 1e3, 1.2))
    fine = dict(base)
    if refine == "r":
        fine["n_r"] = 81
    elif refine == "z":
        fine["n_z"] = 81
    else:
        fine["e"] = (1.0, 1e3, 1.2 ** 0.5)
    out = []
    tr = Transport(D0=4e28, delta=0.45, v_alfven=15.0)
    for p in (base, fine):
        g = Grid.log_energy(p["r_max"], p["n_r"], p["L"], p["n_z"], *p["e"])
        res = propagate(_small_network(g), tr, Ladder(tol=1e-7))
        sf = SunFluxes(res, 8.5, (10.0, 1.0, "p"))
        e = np.array([2.0, 20.0, 200.0])
        f = lambda y: np.exp(np.interp(np.log(e), np.log(g.e_kn), np.log(y)))  # noqa: E731
        out.append(np.concatenate([f(sf.element_ekn(1)), f(sf.element_ekn(2)),
                                   f(sf.ratio_ekn([5], [6]))]))
    assert np.max(np.abs(out[1] / out[0] - 1)) < 0.01, out


def test_network_order_puts_parents_first_and_refuses_cycles():
    table = NuclideTable(builtin_nuclides(), 1, 8)
    xs = CrossSections(table, inelastic="letaw", partial="semiempirical")
    feeds = {s: set(xs.production(s, np.array([1.0, 10.0]))) for s in table.species}
    for s in table.species:
        _, d = table.decay(*s)
        if d is not None:
            feeds[s].add(d)
    order = network_order(table.species, feeds)
    pos = {s: i for i, s in enumerate(order)}
    assert all(pos[p] < pos[d] for p, ds in feeds.items() for d in ds if d != p)
    assert pos[(4, 10)] < pos[(5, 10)]  # 10Be decays into 10B
    with pytest.raises(NuclideError, match="cycle"):
        network_order([(1, 1), (2, 4)], {(1, 1): {(2, 4)}, (2, 4): {(1, 1)}})


def test_folding_and_bare_decays():
    t = NuclideTable(builtin_nuclides(), 1, 28)
    assert t.final(6, 14) == (7, 14)  # 5700 yr < 1e4 yr: folded
    assert t.final(6, 11) == (5, 11)  # beta+
    assert t.final(4, 11) == (5, 11)  # unknown neutron-rich 11Be: beta- to the stable isobar
    assert t.final(3, 8) is None  # 8Li -> 8Be -> two alphas: leaves the network
    assert t.is_propagated(4, 7)  # EC only: stable when bare
    assert t.decay(4, 10)[1] == (5, 10) and abs(t.decay(4, 10)[0] - 1.387e6) < 1
    assert parse_species("Fe56") == (26, 56) and parse_species("6012") == (6, 12)
    with pytest.raises(NuclideError, match="unknown species"):
        parse_species("Xx12")


def test_injection_strings():
    c = parse_spectra(["H1: 2.0 1.8 7 2.4 335 2.26", "wr/He4: 1.0 2.0 cut 100"])
    inj = c["all"].isotopes[(1, 1)]
    R = np.array([1.0, 7.0, 100.0, 1000.0])
    expect = 2.0 * np.array([7.0 ** 1.8, 1.0, (100 / 7) ** -2.4,
                             (335 / 7) ** -2.4 * (1000 / 335) ** -2.26])
    assert np.allclose(inj.spectrum(R), expect, rtol=1e-12)
    assert np.isclose(c["wr"].isotopes[(2, 4)].spectrum(np.array([100.0]))[0], 1e-4 * np.exp(-1.0))
    for bad, msg in (("H1 1.0 2.3", "expected"), ("H1: 1.0", "even count"),
                     ("Q7: 1 2", "unknown species"), ("H1: 1 2 5", "even count"),
                     ("H1: 1 2 5 2.1 3 2.2", "increasing")):
        with pytest.raises(SpectrumSyntaxError, match=msg):
            parse_spectra([bad])


def test_losses_and_cross_sections_reference_values():
    """Ionisation of protons at 1 GeV in 1.2535 cm^-3 neutral gas: hand-evaluated Bethe-Bloch
    (Mannheim & Schlickeiser 1994) |dp/dt| = 9.84e-3 GeV/c/Myr; Kafexhiu p-p at 10 GeV;
    Letaw C12 at high energy; Ferrando C12 -> B11 at E >= 1.51 GeV/n."""
    g = Grid(12.0, 41, 4.0, 81, 0.01 * 1.2 ** np.arange(90))
    kin = g.kinematics(1, 1)
    i = int(np.argmin(np.abs(kin.e_kn - 1.0)))
    b = loss_rate_per_lnp(1, 1, kin, np.array([[1.2535]]), np.array([[0.0]]))[0, 0, i]
    g_, be = kin.gamma[i], kin.beta[i]
    me = 0.51099895e6
    qmax = 2 * me * (g_ ** 2 - 1) / (1 + 2 * g_ * me / 0.938272e9)
    B = [np.log(2 * me * (g_ ** 2 - 1) * qmax / I ** 2) - 2 * be ** 2 for I in (19.0, 44.0)]
    dEdt = 2 * np.pi * (2.8179403262e-13) ** 2 * me * 2.99792458e10 / be * 1.2535 * (B[0] + 0.11 * B[1])
    assert np.isclose(b * PER_S * kin.p_n[i], dEdt / be * 1e-9 * 3.15576e13, rtol=1e-10)
    assert abs(b * PER_S * kin.p_n[i] / 9.84e-3 - 1) < 0.02
    assert abs(sigma_pp(np.array([10.0]))[0] / 29.6 - 1) < 0.02
    assert abs(sigma_letaw(12, np.array([100.0]))[0] / 45 / 12 ** 0.7 - 1) < 0.02
    assert abs(float(ferrando_ratio(6, 12, 5, 11, np.array([5.0]))[0]) - 1.2882) < 1e-3


@pytest.mark.skipif(not os.path.isfile(os.path.join(XSEC_DIR, "isotope_list.dat")),
                    reason="DRAGON2 cross-section tables not available (../shared/data)")
def test_evoli_table_channels():
    from hpcsim.propagation.nuclides import load_isotope_list
    table = NuclideTable(load_isotope_list(os.path.join(XSEC_DIR, "isotope_list.dat")), 1, 8)
    xs = CrossSections(table, inelastic="letaw", partial="evoli2019", missing="zero",
                       directory=XSEC_DIR)
    e = np.array([0.01, 0.1, 1.0, 10.0, 1e3, 1e5])
    prod = xs.production((6, 12), e)
    # cumulative C12 -> B11 (+ 11C -> 11B) on H is ~55-60 mb at GeV energies (Evoli et al.
    # 2019, Fig. 2); constant above 1 TeV/n
    assert 45 < prod[(5, 11)][3] / (1 + 0.11 * 1.2882) < 70
    assert prod[(5, 11)][-1] == prod[(5, 11)][-2]
    assert prod[(5, 11)][-1] == prod[(5, 11)][-2]
    assert (3, 6) in prod and (2, 4) in prod  # Li from the table, He from the formula


def test_gas_and_sources_reference_values():
    """Spot values of the GALPROP gas model and the Ferriere source rate (the formulas of
    Gordon & Burton 1976 / Dickey & Lockman 1990 and Ferriere 2001 evaluated by hand)."""
    f_r = 0.38 + (0.36 - 0.38) * (8.1 - 7.75) / 0.5
    f_z = 0.566 + (0.57 - 0.566) * (8.1 - 8.0) / 2.0  # DL90 blended into Cox et al. beyond 8 kpc
    assert np.isclose(n_hi_gordon_burton(8.1, 0.0), f_r * f_z / 0.33)
    assert np.isclose(ferriere_rate(8.3, 0.0, 8.3), 50.0 + 7.3)
    g = Grid(12.0, 41, 4.0, 81, np.array([1.0, 2.0, 3.0]))
    gas = gas_maps(g, "galprop")
    i, j = 27, 39  # r = 8.1, z = 0
    assert abs(gas.n_HI[i, j] / 0.6006 - 1) < 0.02 and abs(gas.n_H2[i, j] / 0.6529 - 1) < 0.03
    assert abs(gas.n_HII[i, j] / 0.02324 - 1) < 0.01
