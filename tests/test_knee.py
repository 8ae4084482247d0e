"""Seed 001 Sec. IV (the knee job): class powers, the burst Green's function against the 2D
solver, the transport fit on mock data, the scenario end to end, MPI and resume identity."""

import numpy as np

from hpcsim.config import config_from_dict
from hpcsim.constants import ERG_PER_GEV
from hpcsim.driver import run
from hpcsim.io.results import bit_identical, load_results
from hpcsim.parallel.farm import SerialComm
from hpcsim.propagation.grid import Grid
from hpcsim.propagation.nearby_source import burst_number_fractions, green_3d
from hpcsim.propagation.solver import evolve
from hpcsim.propagation.source_classes import (CLASSES, TABLE3, class_injections, class_weights,
                                               power_above)
from hpcsim.propagation.sources import SourceComposition
from hpcsim.propagation.transport import CM2_S, build_operator

from conftest import kill_and_resume, write_config

SMALL = """
[run]
scenario = "knee"
[knee]
run_injection = false
fit_phi = [0.5, 0.7]
[propagation]
r_max = 16.0
n_r = 17
n_z = 21
e_min = 0.5
e_max = 3.0e7
e_factor = 1.6
z_max = 26
tol = 1.0e-5
scan_D0 = [3.0e28, 5.0e28]
scan_delta = [0.4, 0.5]
"""

# the same job with the transport fitted by differential evolution (2 parameters, 4 points per
# generation, 2 generations after the first): 5 phases
SMALL_EVO = SMALL.replace("[knee]\n", """[knee]
fit_method = "evolution"
fit_keys = ["D0", "delta"]
fit_lo = [2.0e28, 0.35]
fit_hi = [6.0e28, 0.55]
de_population = 4
de_generations = 2
""")


def small_config(text=SMALL):
    import tomllib
    return config_from_dict(tomllib.loads(text))


def test_class_powers_follow_the_budget():
    comps = {c: class_injections(c) for c in CLASSES}
    target = {"snr": 1e49, "o_type": 5e48, "wr": 5e48, "msc": 4e48}
    w = class_weights(comps, target)
    for c in CLASSES:
        scaled = SourceComposition({k: type(v)(v.abundance * w[c], v.slopes, v.breaks, v.r_cut)
                                    for k, v in comps[c].isotopes.items()})
        assert abs(power_above(scaled) * ERG_PER_GEV / target[c] - 1) < 1e-12
    # Table 3 is per unit rigidity: per unit momentum the abundances are divided by Z
    snr = comps["snr"].isotopes
    assert np.isclose(snr[(2, 4)].abundance / snr[(1, 1)].abundance,
                      TABLE3["snr"][2] * (1 - 1.66e-4) / 2 / TABLE3["snr"][1])


def test_burst_green_function_against_the_2d_solver():
    """A burst evolved by the 2D solver from a narrow Gaussian on the axis follows the 3D
    Green's function of the nearby-source module at early times (< 2 % of the peak)."""
    g = Grid.log_energy(4.0, 161, 2.0, 161, 10.0, 1000.0, 10.0)
    kin = g.kinematics(1, 1)
    op = build_operator(g, kin, np.full(g.e_kn.size, 1e29), np.zeros(g.e_kn.size), 0.0, 0.0)
    D = 1e29 * CM2_S
    s0 = 0.1
    R, Z = np.meshgrid(g.r, g.z, indexing="ij")
    N0 = np.exp(-(R ** 2 + Z ** 2) / (2 * s0 ** 2))[:, :, None] * np.ones(g.e_kn.size)
    total = (2 * np.pi * s0 ** 2) ** 1.5
    t = 0.1
    N = evolve(op, N0, t / 100, 100)
    t_eff = t + s0 ** 2 / (2 * D)  # a Gaussian of width s0 is a point burst s0^2/2D earlier
    j0 = g.z.size // 2
    dist = np.hypot(g.r, 0.0)
    exact = total * green_3d(dist, D, t_eff)
    sel = dist < 1.0
    assert np.max(np.abs(N[sel, j0, 0] - exact[sel])) / exact[0] < 0.02
    assert abs(sum(burst_number_fractions().values()) - 1) < 1e-12


