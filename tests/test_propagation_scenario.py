"""The propagation scenario end to end: results, parameter scans, bad input, kill/resume."""

import os
import subprocess
import sys

import numpy as np
import pytest

from hpcsim.config import config_from_dict
from hpcsim.driver import run
from hpcsim.io.results import bit_identical, load_results
from hpcsim.parallel.farm import SerialComm

from conftest import ROOT, kill_and_resume, write_config

SMALL = """
[run]
scenario = "propagation"
[propagation]
r_max = 16.0
n_r = 17
halo_height = 4.0
n_z = 21
e_min = 0.1
e_max = 1.0e4
e_factor = 1.5
z_max = 6
norm_energy = 10.0
norm_flux = 1.0
phi = [0.0, 0.5]
keep_full = ["C12"]
tol = 1.0e-6
{extra}
[sources]
spectra = ["H1: 1.0 2.3", "He4: 0.1 2.3", "C12: 3e-3 2.3", "snr/H1: 0.5 2.2", "snr/O16: 3e-3 2.2"]
"""


def small_config(extra=""):
    import tomllib
    return config_from_dict(tomllib.loads(SMALL.format(extra=extra)))


def _hpcsim(*args):
    return [sys.executable, "-m", "hpcsim", *args]


def test_run_stores_normalised_fluxes_and_classes(tmp_path):
    cfg = small_config("scan_D0 = [3.0e28, 6.0e28]")
    assert run(cfg, str(tmp_path / "r"), quiet=True, comm=SerialComm()) == 0
    d, u, attrs = load_results(str(tmp_path / "r" / "results.h5"))
    assert attrs["scenario"] == "propagation"
    assert list(d["propagation/scan/D0"]) == [3.0e28, 6.0e28]
    for k in (0, 1):
        base = f"propagation/point_{k:03d}"
        e = d[f"{base}/energy_kn"]
        iso = [s.decode() for s in d[f"{base}/isotopes"]]
        J = d[f"{base}/isotope_flux_ekn_phi_0"]
        p = J[iso.index("H1")] + J[iso.index("H1_sec")]
        # normalisation: all protons = 1.0 at 10 GeV
        assert abs(np.exp(np.interp(np.log(10.0), np.log(e), np.log(p))) - 1.0) < 1e-10
        assert u[f"{base}/isotope_flux_ekn_phi_0"].startswith("m^-2 s^-1 sr^-1 (GeV/n)^-1")
        # modulation lowers the low-energy flux
        Jm = d[f"{base}/isotope_flux_ekn_phi_0.5"]
        assert Jm[iso.index("H1"), 0] < J[iso.index("H1"), 0]
        # the two classes add up to the total (element fluxes vs rigidity)
        tot = d[f"{base}/element_flux_rigidity_phi_0"]
        parts = sum(d[f"{base}/classes/{c}/element_flux_rigidity_phi_0"] for c in ("all", "snr"))
        assert np.allclose(parts, tot, rtol=1e-12, atol=0)
        assert np.all(d[f"{base}/solver/converged"] == 1)
        assert d[f"{base}/full/C12"].shape == (16, 19, e.size)
        bc = d[f"{base}/headline/b_over_c"]
        assert np.all((bc > 0.005) & (bc < 1.0))
    # larger D0: less grammage, lower B/C
    assert np.all(d["propagation/point_001/headline/b_over_c"]
                  < d["propagation/point_000/headline/b_over_c"])


