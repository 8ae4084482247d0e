"""Stellar tracks, phases, winds and the IMF-weighted collective wind (issue 4 items 1-3).

Uses the MIST v1.0 grid in ../shared/data/mist when present (skipped otherwise)."""

import glob
import gzip
import io
import os
import shutil
import tarfile

import numpy as np
import pytest

from hpcsim.clusters.imf_integrals import (collective_wind, direct_sum, imf_per_msun,
                                           mass_nodes, mass_weights)
from hpcsim.constants import KM, MSUN_PER_YR
from hpcsim.stars.imf import kroupa_moment, powerlaw_inverse_cdf
from hpcsim.stars.mist import (GRID_V10, TrackDataError, find_tracks, locate_tracks,
                               read_eep, read_eep_header, write_eep)
from hpcsim.stars.mist_fetch import MistFetchError, fetch_mist, sha256_file
from hpcsim.stars.phases import DEAD, O_TYPE, RSG, WC, WN, is_wr
from hpcsim.stars.tracks import ELEMENTS, TrackGrid
from hpcsim.stars.vink2001 import (GAMMA_E_PER_SIGMA, WindParams, t_jump, vinf_ostar,
                                   wind_history)

from conftest import SHARED_DATA

MIST_DIR = os.path.join(SHARED_DATA, "mist", GRID_V10)


@pytest.fixture(scope="module")
def mist_dir():
    if not glob.glob(os.path.join(MIST_DIR, "*M.track.eep*")):
        pytest.skip(f"MIST development tracks not present in {MIST_DIR}")
    return MIST_DIR


@pytest.fixture(scope="module")
def grid(mist_dir):
    return TrackGrid.from_directory(mist_dir)


T_GRID = np.logspace(4.0, np.log10(4.5e7), 4000)  # yr


# ----------------------------------------------------------------------------- loader
def test_roundtrip_plain_and_gzip(mist_dir, tmp_path):
    """read -> write (plain and gzip) -> read gives bit-identical columns and header."""
    src = find_tracks(mist_dir)[60.0]
    a = read_eep(src)
    hdr = read_eep_header(src)
    for name in ("t.track.eep", "t.track.eep.gz"):
        out = str(tmp_path / name)
        write_eep(out, a, hdr)
        b = read_eep(out)
        assert read_eep_header(out) == hdr
        assert set(a) == set(b)
        for k in a:
            np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    with open(str(tmp_path / "t.track.eep")) as fh:  # really plain ASCII
        assert fh.readline().startswith("# MIST version")


def test_find_tracks_prefers_interp(mist_dir):
    tr = find_tracks(mist_dir)
    assert tr[8.0].endswith("_INTERP.gz") and tr[40.0].endswith("_INTERP.gz")
    assert min(tr) == 8.0 and max(tr) == 150.0 and len(tr) == 45


def test_missing_data_message(tmp_path, monkeypatch):
    monkeypatch.setenv("HPCSIM_DATA_DIR", str(tmp_path / "cache"))
    with pytest.raises(TrackDataError) as err:
        locate_tracks()
    msg = str(err.value)
    assert str(tmp_path / "cache" / "mist") in msg
    assert "hpcsim data fetch mist" in msg and "copy the MIST EEP files" in msg
    # how to point at an existing copy (issue 8 item 8)
    assert "track_dir" in msg and "[injection]" in msg and "export HPCSIM_DATA_DIR=" in msg
    with pytest.raises(TrackDataError, match="hpcsim data fetch mist"):
        find_tracks(str(tmp_path))


def test_locate_tracks_in_cache(mist_dir, tmp_path, monkeypatch):
    d = tmp_path / "mist" / GRID_V10
    d.mkdir(parents=True)
    shutil.copy(find_tracks(mist_dir)[20.0], d)
    monkeypatch.setenv("HPCSIM_DATA_DIR", str(tmp_path))
    assert locate_tracks() == str(d)


