"""Direct cosmic-ray measurements (hpcsim.observations.cr_measurement): every table loads, equals the
../shared source it was transcribed from, has units and a citation, and is physically sane."""

import fnmatch
import importlib.resources
import math
import os
import re
import tomllib

import numpy as np
import pytest

from hpcsim import observations as obs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_OBS = os.path.join(ROOT, "..", "shared", "data", "observations")
needs_shared = pytest.mark.skipif(not os.path.isdir(SHARED_OBS),
                                  reason="../shared/data/observations absent (fresh machine): no originals to compare")

M_P = 0.938272  # proton mass [GeV]
M_U = 0.931494  # atomic mass unit [GeV]
M_HE4 = 3.727379  # 4He nucleus mass [GeV]

# (experiment, quantity, x_kind) -> file under ../shared/data/observations (KISS format) it was transcribed from
SHARED_KISS = {
    **{("AMS-02", q, "rigidity"): f"ams02_cr_spectra/AMS-02_{q.replace('/', '_')}_rigidity.txt"
       for q in ("H", "He", "C", "N", "O", "Ne", "Mg", "Si", "S", "Fe", "B/C", "B/O", "C/O", "N/O", "Ne/O")},
    ("AMS-02", "B/C", "ekn"): "ams02_cr_spectra/AMS-02_B_C_kineticEnergyPerNucleon.txt",
    **{("DAMPE", q, "ekin"): f"dampe_cr_spectra/DAMPE_{q}_kineticEnergy.txt" for q in ("H", "He", "C", "O", "Fe")},
    ("DAMPE", "B/C", "ekn"): "dampe_cr_spectra/DAMPE_B_C_kineticEnergyPerNucleon.txt",
    ("DAMPE", "B/O", "ekn"): "dampe_cr_spectra/DAMPE_B_O_kineticEnergyPerNucleon.txt",
    ("CALET", "H", "ekin"): "calet_cr_spectra/CALET_H_kineticEnergy.txt",
    ("CALET", "He", "ekin"): "calet_cr_spectra/CALET_He_kineticEnergy.txt",
    **{("CALET", q, "ekn"): f"calet_cr_spectra/CALET_{q.replace('/', '_')}_kineticEnergyPerNucleon.txt"
       for q in ("B", "C", "O", "Fe", "B/C", "C/O")},
    **{("NUCLEON", q, "etot"): f"nucleon_cr_spectra/NUCLEON_{q}_totalEnergy.txt"
       for q in ("H", "He", "C", "O", "Ne", "Mg", "Si", "Fe")},
    ("NUCLEON", "p/He", "rigidity"): "nucleon_cr_spectra/NUCLEON_H_He_rigidity.txt",
    ("LHAASO", "H", "etot"): "lhaaso_cr_spectra/LHAASO_QGSJET-II-04_H_totalEnergy.txt",
    ("LHAASO", "He", "etot"): "lhaaso_cr_spectra/LHAASO_QGSJET-II-04_He_totalEnergy.txt",
}
REQUESTED = {
    "AMS-02": {"H", "He", "C", "O", "N", "Ne", "Mg", "Si", "S", "Fe", "B/C", "B/O", "C/O", "N/O", "Ne/O"},
    "DAMPE": {"H", "He", "C", "O", "Fe", "B", "B/C", "B/O"},
    "CALET": {"H", "He", "B", "C", "O", "Fe", "B/C", "C/O"},
    "NUCLEON": {"H", "He", "C", "O", "Ne", "Mg", "Si", "Fe", "p/He"},
    "LHAASO": {"H", "He"},
}
DATASETS = [(e, q, k) for e, q, k, _, _ in obs.CR_DATASETS]


def load(exp, q, kind):
    return obs.cr_measurement(exp, q, x_kind=kind)


def kiss(rel):
    d = np.loadtxt(os.path.join(SHARED_OBS, rel), comments="#")
    assert d.ndim == 2 and d.shape[1] == 6
    return d


def header(fname):
    with open(os.path.join(obs.DATA_DIR, fname)) as fh:
        return "".join(line for line in fh if line.startswith("#"))


def loglog(x, xs, ys):
    return float(np.exp(np.interp(np.log(x), np.log(xs), np.log(ys))))


# ------------------------------------------------------------------------------------- catalogue