def test_linearity_sum_of_classes_equals_joint_propagation(tmp_path):
    """Propagating two classes apart and summing equals propagating them together."""
    cfg = small_config()
    joint = config_from_dict({**cfg.to_dict(), "sources": {"spectra": [
        "H1: 1.5 2.3", "He4: 0.1 2.3", "C12: 3e-3 2.3", "O16: 3e-3 2.2"]}})
    # 'H1: 1.0 2.3' + 'H1: 0.5 2.2' is not one power law: compare on the same injection
    split = config_from_dict({**cfg.to_dict(), "sources": {"spectra": [
        "H1: 1.0 2.3", "He4: 0.1 2.3", "C12: 3e-3 2.3", "b/H1: 0.5 2.3", "b/O16: 3e-3 2.2"]}})
    assert run(joint, str(tmp_path / "j"), quiet=True, comm=SerialComm()) == 0
    assert run(split, str(tmp_path / "s"), quiet=True, comm=SerialComm()) == 0
    a = load_results(str(tmp_path / "j" / "results.h5"))[0]
    b = load_results(str(tmp_path / "s" / "results.h5"))[0]
    key = "propagation/point_000/element_flux_ekn_phi_0"
    assert np.allclose(a[key], b[key], rtol=1e-6, atol=0)


@pytest.mark.parametrize("old, new, msg", [
    ("e_min = 0.1", "e_min = 1.0e5", "e_min"),
    ("n_z = 21", "n_z = 20", "n_z"),
    ('keep_full = ["C12"]', 'keep_full = ["Xx3"]', "unknown species"),
    ("tol = 1.0e-6", 'tol = 1.0e-6\npartial = "evoli2019"\nxsec_dir = "{empty}"', "not found"),
])
def test_bad_input_gives_one_clear_error_and_exit_2(tmp_path, old, new, msg):
    empty = tmp_path / "empty"
    empty.mkdir()
    text = SMALL.format(extra="").replace(old, new.format(empty=empty))
    cfg = write_config(tmp_path / "bad.toml", text)
    res = subprocess.run(_hpcsim("run", cfg, "-o", str(tmp_path / "out")), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert msg in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out" / "tasks").exists() or not os.listdir(tmp_path / "out" / "tasks")


def test_unknown_species_in_spectra_is_refused(tmp_path):
    cfg = write_config(tmp_path / "b.toml", SMALL.format(extra="").replace('"He4: 0.1 2.3"',
                                                                          '"Hx4: 0.1 2.3"'))
    res = subprocess.run(_hpcsim("validate", cfg), cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 2 and "sources.spectra" in res.stderr and "Hx4" in res.stderr


def test_sigkill_then_resume_is_identical(tmp_path):
    text = SMALL.format(extra="scan_D0 = [2e28, 3e28, 4e28, 5e28, 6e28]\n"
                              "scan_delta = [0.35, 0.45, 0.55]")
    text = text.replace("e_factor = 1.5", "e_factor = 1.3").replace("n_z = 21", "n_z = 41")
    cfg = write_config(tmp_path / "k.toml", text)
    ref = tmp_path / "ref"
    assert subprocess.run(_hpcsim("run", cfg, "-o", str(ref), "-q"), cwd=ROOT,
                          timeout=600).returncode == 0
    out = tmp_path / "killed"
    kills = kill_and_resume(cfg, out, seed=1, wait=(2.0, 4.0))
    assert kills >= 1
    a, ua, _ = load_results(str(ref / "results.h5"))
    b, ub, _ = load_results(str(out / "results.h5"))
    assert a.keys() == b.keys()
    assert all(bit_identical(a[k], b[k]) for k in a)


def test_plot_propagation_tool_and_info(tmp_path):
    from conftest import load_tool, png_size
    cfg = small_config()
    out = tmp_path / "r"
    assert run(cfg, str(out), quiet=True, comm=SerialComm()) == 0
    tool = load_tool("plot_propagation")
    assert tool.main([str(out / "results.h5"), "-o", str(tmp_path / "fig")]) == 0
    w, h = png_size(tmp_path / "fig" / "propagation_spectra.png")
    assert w > 1000 and h > 600
    text = (tmp_path / "fig" / "propagation_headline.txt").read_text()
    d = load_results(str(out / "results.h5"))[0]
    assert f"{d['propagation/point_000/headline/b_over_c'][1]:.5g}" in text
    res = subprocess.run(_hpcsim("info", str(out / "results.h5")), cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0 and "B/C (1, 10, 100, 1000 GeV/n)" in res.stdout
    assert "converged" in res.stdout
