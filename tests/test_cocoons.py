"""Seed 002 (cocoons): the checks of COCOONS.md Sec. 3 and the scenario end to end."""

import os
import subprocess
import sys

import numpy as np
import pytest
from scipy import integrate

from hpcsim.config import config_from_dict
from hpcsim.constants import M_PROTON_GEV
from hpcsim.driver import run
from hpcsim.galaxy.cocoons import (CocoonInjection, lifetime_bound_yr, production_per_sn,
                                   radius_bound_pc)
from hpcsim.galaxy.snr_distribution import (SNRDistribution, region_integral,
                                            sky_factor_pixels, volume_integral_over_s2)
from hpcsim.io.results import bit_identical, load_results
from hpcsim.parallel.farm import SerialComm
from hpcsim.propagation.cross_sections import CrossSections
from hpcsim.propagation.gas import gas_maps
from hpcsim.propagation.grid import Grid, Kinematics
from hpcsim.propagation.network import Setup, Transport, propagate
from hpcsim.propagation.nuclides import NuclideTable, builtin_nuclides
from hpcsim.propagation.observables import LocalFluxes
from hpcsim.propagation.slab_fit import BCFit, group_compositions, profile_interval
from hpcsim.propagation.solver import Ladder
from hpcsim.propagation.sources import parse_spectra, source_map
from hpcsim.propagation.weighted_slab import (Cocoon, SlabNetwork, SlabTransport, decay_feed,
                                              decay_feed_quadrature)

from conftest import ROOT, kill_and_resume, write_config


def test_eq2_normalisation_closed_form():
    d = SNRDistribution()
    num, _ = integrate.quad(lambda r: 2 * np.pi * r * (r / d.r_sun) ** d.alpha
                            * np.exp(-d.beta * (r / d.r_sun - 1)), 0, d.R_G, epsabs=0)
    num *= 2 * d.z0 * (1 - np.exp(-d.h / d.z0))
    assert abs(d.volume_integral_unnormalised() / num - 1) < 1e-8
    # and rho integrates to R_SN
    tot, _ = integrate.dblquad(lambda z, r: 2 * np.pi * r * d.density(r, z), 0, d.R_G,
                               -d.h, d.h, epsrel=1e-7)
    assert abs(tot * 30.0 - 1) < 1e-4


def test_eq3_energy_and_eq9_eq10_numbers():
    for inj in (CocoonInjection(1, 1, 0.05, 4.26), CocoonInjection(2, 4, 0.012, 4.16)):
        p = np.geomspace(1e-4 * inj.mass, 1e10, 400001)
        E = np.sqrt(p * p + inj.mass ** 2)
        energy = np.trapezoid(inj.per_total_energy(E) * (E - inj.mass) * E, np.log(E))
        assert abs(energy * 1.602176634e-3 / 1e51 / inj.eps - 1) < 1e-4
    assert abs(lifetime_bound_yr(0.4, 1.0) / 2.5e5 - 1) < 0.02  # seed: 2.5e5 yr
    assert abs(radius_bound_pc(0.4, 1.0, 1 / 30, 10.0, 0.1) / 120.0 - 1) < 0.02  # seed: 120 pc
    assert np.isclose(radius_bound_pc(0.8, 8.0, 1 / 30, 10.0, 0.1),
                      radius_bound_pc(0.4, 1.0, 1 / 30, 10.0, 0.1) * 2 ** (-1 / 3) * 2)


def test_sky_factor_two_methods_and_map_convergence():
    d = SNRDistribution()
    quad, omega = region_integral(d, 0.0, 360.0, 90.0, 1.0, 120, 1000)
    assert abs(omega / (4 * np.pi) - 1) < 1e-12
    assert abs(quad / volume_integral_over_s2(d) - 1) < 5e-3  # int S dOmega = int dV rho/s^2
    pix = np.arange(12 * 8 ** 2)
    b = sky_factor_pixels(d, 8, pix, 4, 400)  # pixel averages at an effective NSIDE 128
    assert abs(b.sum() * 4 * np.pi / pix.size / quad - 1) < 0.01