def test_transport_fit_recovers_the_mock_point(tmp_path):
    """Mock B/C from one grid point (with its own errors) is fitted best by that point."""
    from hpcsim.scenarios.knee import KneeScenario
    cfg = small_config()
    scn = KneeScenario(cfg)
    res = {k: scn.fit.compute(k) for k in range(scn.fit.n_tasks)}
    truth = 2
    from hpcsim.propagation.observables import SunFluxes
    pc = cfg.propagation
    g = scn.fit.grid(scn.fit.points[truth])
    sf = SunFluxes(scn.fit._result(g, res[truth]), pc.observer_r, (pc.norm_energy, 1.0, "p"))
    scn.data = [type(d)(d.name, d.num, d.den, d.x_kind, d.x, d.model(sf, 0.7), 0.03 * d.y)
                for d in scn.data]
    chi2, phi, _ = scn.score(lambda t: res[t - scn.n_inj])
    assert int(np.argmin(chi2)) == truth and chi2[truth] < 1e-12 and phi[truth] == 0.7


def test_knee_end_to_end_and_tools(tmp_path):
    assert run(small_config(), str(tmp_path / "r"), quiet=True, comm=SerialComm()) == 0
    d, u, a = load_results(str(tmp_path / "r" / "results.h5"))
    assert a["scenario"] == "knee"
    tot = d["knee/total/flux_lis"]
    parts = sum(d[f"knee/classes/{c}/flux_lis"] for c in CLASSES)
    assert np.allclose(parts, tot, rtol=1e-12, atol=0)
    # the sum is normalised on AMS-02 protons at 100 GV (modulated)
    from hpcsim.observations import cr_measurement
    m = cr_measurement("AMS-02", "H")
    R = d["knee/rigidity"]
    data = np.exp(np.interp(np.log(100.0), np.log(m.x), np.log(m.y)))
    model = np.exp(np.interp(np.log(100.0), np.log(R), np.log(d["knee/total/flux_mod"][0])))
    assert abs(model / data - 1) < 0.01
    assert np.all(d["knee/typeia/flux"] >= 0) and u["knee/typeia/flux"].startswith("m^-2")
    # the budget factors give back the configured powers; the fitted factors (NNLS) do at
    # least as well on the flux data as the budget ones
    assert np.allclose(d["knee/weights_budget/power"], [1e49, 5e48, 5e48, 4e48], rtol=1e-12)
    assert d["knee/weights_fit/chi2"] <= d["knee/weights_budget/chi2"]
    assert np.all(d["knee/weights_fit/factors"] >= 0)
    from conftest import load_tool, png_size
    tool = load_tool("plot_knee")
    assert tool.main([str(tmp_path / "r" / "results.h5"), "-o", str(tmp_path / "f")]) == 0
    for name in ("fig8_classes", "fig9_groups", "fig10_typeia"):
        assert png_size(tmp_path / "f" / f"{name}.png")[0] > 800
    assert "knee of p" in (tmp_path / "f" / "knee_claims.txt").read_text()
    from hpcsim.io.results import describe_results
    txt = describe_results(str(tmp_path / "r" / "results.h5"))
    i = int(d["knee/fit/best_index"])
    assert f"knee fit      chi2 {d['knee/fit/chi2'][i]:.1f}" in txt and "class powers" in txt


def test_evolution_fit_replays_the_search(tmp_path):
    """Generation g's points are the trials of the population selected on the scores of the
    task files; the best chi2 never rises; the best point is the best of all evaluated."""
    from hpcsim.optimize import Evolution
    assert run(small_config(SMALL_EVO), str(tmp_path / "r"), quiet=True,
               comm=SerialComm()) == 0
    d = load_results(str(tmp_path / "r" / "results.h5"))[0]
    chi2, gen = d["knee/fit/chi2"], d["knee/fit/generation"]
    assert gen.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    x = np.column_stack([np.log10(d["knee/fit/D0"]), d["knee/fit/delta"]])
    evo = Evolution([(np.log10(2e28), np.log10(6e28)), (0.35, 0.55)], 4, 2026,
                    strategy="current_to_best1")
    pop, s = evo.initial(), chi2[:4]
    assert np.allclose(x[:4], pop, rtol=1e-14, atol=0)
    for g in (1, 2):
        t = evo.trials(pop, g, s)
        assert np.allclose(x[4 * g:4 * g + 4], t, rtol=1e-14, atol=0)
        pop, s = evo.select(pop, s, t, chi2[4 * g:4 * g + 4])
    best = d["knee/fit/best_chi2_by_generation"]
    assert np.all(np.diff(best) <= 0) and best[-1] == s.min() == chi2.min()
    assert int(d["knee/fit/best_index"]) == int(np.argmin(chi2))


