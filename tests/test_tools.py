"""Post-processing tools (tools/plot_*.py) and the observation loaders (hpcsim.observations).

The emission and map parts of results.h5 are fabricated here with the agreed schema (brief of the
tools task): emission/energy, emission/<m>/<regime>/<region>/{per_realisation,q1,median,q3},
emission/<m>/cr_sea/<model>/<region>, emission/<m>/total/<regime>/<region>/{lower,upper},
emission/ratios/<name>; maps/band_energy, maps/<m>/<regime>/band_<k>, maps/<m>/cr_sea/<model>/band_<k>,
maps/mask.  The population part comes from a real small run when possible.
"""

import os
import subprocess
import sys

import h5py
import healpy as hp
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, "tools")

from hpcsim import observations as obs  # noqa: E402

REGIMES = ("kolmogorov", "kraichnan", "bohm")
REGIONS = ("icecube", "lhaaso_inner", "lhaaso_outer", "argo")
from conftest import PNG_SIGNATURE, load_tool, png_size  # noqa: E402,F401


def _ds(g, name, arr, units):
    d = g.create_dataset(name, data=np.asarray(arr))
    d.attrs["units"] = units


def fabricate_emission(path, n_real=5, seed=1, nu_units="GeV^-1 cm^-2 s^-1 sr^-1 (all flavours)"):
    """Write a results file with the emission schema.  Spectra are smooth power laws with cutoffs,
    normalised near the LHAASO inner-Galaxy level (E^2 I ~ 1e-7 GeV cm^-2 s^-1 sr^-1 at 10 TeV)."""
    rng = np.random.default_rng(seed)
    e = np.geomspace(10.0, 3.0e6, 44)
    iu = "GeV^-1 cm^-2 s^-1 sr^-1"
    region_scale = {"icecube": 0.6, "lhaaso_inner": 1.0, "lhaaso_outer": 0.3, "argo": 1.2}
    cutoff = {"kolmogorov": 3e4, "kraichnan": 1e5, "bohm": 1e6}
    ymsc_norm = {"kolmogorov": 0.5, "kraichnan": 0.3, "bohm": 1.5}
    with h5py.File(path, "w") as f:
        f.attrs["scenario"] = "fabricated"
        _ds(f, "emission/energy", e, "GeV")
        for m, mscale, eshift in (("gamma", 1.0, 1.0), ("nu", 0.5, 2.0)):
            ee = e * eshift  # neutrinos carry about half the gamma energy
            for reg in REGIONS:
                s = mscale * region_scale[reg] * 1e-16  # I at 10 TeV [GeV^-1 cm^-2 s^-1 sr^-1] / 1e-16
                sea_lo = 3.0 * s * (ee / 1e4) ** -2.7 * np.exp(-ee / 3e5)
                sea_up = 5.0 * s * (ee / 1e4) ** -2.65 * np.exp(-ee / 1e6)
                _ds(f, f"emission/{m}/cr_sea/lower/{reg}", sea_lo, iu)
                _ds(f, f"emission/{m}/cr_sea/upper/{reg}", sea_up, iu)
                for regime in REGIMES:
                    amp = ymsc_norm[regime] * 3.0 * s * rng.lognormal(0.0, 0.3, n_real)
                    per = amp[:, None] * (ee[None, :] / 1e4) ** -2.3 * np.exp(-ee[None, :] / cutoff[regime])
                    g = f"emission/{m}/{regime}/{reg}"
                    u = nu_units if m == "nu" else iu
                    _ds(f, f"{g}/per_realisation", per, u)
                    q1, med, q3 = np.percentile(per, [25, 50, 75], axis=0)
                    _ds(f, f"{g}/q1", q1, u)
                    _ds(f, f"{g}/median", med, u)
                    _ds(f, f"{g}/q3", q3, u)
                    _ds(f, f"emission/{m}/total/{regime}/{reg}/lower", sea_lo + med, u)
                    _ds(f, f"emission/{m}/total/{regime}/{reg}/upper", sea_up + med, u)
        _ds(f, "emission/ratios/nu_ymsc_over_sea_10TeV_kolmogorov", 0.12, "1")
    return path, e


def fabricate_maps(path, nside=16, n_band=2):
    """maps/ group: a Galactic-plane-like map (exp(-|b|/2 deg) x (1 + cos l)) per band, and a mask."""
    npix = hp.nside2npix(nside)
    l, b = hp.pix2ang(nside, np.arange(npix), lonlat=True)
    shape = np.exp(-np.abs(b) / 2.0) * (1.2 + np.cos(np.radians(l))) + 1e-4
    be = np.geomspace(1e3, 1e5, n_band)
    mode = "a" if os.path.exists(path) else "w"
    with h5py.File(path, mode) as f:
        _ds(f, "maps/band_energy", be, "GeV")
        _ds(f, "maps/mask", ((np.abs(b) < 1.5) & ((l < 70) | (l > 350))).astype(np.uint8), "1 (1 = masked)")
        for m in ("gamma", "nu"):
            for k, ek in enumerate(be):
                val = 1e-3 * ek ** -2.7 * shape
                _ds(f, f"maps/{m}/kolmogorov/band_{k}", val, "GeV^-1 cm^-2 s^-1 sr^-1")
                _ds(f, f"maps/{m}/cr_sea/lower/band_{k}", 2 * val, "GeV^-1 cm^-2 s^-1 sr^-1")
    return path