def test_emission_linear_in_chi_and_aafragpy_directly():
    import aafragpy
    inj = [CocoonInjection(1, 1, 0.05, 4.26), CocoonInjection(2, 4, 0.012, 4.16)]
    e = np.array([100.0, 1e3, 1e4])
    a = production_per_sn(inj, lambda R: 0.2 * np.ones_like(R), e, "gamma")
    b = production_per_sn(inj, lambda R: 0.4 * np.ones_like(R), e, "gamma")
    assert np.allclose(b, 2 * a, rtol=1e-12)
    # R0 -> infinity: the source spectrum folded with the cross sections, by hand with aafragpy
    m_p_g = 1.67262192e-24
    for k, (i, pair) in enumerate(((inj[0], "p-p"), (inj[1], "He-p"))):
        E = np.geomspace(i.mass * 1.0001, 1e9, 4001)
        cs, _, _ = aafragpy.get_cross_section("gam", pair, E, e, outside_bounds="zeros")
        cs = np.nan_to_num(np.asarray(cs, dtype=float).reshape(E.size, e.size)) * 1e-27
        direct = np.trapezoid((i.per_total_energy(E) * E * 0.4 / m_p_g)[:, None] * cs,
                              np.log(E), axis=0)
        mine = production_per_sn([i], lambda R: 0.4 * np.ones_like(R), e, "gamma", 100)
        assert np.allclose(mine, direct, rtol=0.01), (pair, mine / direct)


def test_decay_feed_closed_form_equals_quadrature():
    tr = SlabTransport(D0=3e28, v_alfven=10.0, H=4.0, mu=2.3e-3)
    kin = Kinematics.of(np.geomspace(0.1, 100, 9), 10, 4)
    tau = 1.387e6 * 3.15576e7 / np.log(2)
    assert np.allclose(decay_feed(tr, kin, tau), decay_feed_quadrature(tr, kin, tau),
                       rtol=1e-8)


def test_weighted_slab_equals_2d_solver_in_the_thin_disc_limit():
    """One physics, two implementations: B/C and 10Be/9Be of the slab model vs the 2D solver
    with a one-node gas disc, constant advection and a large radial boundary (< 0.5 %)."""
    g = Grid.log_energy(60.0, 61, 4.0, 161, 0.5, 1e4, 1.5)
    nt = NuclideTable(builtin_nuclides(), 3, 8)
    xs = CrossSections(nt, "letaw", "semiempirical")
    comp = parse_spectra(["C12: 1.0 2.35", "N14: 0.2 2.35", "O16: 1.2 2.35"])["all"]
    gas = gas_maps(g, "uniform_disc", n_disc=1.0, h_disc=0.0)
    st = Setup(g, gas, source_map(g, "uniform_disc", h_disc=0.0), comp, xs, nt,
               secondary_protons=False, energy_losses=False)
    res = propagate(st, Transport(D0=3e28, R0=1.0, delta=0.5, eta=1.0, v_alfven=0.0,
                                  v_conv0=10.0), Ladder(tol=1e-8, max_passes=40))
    lf2 = LocalFluxes(g.e_kn, {s: res.plane[s][0] / g.kinematics(s[1], s[0]).p_n
                               for s in res.species})
    mu = 1.0 * g.dz * 3.0856775814913673e21 * 1.67262192e-24 * (1 + 4 * 0.11)
    net = SlabNetwork(nt, xs, comp, g.e_kn, M_PROTON_GEV)
    I = net.solve(SlabTransport(D0=3e28, R0=1.0, delta=0.5, R_b=1e30, d_delta=0.2,
                                v_alfven=10.0, H=4.0, mu=mu, adiabatic=False, ionisation=False))
    lfs = LocalFluxes(g.e_kn, net.fluxes(I))
    assert np.max(np.abs(lfs.ratio_ekn([5], [6]) / lf2.ratio_ekn([5], [6]) - 1)) < 5e-3
    be = lfs.isotope_ratio_ekn((4, 10), (4, 9)) / lf2.isotope_ratio_ekn((4, 10), (4, 9))
    assert np.max(np.abs(be - 1)) < 5e-3


def test_chi_fit_recovers_the_input_from_mock_data():
    nt = NuclideTable(builtin_nuclides(), 4, 8)
    xs = CrossSections(nt, "letaw", "semiempirical")
    groups = ["C", "N", "O"]
    net = SlabNetwork(nt, xs, group_compositions(groups, 2.35), np.geomspace(0.1, 5e3, 71),
                      M_PROTON_GEV)
    R = np.geomspace(2.0, 2000.0, 40)
    base = SlabTransport(H=7.0, mu=2.3e-3)
    norm = {"C": 1.0, "N": 0.25, "O": 1.0}
    truth = (np.log10(2.5e28), 0.55, 6.0, 0.7)
    mock = BCFit(net, groups, (R, np.ones_like(R), np.ones_like(R)), norm, 50.0, base,
                 Cocoon(0.0, 20.0))
    y = mock.curves(truth, 0.4)["total"]
    fit = BCFit(net, groups, (R, y, 0.02 * y), norm, 50.0, base, Cocoon(0.0, 20.0))
    grid = [0.0, 0.3, 0.4, 0.5, 0.8]
    chi2 = [fit.fit(c, truth)[1] for c in grid]
    best, lo, hi = profile_interval(grid, chi2, 1.0)
    assert abs(best - 0.4) < 0.05 and lo <= 0.4 <= hi, (best, lo, hi, chi2)