def test_sigkill_then_resume_is_identical(tmp_path):
    """The evolution job (5 phases) killed at random moments and resumed."""
    cfg = write_config(tmp_path / "k.toml", SMALL_EVO)
    assert run(small_config(SMALL_EVO), str(tmp_path / "ref"), quiet=True,
               comm=SerialComm()) == 0
    kills = kill_and_resume(cfg, tmp_path / "killed", seed=5, wait=(3.0, 8.0))
    assert kills >= 1
    a = load_results(str(tmp_path / "ref" / "results.h5"))[0]
    b = load_results(str(tmp_path / "killed" / "results.h5"))[0]
    assert a.keys() == b.keys() and all(bit_identical(a[k], b[k]) for k in a)


def test_bad_fit_settings_are_refused():
    import tomllib
    import pytest
    from hpcsim.config import ConfigError
    for key, bad, name in (("fit_keys", ["D0", "speed"], "knee.fit_keys"),
                           ("fit_lo", [2.0e28], "knee.fit_lo"),
                           ("fit_lo", [-1.0, 0.35], "knee.fit_lo"),
                           ("fit_hi", [6.0e28, 0.3], "knee.fit_lo"),
                           ("de_population", 3, "knee.de_population"),
                           ("weight_fit_data", ["AMS-02 B/C"], "knee.weight_fit_data"),
                           ("weight_fit_data", ["LHAASO Fe"], "knee.weight_fit_data"),
                           ("class_weights", "equal", "knee.class_weights")):
        d = tomllib.loads(SMALL_EVO)
        d["knee"][key] = bad
        with pytest.raises(ConfigError, match=name):
            config_from_dict(d)


def test_class_factor_fit_is_nnls():
    """fit_class_factors: exact factors back from noiseless data (columns of very different
    scales), and a factor that would be negative is zero (the rest re-fitted)."""
    from hpcsim.propagation.source_classes import fit_class_factors
    x = np.geomspace(10, 1e6, 40)
    cols = np.column_stack([1e-3 * x ** -2.7, 1e-9 * x ** -2.2, x ** -3.0 * np.exp(-x / 1e4)])
    sig = 0.05 * cols @ [1, 1, 1]
    a, chi2 = fit_class_factors(cols, cols @ [2.0, 3e3, 0.5], sig)
    assert np.allclose(a, [2.0, 3e3, 0.5], rtol=1e-8) and chi2 < 1e-12
    a, chi2 = fit_class_factors(cols, cols @ [2.0, -3e2, 0.5] + 0.0, sig)
    assert a[1] == 0 and chi2 > 0
    # the zero is the constrained optimum: no small positive value of a[1] does better
    for eps in (1e-3, 1.0, 10.0):
        b = a.copy()
        b[1] = eps
        assert np.sum(((cols @ b - cols @ [2.0, -3e2, 0.5]) / sig) ** 2) > chi2


def test_element_flux_on_every_axis_counts_the_same_particles():
    """LocalFluxes.element_flux: the number of He nuclei (3He + 4He) between two momenta per
    nucleon is the same whether integrated over rigidity, E_k/n, E_k or E_tot."""
    from hpcsim.propagation.observables import LocalFluxes
    m_n = 0.938272
    e = np.geomspace(0.1, 1e5, 400)
    lf = LocalFluxes(e, {(2, 4): e ** -2.7 * (1 + e) ** -0.3, (2, 3): 0.2 * e ** -2.9}, 1.0, m_n)
    # one window: 4He with 10 <= E_k/n <= 1000 on every axis (only 4He in it: 3He put to 0)
    lf4 = LocalFluxes(e, {(2, 4): lf._code[(2, 4)], (2, 3): 0 * e}, 1.0, m_n)
    tn = np.geomspace(10, 1000, 4001)
    ref = np.trapezoid(lf4.element_flux(2, tn, "ekn"), tn)
    pn = np.sqrt(tn * (tn + 2 * m_n))
    axes = {"rigidity": 4 * pn / 2, "ekin": 4 * tn, "etot": 4 * (tn + m_n)}
    for kind, x in axes.items():
        assert abs(np.trapezoid(lf4.element_flux(2, x, kind), x) / ref - 1) < 1e-4, kind
    # both isotopes: the element flux vs E_k/n is the sum of the isotopes
    assert np.allclose(lf.element_flux(2, e[10:300], "ekn"), lf.element_ekn(2)[10:300],
                       rtol=1e-10)
    import pytest
    with pytest.raises(ValueError, match="x_kind"):
        lf.element_flux(2, tn, "momentum")