# ----------------------------------------------------------------------------- interpolation
def test_grid_mass_reproduced_exactly(grid, mist_dir):
    """At a grid mass the history is MIST itself: compare with np.interp on the raw file."""
    raw = read_eep(find_tracks(mist_dir)[60.0])
    la = np.log10(raw["star_age"][201:])
    t = np.array([1e5, 1e6, 3.0e6, 3.97e6, 4.2e6, 4.3e6])
    h = grid.star_history(60.0, t)
    for col in ("log_L", "log_Teff", "log_R"):
        np.testing.assert_allclose(h[col], np.interp(np.log10(t), la, raw[col][201:]),
                                   rtol=1e-13)
    np.testing.assert_allclose(h["X_H"], np.interp(np.log10(t), la, raw["surface_h1"][201:]),
                               rtol=1e-12)
    mdot = 10 ** np.interp(np.log10(t), la, np.log10(-raw["star_mdot"][201:])) * MSUN_PER_YR
    np.testing.assert_allclose(h["mdot"], mdot, rtol=1e-12)
    assert grid.lifetime(60.0)[0] == pytest.approx(raw["star_age"][-1], rel=1e-13)


@pytest.mark.parametrize("ma, mb", [(20.0, 22.0), (60.0, 65.0), (120.0, 125.0)])
def test_interpolated_track_between_neighbours(grid, ma, mb):
    m = np.sqrt(ma * mb)
    ta, tb, tm = grid.track(ma), grid.track(mb), grid.track(m)
    for c in (0, 3, 4):  # log age, log L, log Teff at every EEP
        lo = np.minimum(ta[:, c], tb[:, c])
        hi = np.maximum(ta[:, c], tb[:, c])
        assert np.all((tm[:, c] >= lo - 1e-12) & (tm[:, c] <= hi + 1e-12))
    la, lb, lm = grid.lifetime([ma, mb, m])
    assert min(la, lb) <= lm <= max(la, lb)


def test_lifetimes(grid):
    """Monotonically decreasing 8-80 Msun (also for interpolated masses); above 80 Msun the
    MIST v1.0 grid is not monotonic (documented): lifetimes stay within 3.2-4.1 Myr."""
    m = np.geomspace(8.0, 80.0, 200)
    tau = grid.lifetime(m)
    assert np.all(np.diff(tau) < 0)
    assert tau[0] == pytest.approx(43.23e6, rel=1e-3) and tau[-1] == pytest.approx(3.687e6, rel=1e-3)
    hi = grid.lifetime(np.geomspace(80.0, 150.0, 50))
    assert np.all((hi > 3.2e6) & (hi < 4.1e6))


def test_evaluate_matches_star_history(grid):
    m = np.array([8.0, 9.3, 27.7, 61.0, 99.0, 150.0])
    for t in (5e5, 3.3e6, 4.2e6):
        e = grid.evaluate(m, t)
        for i, mi in enumerate(m):
            h = grid.star_history(mi, np.array([t]))
            for k in ("mdot", "log_L", "log_Teff", "log_R", "X_H", "X_C", "mass"):
                assert e[k][i] == pytest.approx(h[k][0], rel=1e-10, abs=1e-300), (mi, t, k)
            assert e["phase"][i] == h["phase"][0]


# ----------------------------------------------------------------------------- phases
def _sequence(ph):
    return [ph[0]] + [ph[i] for i in range(1, len(ph)) if ph[i] != ph[i - 1]]


def test_phase_sequence_60(grid):
    ph = grid.star_history(60.0, T_GRID)["phase"]
    seq = _sequence(ph)
    assert seq[0] == O_TYPE and seq[-1] == DEAD
    first_wr = np.argmax(is_wr(ph))
    assert is_wr(ph).any() and first_wr > 0 and np.all(ph[:first_wr] != WC)
    assert WN in seq and WC in seq
    assert np.max(np.nonzero(ph == WN)) < np.min(np.nonzero(ph == WC))  # WN before WC
    assert 4.15e6 < T_GRID[first_wr] < 4.25e6  # MIST v1.0: X_H < 0.1 at 4.21 Myr
    h = grid.star_history(60.0, T_GRID)
    np.testing.assert_array_equal(is_wr(ph), (h["X_H"] < 0.1) & (ph != DEAD))  # seed Sec. IV.1


def test_phase_sequence_20(grid):
    ph = grid.star_history(20.0, T_GRID)["phase"]
    assert _sequence(ph) == [O_TYPE, RSG, DEAD]
    t_rsg = T_GRID[np.argmax(ph == RSG)]
    assert 8.9e6 < t_rsg < 9.1e6  # end of the MS at 8.97 Myr