def test_catalogue_covers_request():
    avail = obs.cr_measurements_available()
    assert len(avail) == len(set(avail))
    got = {}
    for e, q in avail:
        got.setdefault(e, set()).add(q)
    assert got == REQUESTED
    assert ("AMS-02", "B/C", "ekn") in DATASETS  # PRL 117, 231102 (2016), second x_kind
    assert set(SHARED_KISS) | {("DAMPE", "B", "ekn")} == set(DATASETS)


@pytest.mark.parametrize("exp,q,kind", DATASETS)
def test_every_dataset_loads(exp, q, kind):
    m = load(exp, q, kind)
    assert (m.experiment, m.quantity, m.x_kind) == (exp, q, kind)
    n = m.x.size
    assert n >= 6
    for a in (m.y, m.stat_lo, m.stat_up, m.sys_lo, m.sys_up):
        assert a.shape == (n,) and a.dtype == np.float64 and np.all(np.isfinite(a))
    assert np.all(np.diff(m.x) > 0) and np.all(m.x > 0) and np.all(m.y > 0)
    assert min(m.stat_lo.min(), m.stat_up.min(), m.sys_lo.min(), m.sys_up.min()) >= 0
    assert np.all(m.stat_up > 0) or np.count_nonzero(m.stat_up == 0) < n // 4  # zeros only from rounding
    if (exp, q) != ("NUCLEON", "p/He"):  # the only table without systematics (as stored in CRDB)
        assert np.all(m.sys_lo > 0) and np.all(m.sys_up > 0)
    # errors below the value (a mix-up of columns would break this)
    assert np.all(m.err() < m.y)
    # units
    assert m.x_unit == {"rigidity": "GV", "ekn": "GeV/n", "ekin": "GeV", "etot": "GeV"}[kind]
    if "/" in q:
        assert m.y_unit == "dimensionless" and m.is_ratio
    else:
        assert m.y_unit.startswith("m^-2 s^-1 sr^-1 ") and m.y_unit.endswith(
            {"rigidity": "GV^-1", "ekn": "(GeV/n)^-1", "ekin": "GeV^-1", "etot": "GeV^-1"}[kind])
    # bin edges, where stored, bracket x
    if m.x_lo is not None:
        assert np.all(m.x_lo <= m.x) and np.all(m.x <= m.x_hi) and np.all(m.x_lo[1:] >= m.x_hi[:-1] * (1 - 1e-3))
    # citation: a journal reference with a DOI or an arXiv id
    assert re.search(r"DOI 10\.\d{4,5}/|arXiv:\d{4}\.\d{4,5}", m.citation), m.citation


@pytest.mark.parametrize("exp,q,kind", DATASETS)
def test_csv_header_documents_source(exp, q, kind):
    m = load(exp, q, kind)
    h = header(m.source)
    # the DOI / arXiv id of the loader's citation is the one in the file's header
    for ident in re.findall(r"DOI (10\.\S+?)[,; ]|(arXiv:\d{4}\.\d{4,5})", m.citation + " "):
        assert (ident[0] or ident[1]) in h, (m.source, ident)
    assert "units" in h.lower() and "region" in h.lower()
    if exp != "LHAASO":  # new tables: one per measurement, with its units and point count
        assert m.y_unit in h and f"Points: {m.x.size}." in h
        src = SHARED_KISS.get((exp, q, kind), "dampe_cr_spectra/raw/DAMPE_B_kineticEnergyPerNucleon.txt")
        assert f"Transcribed from ../shared/data/observations/{src}" in h
    else:
        assert "QGSJET-II-04" in m.citation


# ------------------------------------------------------------------------------------- originals

@needs_shared
@pytest.mark.parametrize("key", [k for k in SHARED_KISS if k[0] != "LHAASO"])
def test_values_equal_shared_kiss_tables(key):
    m = load(*key)
    d = kiss(SHARED_KISS[key])
    got = np.column_stack([m.x, m.y, m.stat_lo, m.stat_up, m.sys_lo, m.sys_up])
    assert got.shape == d.shape
    np.testing.assert_array_equal(got, d)  # transcribed digit for digit