@pytest.fixture(scope="module")
def population_file(tmp_path_factory):
    """A real small results file (population only) from the CLI; skip if the run fails."""
    out = tmp_path_factory.mktemp("poprun")
    cfg = out / "tiny.toml"
    cfg.write_text('[run]\nseed = 3\nn_realisations = 2\nn_sectors = 2\nscenario = "ymsc_population"\n')
    cmd = [sys.executable, "-m", "hpcsim", "run", str(cfg), "-o", str(out / "run"), "-q"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    path = out / "run" / "results.h5"
    # the tools are tested on a real run: if the run itself fails, that is a failure too
    assert r.returncode == 0 and path.exists(), f"population run failed: {r.stderr[-500:]}"
    return str(path)


# ----------------------------------------------------------------------------- observations

@pytest.mark.parametrize("region", ["inner", "outer"])
def test_lhaaso_loader_units_and_order(region):
    m = obs.lhaaso_km2a(region)
    assert m.energy.size == (10 if region == "inner" else 5)
    assert np.all(m.energy > 0) and np.all(np.diff(m.energy) > 0)
    assert np.all(m.value > 0) and np.all(m.err_lo > 0) and np.all(m.err_hi > 0)
    # energies in GeV: 10 TeV - 1 PeV band of the paper; each point inside its published bin
    assert 1e4 < m.energy[0] < 2e4 and 5e5 < m.energy[-1] < 1e6
    assert np.all((m.energy >= m.energy_lo * 0.999) & (m.energy <= m.energy_hi * 1.001))
    # unit conversion TeV^-1 -> GeV^-1: first inner point 6.61e-13 TeV^-1 cm^-2 s^-1 sr^-1 at 12.6 TeV
    if region == "inner":
        assert m.value[0] == pytest.approx(6.61e-16, rel=1e-12)
        assert m.energy[0] == pytest.approx(12600.0, rel=1e-12)


@pytest.mark.parametrize("region", ["inner", "outer"])
def test_lhaaso_power_law_index(region):
    """Weighted power-law fit reproduces the paper's index 2.99 (Cao et al. 2023) within 0.1."""
    m = obs.lhaaso_km2a(region)
    gamma, sigma, _, _ = obs.fit_power_law(m.energy, m.value, 0.5 * (m.err_lo + m.err_hi))
    assert gamma == pytest.approx(2.99, abs=0.1)
    assert 0.0 < sigma < 0.2


def test_fit_power_law_recovers_exact_law():
    e = np.geomspace(1e3, 1e6, 7)
    v = 3e-9 * (e / 1e4) ** -2.71
    gamma, _, amp, e0 = obs.fit_power_law(e, v, 0.1 * v)
    assert gamma == pytest.approx(2.71, rel=1e-10)
    assert amp == pytest.approx(3e-9 * (e0 / 1e4) ** -2.71, rel=1e-10)


@pytest.mark.parametrize("cutoff", [5, 50])
def test_icecube_loaders(cutoff):
    m = obs.icecube_kra_gamma(cutoff)
    assert np.all(np.diff(m.energy) > 0) and np.all(m.value > 0)
    assert 9e2 < m.energy[0] < 1.2e3 and 9e4 < m.energy[-1] < 1.5e5
    # the stored E^2 F is recovered exactly; spectrum falls in E^2 F (soft template)
    assert np.all(np.diff(m.e2()[0]) < 0)
    # normalisation band: relative widths of the quoted best-fit factors
    best, lo, hi = obs.KRA_GAMMA_NORMALISATION[cutoff]
    np.testing.assert_allclose(m.err_lo / m.value, lo / best)
    np.testing.assert_allclose(m.err_hi / m.value, hi / best)
    # |b|<5 deg conversion: f F / (4 pi sin 5 deg); bounds f=1 (upper) and all-sky mean (lower)
    up = obs.icecube_kra_gamma_plane_intensity(cutoff)
    np.testing.assert_allclose(up.value, m.value / (4 * np.pi * np.sin(np.radians(5.0))), rtol=1e-12)
    low = obs.icecube_kra_gamma_plane_intensity(cutoff, plane_fraction=np.sin(np.radians(5.0)))
    np.testing.assert_allclose(low.value, m.value / (4 * np.pi), rtol=1e-12)


def test_solid_angle_band_matches_healpix():
    nside = 128
    _, b = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)), lonlat=True)
    omega = np.count_nonzero(np.abs(b) < 5.0) * hp.nside2pixarea(nside)
    assert obs.solid_angle_band(5.0) == pytest.approx(omega, rel=0.02)
    assert obs.solid_angle_band(90.0) == pytest.approx(4 * np.pi, rel=1e-12)