def test_phases_as_in_the_seed(grid):
    """Seed 001 Sec. II.1 with its Sec. IV.1 WR split (X_H < 0.1): 40-50 Msun stars end their
    lives as RSG / transitional stars, >= 60 Msun stars pass O -> RSG/transitional -> WN -> WC,
    and the most massive star (150 Msun) becomes WR at ~2.6 Myr ("members of a coeval cluster
    begin to enter the WR phase collectively at an age of ~2.6 Myr")."""
    for m in (40.0, 45.0, 50.0):
        ph = grid.star_history(m, T_GRID)["phase"]
        alive = ph[ph != DEAD]
        assert alive[-1] == RSG and not is_wr(ph).any(), m
    for m in (80.0, 120.0, 150.0):
        seq = [p for p in _sequence(grid.star_history(m, T_GRID)["phase"])]
        assert seq == [O_TYPE, RSG, WN, WC, DEAD], (m, seq)
    ph = grid.star_history(150.0, T_GRID)["phase"]
    assert 2.5e6 < T_GRID[np.argmax(is_wr(ph))] < 2.7e6


# ----------------------------------------------------------------------------- winds
def test_gamma_e_constant():
    assert GAMMA_E_PER_SIGMA == pytest.approx(7.66e-5, rel=2e-3)  # Vink01 Eq. 11


def test_bistability_jump():
    # Vink01 Eqs. 15, 23: T_jump = 61.2 + 2.59 (-14.94 + 0.85 log Z + 3.2 Gamma) kK
    assert t_jump(0.25, 1.0) == pytest.approx(1e3 * (61.2 + 2.59 * (-14.94 + 0.8)), rel=1e-12)
    assert 23.0e3 < t_jump(0.25, 1.0) < 26.5e3  # ~25 kK at solar Z
    assert t_jump(0.25, 0.1) < t_jump(0.25, 1.0)  # jump moves to lower T at low Z
    tj = t_jump(0.25, 1.0)
    M, L = 40.0, 0.25 / (GAMMA_E_PER_SIGMA * 0.31) * 40.0  # Gamma_e = 0.25 with sigma_e = 0.31
    hot = vinf_ostar(M, 10.0, L, tj * 1.001, 1.42857e-2)
    cool = vinf_ostar(M, 10.0, L, tj * 0.999, 1.42857e-2)
    assert hot / cool == pytest.approx(2.0, rel=1e-12)  # 2.6 / 1.3
    z2 = vinf_ostar(M, 10.0, L, tj * 0.999, 2 * 1.42857e-2)
    # doubling Z moves T_jump up (cool side stays cool) and scales v_inf by 2^0.13
    assert z2 / cool == pytest.approx(2 ** 0.13, rel=1e-12)


def test_ostar_vinf_vs_physics_notes(grid):
    """PHYSICS-NOTES Sec. 3.5 test vector: 40 Msun at 1.52 Myr, Vink v_inf ~ 3012 km/s."""
    h = wind_history(grid.star_history(40.0, np.array([1.52e6])), WindParams(z_scaling=False))
    assert h["phase"][0] == O_TYPE
    assert h["vinf"][0] / KM == pytest.approx(3012.0, rel=0.03)


def test_wind_quantities(grid):
    h = wind_history(grid.star_history(120.0, T_GRID))
    alive = h["phase"] != DEAD
    np.testing.assert_allclose(h["L_w"], 0.5 * h["mdot"] * h["vinf"] ** 2, rtol=1e-14)
    np.testing.assert_allclose(h["F_w"], h["mdot"] * h["vinf"], rtol=1e-14)
    tot = sum(h[f"mdot_{e}"] for e in ELEMENTS)
    assert np.all(tot <= h["mdot"] * (1 + 1e-12)) and np.all(tot[alive] > 0.97 * h["mdot"][alive])
    assert np.all(h["mdot"][~alive] == 0) and np.all(h["vinf"][~alive] == 0)
    wc = h["phase"] == WC
    assert np.all(h["mdot_C"][wc] > h["mdot_N"][wc])
    assert np.all((h["vinf"][is_wr(h["phase"])] > 300 * KM) | (h["log_Teff"][is_wr(h["phase"])] < 4.5))