@needs_shared
@pytest.mark.parametrize("q", ["H", "He", "C", "O", "Fe"])
def test_dampe_2026_published_columns(q):
    """DAMPE 2026: bin edges, flux, stat and the two systematic components equal the paper's tables
    (KISS mytables copy); the combined sys is their quadrature sum."""
    m = load("DAMPE", q, "ekin")
    c = obs._read_csv(m.source)
    raw = np.loadtxt(os.path.join(SHARED_OBS, f"dampe_cr_spectra/raw/DAMPE_{q}_kineticEnergy.txt"), comments="#")
    np.testing.assert_array_equal(m.x_lo, raw[:, 0])
    np.testing.assert_array_equal(m.x_hi, raw[:, 1])
    np.testing.assert_array_equal(m.y, raw[:, 2])
    np.testing.assert_allclose(m.stat_lo, raw[:, 3], rtol=1e-12)
    np.testing.assert_array_equal(obs._col(c, "sys_ana"), raw[:, 4])
    np.testing.assert_array_equal(obs._col(c, "sys_had"), raw[:, 5])
    np.testing.assert_allclose(m.sys_up, np.hypot(raw[:, 4], raw[:, 5]), rtol=6e-4)


@needs_shared
def test_dampe_boron_equals_raw_table():
    m = load("DAMPE", "B", "ekn")
    raw = np.loadtxt(os.path.join(SHARED_OBS, "dampe_cr_spectra/raw/DAMPE_B_kineticEnergyPerNucleon.txt"),
                     comments="#")
    assert m.x.size == raw.shape[0] == 17
    for got, col in ((m.x, 0), (m.x_lo, 1), (m.x_hi, 2), (m.y, 3), (m.stat_lo, 4), (m.stat_up, 4)):
        np.testing.assert_array_equal(got, raw[:, col])
    np.testing.assert_allclose(m.sys_lo, np.hypot(raw[:, 5], raw[:, 6]), rtol=6e-4)
    np.testing.assert_array_equal(m.sys_lo, m.sys_up)


@needs_shared
@pytest.mark.parametrize("q,species", [("H", "proton"), ("He", "helium")])
def test_lhaaso_equals_shared_tables(q, species):
    m = load("LHAASO", q, "etot")
    raw = np.loadtxt(os.path.join(SHARED_OBS, f"lhaaso_cr_spectra/raw/LHAASO_{species}_totalEnergy.txt"))
    np.testing.assert_allclose(m.y, raw[:, 2] * 1e-6, rtol=1e-12)  # QGSJET-II-04 columns, PeV^-1 -> GeV^-1
    np.testing.assert_allclose(m.stat_lo, raw[:, 3] * 1e-6, rtol=1e-12)
    np.testing.assert_allclose(m.sys_up, raw[:, 4] * 1e-6, rtol=1e-12)
    np.testing.assert_allclose(m.x_lo, 10 ** raw[:, 0] * 1e6, rtol=1e-12)
    # and the KISS conversion of the same model (x geometric bin centre; KISS prints 4 significant digits,
    # e.g. 10.796e-8 PeV^-1 -> 1.080e-13 GeV^-1)
    d = kiss(SHARED_KISS[("LHAASO", q, "etot")])
    np.testing.assert_allclose(m.x, d[:, 0], rtol=5e-4)
    np.testing.assert_allclose(np.column_stack([m.y, m.stat_lo, m.stat_up, m.sys_lo, m.sys_up]), d[:, 1:],
                               rtol=5e-4)


def test_lhaaso_consistent_with_existing_loader():
    for q, species in (("H", "proton"), ("He", "helium")):
        m = obs.cr_measurement("LHAASO", q)
        old = obs.lhaaso_light_spectrum(species, "qgsjet")  # GeV^-1 cm^-2 s^-1 sr^-1
        np.testing.assert_allclose(m.x, old.energy, rtol=1e-12)
        np.testing.assert_allclose(m.y * 1e-4, old.value, rtol=1e-12)
        np.testing.assert_allclose(m.err() * 1e-4, old.err_lo, rtol=1e-12)


# ------------------------------------------------------------------------------------- physics

def test_ams02_proton_near_10_gv():
    m = obs.cr_measurement("AMS-02", "H")
    i = int(np.argmin(np.abs(np.log(m.x / 10.0))))
    assert m.x[i] == 9.669 and m.y[i] == 26.79  # the table's point nearest 10 GV (Phys. Rep. 894, 1)
    # interpolated flux at 10 GV within 10 % of the tabulated point, R^2.7-weighted flux on the AMS plateau
    assert loglog(10.0, m.x, m.y) == pytest.approx(26.79, rel=0.10)
    assert 1.0e4 < m.x[i] ** 2.7 * m.y[i] < 1.5e4  # GV^1.7 m^-2 s^-1 sr^-1
    # flux falls with rigidity everywhere above 2 GV
    assert np.all(np.diff(m.y[m.x > 2]) < 0)