def test_profile_interval_of_a_parabola():
    x = np.linspace(0, 1, 11)
    best, lo, hi = profile_interval(x, 10 + ((x - 0.43) / 0.1) ** 2, 1.0)
    assert abs(best - 0.43) < 1e-9 and abs(lo - 0.33) < 0.02 and abs(hi - 0.53) < 0.02  # linear


SMALL = """
[run]
scenario = "cocoons"
[cocoons]
chi_grid = [0.0, 0.4, 0.8]
z_max = 8
e_per_decade = 8
grammage_models = ["exp 20", "broken 10 1"]
e_out_per_decade = 3
n_map_chunks = 2
map_supersample = 1
map_los_steps = 200
los_steps = 300
region_b_nodes = 30
region_l_step = 2.0
[sky]
nside = 8
los_n_steps = 200
"""


def small_config():
    import tomllib
    return config_from_dict(tomllib.loads(SMALL))


def test_scenario_end_to_end(tmp_path):
    assert run(small_config(), str(tmp_path / "r"), quiet=True, comm=SerialComm()) == 0
    d, u, a = load_results(str(tmp_path / "r" / "results.h5"))
    assert a["scenario"] == "cocoons"
    chi2 = d["cocoons/fit/chi2"]
    assert chi2.shape == (3,) and np.all(np.isfinite(chi2))
    # the cocoon's shape is the same in every region: inner/outer constant in energy
    ratio = (d["cocoons/regions/lhaaso_inner/model_0/gamma"]
             / d["cocoons/regions/lhaaso_outer/model_0/gamma"])
    assert np.allclose(ratio, ratio[0], rtol=1e-10)
    tot = d["cocoons/regions/lhaaso_inner/total_lower/gamma"]
    assert np.allclose(tot, d["cocoons/regions/lhaaso_inner/sea_lower/gamma"]
                       + d["cocoons/regions/lhaaso_inner/model_0/gamma"], rtol=1e-12)
    assert u["cocoons/regions/lhaaso_inner/model_0/gamma"].startswith("GeV^-1 cm^-2 s^-1 sr^-1")
    assert abs(float(d["cocoons/eq9_lifetime"]) / 2.53e5 - 1) < 0.01
    from conftest import load_tool, png_size
    tool = load_tool("plot_cocoons")
    assert tool.main([str(tmp_path / "r" / "results.h5"), "-o", str(tmp_path / "f")]) == 0
    for name in ("fig1_bc", "fig2_gamma", "figB1_nu", "figB2_R0", "figB3_broken"):
        assert png_size(tmp_path / "f" / f"{name}.png")[0] > 500


@pytest.mark.parametrize("old, new, msg", [
    ("chi_grid = [0.0, 0.4, 0.8]", "chi_grid = [0.4, 0.0, 0.8]", "increasing"),
    ('grammage_models = ["exp 20", "broken 10 1"]', 'grammage_models = ["exp"]', "exp R0"),
    ("z_max = 8", "z_max = 5", "B and C"),
])
def test_bad_configuration_exit_2(tmp_path, old, new, msg):
    cfg = write_config(tmp_path / "b.toml", SMALL.replace(old, new))
    res = subprocess.run([sys.executable, "-m", "hpcsim", "run", cfg, "-o", str(tmp_path / "o")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and msg in res.stderr and "Traceback" not in res.stderr
    assert not os.path.exists(tmp_path / "o")


def test_sigkill_then_resume_is_identical(tmp_path):
    text = SMALL.replace("chi_grid = [0.0, 0.4, 0.8]", "chi_grid = [0.0, 0.2, 0.4, 0.6, 0.8]")
    cfg = write_config(tmp_path / "k.toml", text)
    import tomllib
    assert run(config_from_dict(tomllib.loads(text)), str(tmp_path / "ref"), quiet=True,
               comm=SerialComm()) == 0
    kills = kill_and_resume(cfg, tmp_path / "killed", seed=3, wait=(2.5, 5.0))
    assert kills >= 1
    a = load_results(str(tmp_path / "ref" / "results.h5"))[0]
    b = load_results(str(tmp_path / "killed" / "results.h5"))[0]
    assert a.keys() == b.keys() and all(bit_identical(a[k], b[k]) for k in a)