def test_nl00_wr_velocity(grid):
    """Nugis & Lamers (2000) v_inf/v_esc relations (WN, WC) against a hand evaluation, the factor
    2^1/2 of the escape-speed convention and the [740, 5500] km/s clamp."""
    from hpcsim.stars.vink2001 import vinf_nl00
    M, R, L, X, Y = 20.0, 1.2, 10 ** 5.6, 0.0, 0.55  # a WC-like star
    gam = 7.66e-5 * 0.401 * (X + Y / 2 + (1 - X - Y) / 4) * L / M
    vesc = np.sqrt(2 * 6.674e-8 * M * 1.989e33 * (1 - gam) / (R * 6.957e10))
    ratio = 10 ** (-2.37 + 0.43 * 5.6 - 0.07 * np.log10(1 - X - Y))
    v = vinf_nl00(M, R, L, X, Y, WC)
    assert v == pytest.approx(vesc * ratio, rel=2e-3)
    ratio_wn = 10 ** (0.61 - 0.13 * 5.6 + 0.30 * np.log10(0.98))
    gam = 7.66e-5 * 0.401 * (0.02 + 0.49) * L / M
    vesc = np.sqrt(2 * 6.674e-8 * M * 1.989e33 * (1 - gam) / (R * 6.957e10))
    assert vinf_nl00(M, R, L, 0.02, 0.98, WN) == pytest.approx(vesc * ratio_wn, rel=2e-3)
    v1 = vinf_nl00(M, R, L, X, Y, WC, WindParams(nl00_vesc_2g=False))
    assert v / v1 == pytest.approx(np.sqrt(2), rel=1e-12)
    assert vinf_nl00(M, 30.0, L, X, Y, WC) == pytest.approx(740 * KM)  # clamped (inflated)
    assert vinf_nl00(M, 0.05, L, X, Y, WC) == pytest.approx(5500 * KM)
    # on the tracks: WC winds of 60-150 Msun stars are fast, a few 1000 km/s (module docstring)
    h = wind_history(grid.star_history(120.0, T_GRID))
    wc = h["phase"] == WC
    assert 1500 * KM < np.median(h["vinf"][wc]) < 4500 * KM


# ----------------------------------------------------------------------------- IMF integrals
def test_mass_weights_exact(grid):
    n = mass_nodes(grid.masses, 8.0, 120.0, 16)
    w = mass_weights(n, 0.08, 120.0)
    norm = kroupa_moment(1, 0.08, 120.0)
    assert w.sum() == pytest.approx(kroupa_moment(0, 0.08, 120.0, lo=8.0) / norm, rel=1e-12)
    assert np.sum(w * np.log(n)) == pytest.approx(
        np.trapezoid(imf_per_msun(np.geomspace(8, 120, 200001), 0.08, 120.0) *
                     np.log(np.geomspace(8, 120, 200001)), np.geomspace(8, 120, 200001)),
        rel=1e-6)  # hat weights are exact for f linear in ln M


def test_collective_wind_vs_sampled_population(grid):
    """Quadrature (seed Eqs. 2, 5) vs a direct sum over 2e5 stars drawn from M^-2.3 on [8, 150]."""
    rng = np.random.default_rng(20260529)
    n = 200_000
    m = powerlaw_inverse_cdf(rng.random(n), 8.0, 150.0, 2.3)
    per_star = kroupa_moment(0, 0.08, 150.0, lo=8.0) / kroupa_moment(1, 0.08, 150.0)  # stars/Msun
    ages = np.array([1.0e6, 3.0e6, 4.5e6])
    cw = collective_wind(grid, ages)
    for j, t in enumerate(ages):
        h = wind_history(grid.evaluate(m, t))
        for key, q, ref in (("mdot", h["mdot"], cw.mdot[j]), ("L", h["L_w"], cw.L[j]),
                            ("F", h["F_w"], cw.F[j]), ("He", h["mdot_He"], cw.mdot_el["He"][j]),
                            ("C", h["mdot_C"], cw.mdot_el["C"][j])):
            mc = per_star * q.mean()
            err = per_star * q.std() / np.sqrt(n)
            assert abs(mc - ref) < 4 * err + 0.03 * ref, (t, key, mc, ref, err)
        v_mc = h["F_w"].sum() / h["mdot"].sum()
        assert v_mc == pytest.approx(cw.V[j], rel=0.05)
    d = direct_sum(grid, m[:1000], 3.0e6)
    assert d["L"] == pytest.approx(np.sum(wind_history(grid.evaluate(m[:1000], 3e6))["L_w"]))