def test_icecube_prelim_regions_loader():
    r = obs.icecube_prelim_regions()
    assert set(r) == {"inner", "outer"}
    for v in r.values():
        assert v["energy"] == 5000.0 and v["value"] > 0 and v["err_lo"] > 0
    # 21.4e-11 TeV m^-2 s^-1 sr^-1 = 2.14e-11 GeV cm^-2 s^-1 sr^-1 (E^2 Phi, per flavour) at 5 TeV
    assert r["inner"]["value"] * 5000.0 ** 2 == pytest.approx(2.14e-11, rel=1e-12)


def test_missing_measurements_raise():
    with pytest.raises(obs.MissingDataError):
        obs.argo_ybj()
    with pytest.raises(obs.MissingDataError):
        obs.lhaaso_wcda("inner")
    names = [m.name for m in obs.gamma_measurements("lhaaso_inner")]
    assert "LHAASO-KM2A inner" in names


def test_csv_headers_cite_sources():
    for fname in os.listdir(obs.DATA_DIR):
        with open(os.path.join(obs.DATA_DIR, fname)) as fh:
            head = "".join(line for line in fh if line.startswith("#"))
        assert "transcribed from ../shared/data/observations/" in head.lower(), fname
        assert "units" in head.lower() and "region" in head.lower(), fname


# ----------------------------------------------------------------------------- tools

def test_plot_fig1(tmp_path):
    path, _ = fabricate_emission(str(tmp_path / "em.h5"))
    tool = load_tool("plot_fig1")
    out = tool.main([path, "-o", str(tmp_path / "fig1.png"), "--dpi", "60"])
    w, h = png_size(out)
    assert os.path.getsize(out) > 10_000
    assert w > 500 and h > 250 and w > h  # 2 x 3 panel layout, wider than tall
    # units attribute "(all flavours)" -> IceCube per-flavour curves x 3; "per flavour" -> x 1
    from hpcsim.io.results import load_results
    _, units, _ = load_results(path)
    assert tool.neutrino_flavour_factor(units) == 3.0
    units_pf = {k: "GeV^-1 cm^-2 s^-1 sr^-1 (per flavour)" for k in units if k.startswith("emission/nu/")}
    assert tool.neutrino_flavour_factor(units_pf) == 1.0
    out2 = tool.main([path, "-o", str(tmp_path / "fig1_argo.png"), "--region", "argo", "--dpi", "50"])
    assert png_size(out2)[0] > 400


def test_plot_fig1_draws_data_at_published_values(tmp_path):
    """The LHAASO markers in the bottom row sit at E^2 I of the table (checks the unit handling)."""
    path, _ = fabricate_emission(str(tmp_path / "em.h5"), n_real=3)
    tool = load_tool("plot_fig1")
    from hpcsim.io.results import load_results
    data, units, _ = load_results(path)
    fig = tool.make_figure(data, units)
    ax = fig.axes[3]  # bottom-left panel (Kolmogorov, gamma)
    m = obs.lhaaso_km2a("inner")
    ys = [ln.get_ydata() for ln in ax.lines if len(ln.get_xdata()) == m.energy.size
          and np.allclose(ln.get_xdata(), m.energy)]
    assert ys, "LHAASO points not found in the gamma-ray panel"
    np.testing.assert_allclose(ys[0], m.energy ** 2 * m.value, rtol=1e-12)
    # E^2 I of the inner table at 12.6 TeV is ~1e-7 GeV cm^-2 s^-1 sr^-1
    assert 5e-8 < ys[0][0] < 2e-7
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_plot_population(population_file, tmp_path):
    tool = load_tool("plot_population")
    outs = tool.main([population_file, "-o", str(tmp_path / "pop"), "--dpi", "60"])
    assert len(outs) >= 2
    for p in outs:
        w, h = png_size(p)
        assert w > 200 and h > 200 and os.path.getsize(p) > 5_000
    # the median histogram reproduces the realisation-0 numbers when only one realisation exists
    from hpcsim.io.results import load_results
    data, _, _ = load_results(population_file)
    counts = data["population/histograms/mass/counts"]
    q1, med, q3 = tool.quartiles(counts)
    assert np.all(q1 <= med) and np.all(med <= q3)
    np.testing.assert_allclose(med, np.median(counts, axis=0))


def test_plot_maps(tmp_path):
    path = fabricate_maps(str(tmp_path / "maps.h5"))
    tool = load_tool("plot_maps")
    outs = tool.main([path, "-o", str(tmp_path / "maps"), "--dpi", "50"])
    # gamma/kolmogorov, gamma/cr_sea/lower, nu/kolmogorov, nu/cr_sea/lower, and the mask
    assert len(outs) == 5
    for p in outs:
        w, h = png_size(p)
        assert w > 200 and h > 100 and os.path.getsize(p) > 3_000
