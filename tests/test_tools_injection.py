"""tools/plot_injection.py (seed 001 Figs. 2-7, Tables 1 and 3) on the results of a tiny real
stellar_injection run (MIST tracks from /work/shared/data; skipped if they are absent)."""

import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACK_DIR = os.path.join(ROOT, "..", "shared", "data", "mist",
                         "MIST_v1.0_feh_p0.00_afe_p0.0_vvcrit0.4_EEPS")
FIGS = ("fig2_winds.png", "fig3_shock.png", "fig4_rmax_nz.png", "fig5_spectra.png",
        "fig6_reff.png", "fig7_h_he.png")


from conftest import load_tool as _load_tool, png_size  # noqa: E402


def load_tool():
    return _load_tool("plot_injection")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    if not os.path.isdir(TRACK_DIR):
        pytest.skip(f"MIST tracks not found at {os.path.normpath(TRACK_DIR)}")
    from hpcsim.config import load_config
    from hpcsim.driver import run
    from hpcsim.parallel.farm import SerialComm

    base = tmp_path_factory.mktemp("inj")
    toml = base / "tiny.toml"
    toml.write_text('[run]\nscenario = "stellar_injection"\n[injection]\n'
                    f'track_dir = "{os.path.normpath(TRACK_DIR)}"\n'
                    "n_masses = 4\nn_times = 80\neta_B = [0.01, 0.1, 1.0]\n"
                    "m_up = [100.0, 105.0, 150.0]\n")
    cfg = load_config(str(toml))
    rundir = base / "run"
    assert run(cfg, str(rundir), quiet=True, comm=SerialComm()) == 0
    return rundir / "results.h5"


@pytest.fixture(scope="module")
def outputs(tiny_run, tmp_path_factory):
    tool = load_tool()
    out = tmp_path_factory.mktemp("plots")
    # through the command-line entry point (the same code path as `python tools/plot_injection.py`)
    assert tool.main([str(tiny_run), "-o", str(out)]) == 0
    paths = [os.path.join(str(out), f) for f in tool.OUTPUTS]
    return tool, tiny_run, out, paths


def test_writes_all_pngs_and_tables(outputs):
    _, _, out, paths = outputs
    names = sorted(os.path.basename(p) for p in paths)
    assert names == sorted(FIGS + ("table1.txt", "table3.txt", "statements.txt"))
    txt = (out / "statements.txt").read_text()
    assert "first WR star" in txt and "120 Msun star" in txt
    for f in FIGS:
        p = out / f
        assert p.stat().st_size > 20_000, f  # a blank figure is a few kB
        w, h = png_size(p)
        assert w >= 800 and h >= 500, (f, w, h)


def test_table1_matches_results(outputs):
    tool, res, out, _ = outputs
    inj = tool.Injection(str(res))
    txt = (out / "table1.txt").read_text()
    for label in ("O-type + WR stars", "O-type stars", "WR stars", "MSCs"):
        assert label in txt
    u = tool._t1_index(inj)
    assert inj.m_up[u] == 150.0
    # each row's model verdicts and numbers are the ones stored in the file
    for key, label in (("o_type", "O-type stars "), ("wr", "WR stars "), ("o_wr", "O-type + WR stars"),
                       ("msc_window", "MSCs (first")):
        line = next(ln for ln in txt.splitlines() if ln.startswith(label))
        cells = [c.split("/")[0].strip() for c in line[26:].split("  ") if "/" in c]
        codes = inj.get(f"table1/{key}/verdicts")[u]
        assert cells == [tool._verdict(c) for c in codes], (key, line)
        ratio = float(line[26:].split()[-3])
        assert ratio == pytest.approx(float(inj.get(f"table1/{key}/reff_ratio")[u]), abs=0.006)


def test_convergence_table(outputs, tmp_path):
    tool, res, _, _ = outputs
    assert tool.main([str(res), "--convergence", str(res), "-o", str(tmp_path)]) == 0
    txt = (tmp_path / "table1_convergence.txt").read_text()
    rows = [ln for ln in txt.splitlines() if ln.startswith("  n_M = ")]
    assert len(rows) == 2 * (5 + 3)  # the same run twice: 5 sources + 3 Table-3 columns
    assert "MSC first window" in txt and "ratio" in txt


def test_table3_fractions_sum_to_one(outputs):
    tool, res, out, _ = outputs
    inj = tool.Injection(str(res))
    lines = (out / "table3.txt").read_text().splitlines()
    rows = {ln.split()[0]: ln for ln in lines if ln.split() and ln.split()[0] in inj.elements}
    assert set(rows) == set(inj.elements)
    ncol = sum(inj.has(f"table3/{k}") for k in ("o_type", "wr", "msc_window"))
    model = np.array([[float(v) for v in rows[e].split("|")[0].split()[1:]] for e in inj.elements])
    assert model.shape == (len(inj.elements), ncol)
    np.testing.assert_allclose(model.sum(axis=0), 1.0, rtol=1e-3)
    # WR winds are He-dominated and H-poor, O-type winds H-dominated (seed Table 3)
    h, he = inj.el("H"), inj.el("He")
    assert model[h, 0] > model[he, 0] and model[he, 1] > model[h, 1]


def test_phase_bands(outputs):
    tool, res, _, _ = outputs
    inj = tool.Injection(str(res))
    t = inj.hist("star_120", "t")
    ph = inj.hist("star_120", "phase")
    bands = tool.star_bands(inj, "star_120")
    # the bands tile the sampled life without overlap: total length = t[-1] - t[0]
    total = sum(b - a for k in bands for a, b in bands[k])
    assert total == pytest.approx(t[-1] - t[0], rel=1e-9)
    assert bands[1] and bands[1][0][0] == pytest.approx(t[0])
    assert (ph == 3).any() == bool(bands[3])
    # cluster: exact WR interval from the task files and the composition-based inference overlap
    exact, how = tool.cluster_bands(inj, str(res), use_tasks=True)
    _, how2 = tool.cluster_bands(inj, str(res), use_tasks=False)
    # without the stored numbers per phase: the run's task files, else the composition
    for k in ("n_phase_WN", "n_phase_WC"):
        inj.data.pop(f"injection/history/cluster/{k}")
    tasks, how3 = tool.cluster_bands(inj, str(res), use_tasks=True)
    guess, how4 = tool.cluster_bands(inj, str(res), use_tasks=False)
    assert how3 == "tasks" and how4 == "inferred"
    assert tasks[3] == exact[3] and tasks[4] == exact[4]
    assert how == "history" and how2 == "history"  # stored with the cluster history
    assert exact[3] and guess[3]
    a0, a1 = exact[3][0][0], exact[3][-1][1]
    b0, b1 = guess[3][0][0], guess[3][-1][1]
    assert max(a0, b0) < min(a1, b1), (exact[3], guess[3])
    assert 2.4 < a0 < 2.9  # the most massive members enter the WR phase at ~2.6 Myr (seed Sec. II.1)


def test_intervals():
    tool = load_tool()
    t = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    assert tool.intervals(t, np.array([1, 1, 0, 0, 1], bool)) == [(0.0, 1.5), (3.5, 4.0)]
    assert tool.intervals(t, np.zeros(5, bool)) == []