def test_collective_wind_properties(grid):
    t = np.logspace(4, np.log10(4.4e7), 300)
    cw = collective_wind(grid, t, m_up=150.0)
    cl = cw.for_cluster(3.0e4)
    np.testing.assert_allclose(cl.L, 3e4 * cw.L) and np.testing.assert_allclose(cl.V, cw.V)
    # V is a mass-loss weighted mean of the stellar v_inf: between RSG and O-star speeds
    assert np.all((cw.V[t < 2e6] > 1500 * KM) & (cw.V[t < 2e6] < 4000 * KM))
    # sum over phases = total; element rates sum to <= mdot
    for k in ("mdot", "L", "F"):
        s = sum(cw.by_phase[p][k] for p in ("O", "RSG", "WN", "WC"))
        np.testing.assert_allclose(s, getattr(cw, k), rtol=1e-12)
    assert np.all(sum(cw.mdot_el.values()) <= cw.mdot * (1 + 1e-12))
    # WR stars (X_H < 0.1) appear at ~2.6 Myr (seed Sec. II.1) and are gone by ~5 Myr; they
    # raise the He/H of the wind
    nwr = cw.by_phase["WN"]["n"] + cw.by_phase["WC"]["n"]
    assert np.all(nwr[t > 5.6e6] == 0) and nwr.max() > 0
    assert 2.5e6 < t[np.argmax(nwr > 0)] < 2.7e6
    he_h = cw.mdot_el["He"] / np.maximum(cw.mdot_el["H"], 1e-300)
    assert he_h[np.argmin(abs(t - 3.5e6))] > 2 * he_h[np.argmin(abs(t - 1e6))]
    # a smaller M_up gives less power at early times
    c100 = collective_wind(grid, t[:50], m_up=100.0)
    assert np.all(c100.L < cw.L[:50])
    # integrated wind energy of a 3e4 Msun cluster (seed Sec. III.3: ~1e53 erg incl. all phases)
    e = np.trapezoid(cl.L, t * 3.15576e7)
    assert 1e52 < e < 1e54


# ----------------------------------------------------------------------------- fetch
def _make_txz(tmp_path, mist_dir, masses=(20.0, 60.0), extra=None, top=GRID_V10):
    src = tmp_path / "src" / top
    src.mkdir(parents=True)
    tracks = find_tracks(mist_dir)
    for mm in masses:
        f = tracks[mm]
        name = os.path.basename(f)[:-3]
        with gzip.open(f, "rb") as fi, open(src / name, "wb") as fo:
            shutil.copyfileobj(fi, fo)
    arc = tmp_path / f"{top}.txz"
    with tarfile.open(arc, "w:xz") as tar:
        tar.add(src, arcname=top)
        if extra:
            data = b"bad"
            ti = tarfile.TarInfo(extra)
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))
    return arc


def test_fetch_unpack_and_verify(mist_dir, tmp_path):
    arc = _make_txz(tmp_path, mist_dir)
    dest = tmp_path / "cache" / "mist"
    got = fetch_mist(str(dest), url=arc.as_uri(), sha256=sha256_file(str(arc)))
    assert got == str(dest / GRID_V10)
    tr = find_tracks(got)
    assert sorted(tr) == [20.0, 60.0]
    a, b = read_eep(tr[60.0]), read_eep(find_tracks(mist_dir)[60.0])
    np.testing.assert_array_equal(a["log_L"], b["log_L"])
    assert os.listdir(dest) == [GRID_V10]  # no temporaries left


def test_fetch_rejects_bad_checksum_and_archive(mist_dir, tmp_path):
    arc = _make_txz(tmp_path, mist_dir)
    dest = tmp_path / "cache"
    with pytest.raises(MistFetchError, match="SHA-256 mismatch"):
        fetch_mist(str(dest), url=arc.as_uri(), sha256="0" * 64)
    assert os.listdir(dest) == []  # nothing installed, nothing left over
    bad = _make_txz(tmp_path / "b", mist_dir, masses=(20.0,), extra="../evil.txt")
    with pytest.raises(MistFetchError, match="unsafe path"):
        fetch_mist(str(dest), url=bad.as_uri(), sha256=sha256_file(str(bad)))
    assert os.listdir(dest) == [] and not (tmp_path / "b" / "evil.txt").exists()
    with pytest.raises(MistFetchError, match="no SHA-256"):
        fetch_mist(str(dest), url=arc.as_uri(), require_checksum=True)
    with pytest.warns(UserWarning, match="no SHA-256 to verify"):  # trust on first use
        got = fetch_mist(str(dest), url=arc.as_uri())
    with open(got + ".sha256") as fh:
        assert fh.read().split()[0] == sha256_file(str(arc))


def test_fetch_network_failure(tmp_path):
    with pytest.raises(MistFetchError, match="could not download"):
        fetch_mist(str(tmp_path), url="http://127.0.0.1:9/MIST_x.txz", sha256="0" * 64,
                   timeout=5)
    assert os.listdir(tmp_path) == []