def test_injection_stage_class_follows_the_summary():
    """A class built from injection-stage numbers has their index, cutoff and composition
    (abundances at equal rigidity; per unit momentum / Z, isotopes at solar fractions), and the
    wind budget splits in proportion to the phases' CR energies."""
    from hpcsim.propagation.source_classes import injection_stage_class, wind_budget_split
    summ = {"gamma": np.array([-2.0, -1.8, -2.0]), "r_max": 2.0e5,
            "abundance": np.array([0.7, 0.29, 0.01])}
    comp = injection_stage_class(("H", "He", "O"), summ).isotopes
    assert comp[(1, 1)].slopes == (2.0,) and comp[(2, 4)].slopes == (1.8,)
    assert comp[(8, 16)].r_cut == 2.0e5
    R = np.array([10.0, 1e4])
    he = comp[(2, 4)].spectrum(R) + comp[(2, 3)].spectrum(R)
    # per unit rigidity (x Z) the He/H ratio is the abundance ratio at R = 1 GV, x R^0.2 above
    assert np.allclose(2 * he / comp[(1, 1)].spectrum(R),
                       0.29 / 0.7 * R ** 0.2 * np.exp(-R / 2e5) / np.exp(-R / 2e5), rtol=1e-12)
    assert np.allclose(wind_budget_split(1e49, 3.0, 1.0), (7.5e48, 2.5e48), rtol=1e-15)


def test_sources_from_injection_end_to_end(tmp_path):
    """sources.from_injection: the stellar classes are those of the job's own injection stage
    (the knee results record them, and the O-type/WR budgets follow the phases' CR energies);
    the SNR class stays Table 2/3.  Without an injection stage the option is refused."""
    import pytest
    from hpcsim.config import ConfigError
    from test_injection_scenario import MIST
    import os
    if not os.path.isdir(MIST):
        pytest.skip("MIST tracks not available (../shared/data/mist)")
    text = SMALL.replace("run_injection = false", "run_injection = true") + f"""
[sources]
from_injection = true
[injection]
track_dir = "{os.path.abspath(MIST)}"
n_masses = 8
n_times = 150
turbulence = ["bohm"]
m_up = [105.0, 150.0]
eta_B = [0.01]
"""
    cfg = small_config(text)
    assert run(cfg, str(tmp_path / "r"), quiet=True, comm=SerialComm()) == 0
    d, u, a = load_results(str(tmp_path / "r" / "results.h5"))
    assert d["knee/sources_from_injection"]
    from hpcsim.acceleration.injection import class_injection_summary
    summ = class_injection_summary(d, "bohm")
    for c, ic in (("o_type", "o_type"), ("wr", "wr"), ("msc", "msc_window")):
        assert d[f"knee/class_injection/{c}/r_max"] == summ["classes"][ic]["r_max"]
        np.testing.assert_array_equal(d[f"knee/class_injection/{c}/abundance"],
                                      summ["classes"][ic]["abundance"])
    e_o, e_wr = (summ["classes"][c]["cr_energy"] for c in ("o_type", "wr"))
    p = d["knee/class_budget_power"]
    assert p[0] == 1e49 and p[3] == 4e48
    assert np.isclose(p[1] / p[2], e_o / e_wr, rtol=1e-12) and np.isclose(p[1] + p[2], 1e49)
    # the stellar classes changed, the SNR class did not
    base = tmp_path / "b"
    assert run(small_config(text.replace("from_injection = true", "from_injection = false")),
               str(base), quiet=True, comm=SerialComm()) == 0
    d0 = load_results(str(base / "results.h5"))[0]
    np.testing.assert_allclose(d0["knee/classes/snr/flux_lis"] / d0["knee/class_factors"][0],
                               d["knee/classes/snr/flux_lis"] / d["knee/class_factors"][0],
                               rtol=1e-12, atol=0)
    assert not np.allclose(d0["knee/classes/wr/flux_lis"] / d0["knee/class_factors"][2],
                           d["knee/classes/wr/flux_lis"] / d["knee/class_factors"][2])
    with pytest.raises(ConfigError, match="from_injection"):
        small_config(SMALL + "[sources]\nfrom_injection = true\n")