@needs_shared
def test_ams02_proton_10_gv_vs_shared_file():
    d = kiss(SHARED_KISS[("AMS-02", "H", "rigidity")])
    i = int(np.argmin(np.abs(np.log(d[:, 0] / 10.0))))
    m = obs.cr_measurement("AMS-02", "H")
    assert loglog(10.0, m.x, m.y) == pytest.approx(d[i, 1], rel=0.10)


@pytest.mark.parametrize("exp,kind,lo,hi", [("AMS-02", "rigidity", 10.0, 1000.0), ("AMS-02", "ekn", 10.0, 600.0),
                                            ("DAMPE", "ekn", 15.0, 1000.0), ("CALET", "ekn", 10.0, 1000.0)])
def test_b_over_c_decreases(exp, kind, lo, hi):
    m = obs.cr_measurement(exp, "B/C", x_kind=kind)
    sel = (m.x >= lo) & (m.x <= hi)
    assert np.count_nonzero(sel) >= 5
    assert loglog(hi, m.x, m.y) < 0.5 * loglog(lo, m.x, m.y)
    slope = np.polyfit(np.log(m.x[sel]), np.log(m.y[sel]), 1)[0]
    assert -0.6 < slope < -0.2  # B/C ~ R^-delta, delta ~ 0.3-0.5 (grammage falls with rigidity)
    assert 0.1 < loglog(lo, m.x, m.y) < 0.3


def test_secondary_and_primary_ratios():
    # B/O falls like B/C; C/O and Ne/O (primary/primary) stay near 1 and 0.15 (AMS-02)
    bo = obs.cr_measurement("AMS-02", "B/O")
    assert loglog(1000.0, bo.x, bo.y) < 0.5 * loglog(10.0, bo.x, bo.y)
    co = obs.cr_measurement("AMS-02", "C/O")
    assert np.all((co.y > 0.8) & (co.y < 1.2))
    neo = obs.cr_measurement("AMS-02", "Ne/O")
    assert np.all((neo.y > 0.1) & (neo.y < 0.25))
    no = obs.cr_measurement("AMS-02", "N/O")  # N is half secondary: N/O falls
    assert loglog(1000.0, no.x, no.y) < loglog(10.0, no.x, no.y)
    # AMS-02 flux ratios agree with the ratio of the AMS-02 fluxes at the same rigidity
    c, o = obs.cr_measurement("AMS-02", "C"), obs.cr_measurement("AMS-02", "O")
    for r in (5.0, 50.0, 500.0):
        assert loglog(r, c.x, c.y) / loglog(r, o.x, o.y) == pytest.approx(loglog(r, co.x, co.y), rel=0.05)


def test_p_over_he():
    m = obs.cr_measurement("NUCLEON", "p/He")
    assert m.x_kind == "rigidity" and m.x[0] == pytest.approx(3150.0)
    assert np.all((m.y > 1.5) & (m.y < 5.0))
    assert m.y[-1] < m.y[0]  # He harder than p
    assert np.all(m.sys_lo == 0)  # none stored; err() is then the statistical error
    np.testing.assert_allclose(m.err(), m.stat_lo)
    assert obs.cr_measurement("NUCLEON", "H/He").quantity == "p/He"  # alias
    # AMS-02: p/He at equal rigidity ~5 at 10 GV, falling with rigidity
    p, he = obs.cr_measurement("AMS-02", "H"), obs.cr_measurement("AMS-02", "He")
    r10 = loglog(10.0, p.x, p.y) / loglog(10.0, he.x, he.y)
    r1k = loglog(1000.0, p.x, p.y) / loglog(1000.0, he.x, he.y)
    assert 4.5 < r10 < 6.5 and r1k < r10


def _flux_per_rigidity_to_ekin(m_rig, ekin, mass, z):
    """dN/dE_k at kinetic energy per particle ekin [GeV] from a flux per unit rigidity (nucleus mass, charge)."""
    pc = math.sqrt(ekin * (ekin + 2 * mass))
    r = pc / z
    return loglog(r, m_rig.x, m_rig.y) * (ekin + mass) / (z * pc)  # dR/dE_k = E / (Z p c)


def test_units_consistent_across_experiments():
    """The same spectrum in different variables (R, E_k, E_k/n) agrees after conversion -> x and y
    units and x_kind are what they claim (a factor A or Z error would show)."""
    ams_p, ams_he = obs.cr_measurement("AMS-02", "H"), obs.cr_measurement("AMS-02", "He")
    dampe_p, calet_p = obs.cr_measurement("DAMPE", "H"), obs.cr_measurement("CALET", "H")
    dampe_he = obs.cr_measurement("DAMPE", "He")
    for ek in (100.0, 300.0, 1000.0):
        ref = _flux_per_rigidity_to_ekin(ams_p, ek, M_P, 1)
        assert loglog(ek, dampe_p.x, dampe_p.y) == pytest.approx(ref, rel=0.15)
        assert loglog(ek, calet_p.x, calet_p.y) == pytest.approx(ref, rel=0.15)
        ref_he = _flux_per_rigidity_to_ekin(ams_he, ek, M_HE4, 2)
        assert loglog(ek, dampe_he.x, dampe_he.y) == pytest.approx(ref_he, rel=0.2)
    # carbon: DAMPE per particle (E_k) vs CALET per nucleon (E_k/n, A = 12): dN/dE_k = dN/d(E_k/n) / 12
    dampe_c, calet_c = obs.cr_measurement("DAMPE", "C"), obs.cr_measurement("CALET", "C")
    for ekn in (20.0, 100.0, 500.0):
        assert loglog(12 * ekn, dampe_c.x, dampe_c.y) == pytest.approx(
            loglog(ekn, calet_c.x, calet_c.y) / 12.0, rel=0.4)
    # boron per nucleon: DAMPE and CALET
    db, cb = obs.cr_measurement("DAMPE", "B"), obs.cr_measurement("CALET", "B")
    for ekn in (20.0, 200.0):
        assert loglog(ekn, db.x, db.y) == pytest.approx(loglog(ekn, cb.x, cb.y), rel=0.4)
    # total energy: NUCLEON p at 10 TeV vs DAMPE p (E_k ~ E at 10 TeV)
    nuc = obs.cr_measurement("NUCLEON", "H")
    assert loglog(1e4, nuc.x, nuc.y) == pytest.approx(loglog(1e4, dampe_p.x, dampe_p.y), rel=0.3)
    # LHAASO p and NUCLEON p meet near 0.2 PeV within a factor 2 (different techniques)
    lh = obs.cr_measurement("LHAASO", "H")
    assert 0.5 < lh.y[0] / loglog(lh.x[0], nuc.x, nuc.y) < 2.0


def test_errors_and_asymmetry():
    m = obs.cr_measurement("CALET", "He")
    assert np.any(m.sys_lo != m.sys_up)  # asymmetric systematics kept as published
    np.testing.assert_allclose(m.err(), np.hypot(0.5 * (m.stat_lo + m.stat_up), 0.5 * (m.sys_lo + m.sys_up)))
    np.testing.assert_allclose(m.err_lo(), np.hypot(m.stat_lo, m.sys_lo))
    np.testing.assert_allclose(m.err_up(), np.hypot(m.stat_up, m.sys_up))
    assert m.err()[0] == pytest.approx(math.hypot(2.0e-3, 0.5 * (1.863e-2 + 1.119e-2)), rel=1e-12)


# ------------------------------------------------------------------------------------- errors

def test_unknown_requests_raise_keyerror_with_alternatives():
    with pytest.raises(KeyError) as e:
        obs.cr_measurement("AMS-02", "Li")
    msg = str(e.value)
    for q in ("'H'", "'Fe'", "'B/C'", "'Ne/O'"):
        assert q in msg
    with pytest.raises(KeyError) as e:
        obs.cr_measurement("PAMELA", "H")
    assert "AMS-02" in str(e.value) and "NUCLEON" in str(e.value)
    with pytest.raises(KeyError) as e:
        obs.cr_measurement("AMS-02", "B/C", x_kind="etot")
    assert "rigidity" in str(e.value) and "ekn" in str(e.value)
    with pytest.raises(KeyError):
        obs.cr_measurement("LHAASO", "p/He")


# ------------------------------------------------------------------------------------- packaging

def test_tables_are_package_data():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        patterns = tomllib.load(fh)["tool"]["setuptools"]["package-data"]["hpcsim"]
    res = importlib.resources.files("hpcsim")
    assert os.path.samefile(str(res.joinpath("data", "observations")), obs.DATA_DIR)
    for *_, fname, _ in obs.CR_DATASETS:
        rel = f"data/observations/{fname}"
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), rel
        assert res.joinpath("data", "observations", fname).is_file(), fname
