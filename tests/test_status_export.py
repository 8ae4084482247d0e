"""hpcsim status, hpcsim export (FITS maps, CSV spectra), job-array blocks and hpcsim merge."""

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib

import numpy as np
import pytest

from hpcsim.config import config_from_dict
from hpcsim.driver import run
from hpcsim.io.merge import block_range, merge_rundirs, run_block
from hpcsim.io.results import bit_identical, load_results
from hpcsim.io.status import estimate_rate, format_ids, format_status, run_status
from hpcsim.parallel.farm import SerialComm

from conftest import ROOT, hpcsim_cmd, write_config

POPULATION = """
[run]
seed = 11
n_realisations = 3
n_sectors = 3
scenario = "ymsc_population"
"""
DIFFUSE = """
[run]
seed = 7
n_realisations = 2
n_sectors = 3
scenario = "ymsc_diffuse"
[population]
n_mean_override = 300.0
[sky]
nside = 8
los_n_steps = 200
"""
PROPAGATION = """
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
tol = 1.0e-6
scan_D0 = [3.0e28, 6.0e28]
[sources]
spectra = ["H1: 1.0 2.3", "He4: 0.1 2.3", "C12: 3e-3 2.3", "snr/H1: 0.5 2.2"]
"""


def _cfg(text):
    return config_from_dict(tomllib.loads(text))


class _Res:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capsys):
    """``hpcsim ARGS`` in this process (the CLI code path without interpreter start-up)."""
    from hpcsim.cli import main

    def call(*args):
        capsys.readouterr()
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return _Res(code, out.out, out.err)
    return call


def _cli(*args, cwd=ROOT):
    """``hpcsim ARGS`` as a separate process."""
    return subprocess.run(hpcsim_cmd(*args), cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def _identical(a_path, b_path):
    a, ua, _ = load_results(str(a_path))
    b, ub, _ = load_results(str(b_path))
    assert a.keys() == b.keys()
    for k in a:
        assert bit_identical(a[k], b[k]), k
        assert ua[k] == ub[k], k


@pytest.fixture(scope="module")
def diffuse_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("diffuse") / "run"
    assert run(_cfg(DIFFUSE), str(out), quiet=True, comm=SerialComm()) == 0
    return out / "results.h5"


@pytest.fixture(scope="module")
def propagation_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("prop") / "run"
    assert run(_cfg(PROPAGATION), str(out), quiet=True, comm=SerialComm()) == 0
    return out / "results.h5"


@pytest.fixture(scope="module")
def population_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pop") / "run"
    assert run(_cfg(POPULATION), str(out), quiet=True, comm=SerialComm()) == 0
    return out


# -- status ---------------------------------------------------------------------------------------

def test_format_ids():
    assert format_ids([5, 0, 1, 2, 9, 12, 13]) == "0-2, 5, 9, 12-13"
    assert format_ids([]) == ""


def test_rate_ignores_pauses():
    # 4 tasks 10 s apart, a 2 h pause (job waiting in the queue), 3 tasks 5 s apart
    t = [0, 10, 20, 30, 7230, 7235, 7240]
    rate, n = estimate_rate(t)
    assert n == 3 and rate == pytest.approx(2 / 10)
    rate, n = estimate_rate([0, 10, 20, 30])
    assert n == 4 and rate == pytest.approx(0.1)
    assert estimate_rate([5.0])[1] == 0


def test_status_of_finished_run(cli, population_run):
    res = cli("status", str(population_run))
    assert res.returncode == 0, res.stderr
    assert "9/9 done (100 %)" in res.stdout
    assert "ymsc_population" in res.stdout and "results.h5 written" in res.stdout
    assert "STOP            not requested" in res.stdout and "failed tasks    none" in res.stdout
    st = json.loads(cli("status", "--json", str(population_run)).stdout)
    meta = json.load(open(population_run / "run.json"))
    assert st["config_hash"] == meta["config_hash"] and st["tasks_total"] == 9
    assert st["eta_s"] == 0 and st["results"] and not st["stop_pending"]


def test_status_partial_run_counts_eta_stop_and_failures(population_run, tmp_path):
    rd = tmp_path / "r"
    shutil.copytree(population_run, rd)
    os.unlink(rd / "results.h5")
    tasks = rd / "tasks"
    for tid in (6, 7, 8):
        os.unlink(tasks / f"task_{tid:07d}.h5")
    now = time.time()
    for tid in range(6):  # finished 10 s apart, the last 60 s ago
        t = now - 60 - 10 * (5 - tid)
        os.utime(tasks / f"task_{tid:07d}.h5", (t, t))
    os.makedirs(tasks / "corrupt")
    (tasks / "corrupt" / "task_0000007.h5.1700000000").write_bytes(b"junk")
    (tasks / ".task_0000008.h5.tmp.4242").write_bytes(b"partial")
    os.symlink(tasks / "gone.h5", tasks / "task_0000006.h5")  # listed, gone when looked at
    (rd / "STOP").write_text("")
    (rd / "logs").mkdir()
    (rd / "logs" / "slurm-41.out").write_text(
        "[slurm] job 41\nhpcsim: error: task 6 failed on rank 1:\nTraceback (most recent call "
        "last):\nValueError: boom\nsrun: error: localhost: task 0: Exited with exit code 1\n")
    before = sorted(os.listdir(rd)), sorted(os.listdir(tasks))
    st = run_status(str(rd))
    assert (st["tasks_done"], st["tasks_total"], st["tasks_remaining"]) == (6, 9, 3)
    assert st["missing"] == [6, 7, 8]
    assert st["corrupt"] == [7] and st["being_written"] == [8]
    assert st["stop_pending"] and not st["results"]
    assert st["rate_tasks_per_s"] == pytest.approx(0.1, rel=1e-3)
    assert st["eta_s"] == pytest.approx(30.0, rel=1e-3)
    assert st["last_progress_age_s"] == pytest.approx(60.0, abs=5)
    text = format_status(st)
    assert "6/9 done" in text and "missing       6-8" in text
    assert "tasks/corrupt/ (task 7" in text and "pending" in text and "~30 s" in text
    assert st["logs"] == [str(rd / "logs" / "slurm-41.out")]
    assert st["last_log_error"] == "ValueError: boom"
    assert (sorted(os.listdir(rd)), sorted(os.listdir(tasks))) == before  # read-only


def test_status_verify_finds_bad_checksum(population_run, tmp_path):
    import h5py
    rd = tmp_path / "r"
    shutil.copytree(population_run, rd)
    with h5py.File(rd / "tasks" / "task_0000004.h5", "r+") as f:
        f.attrs["sha256"] = "0" * 64
    assert run_status(str(rd))["failed_verify"] == []
    st = run_status(str(rd), verify=True)
    assert st["failed_verify"] == [4] and st["tasks_done"] == 8


def test_status_total_unknown_when_config_cannot_be_built(population_run, tmp_path):
    rd = tmp_path / "r"
    shutil.copytree(population_run, rd)
    (rd / "config.toml").write_text("[run]\nno_such_key = 1\n")
    st = run_status(str(rd))
    assert st["tasks_total"] is None and st["tasks_done"] == 9
    assert "total unknown" in format_status(st) and "no_such_key" in format_status(st)


def test_status_refuses_a_non_run_directory(tmp_path, cli):
    (tmp_path / "x").mkdir()
    res = _cli("status", str(tmp_path / "x"))  # a real process: exactly one line on stderr
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr == f"hpcsim: error: {tmp_path / 'x'} is not a run directory (no run.json)\n"
    res = cli("status", str(tmp_path / "absent"))
    assert res.returncode == 2 and "no such directory" in res.stderr and res.stdout == ""
    assert os.listdir(tmp_path / "x") == []


def test_status_while_a_run_is_writing(tmp_path, population_run):
    """Poll status while hpcsim runs: never fails, counts only grow, ends complete."""
    run_status(str(population_run))  # imports warm
    n = 100
    cfg = write_config(tmp_path / "c.toml", POPULATION.replace("n_realisations = 3",
                                                               f"n_realisations = {n}")
                       .replace("n_sectors = 3", "n_sectors = 1"))
    out = tmp_path / "r"
    proc = subprocess.Popen(hpcsim_cmd("run", cfg, "-o", str(out), "-q"), cwd=ROOT)
    seen = []
    try:
        while proc.poll() is None:
            if (out / "run.json").exists():
                st = run_status(str(out))
                seen.append(st["tasks_done"])
                assert st["tasks_total"] == n
            time.sleep(0.01)
    finally:
        proc.wait(timeout=300)
    assert proc.returncode == 0
    assert seen == sorted(seen) and any(0 < k < n for k in seen), seen
    assert run_status(str(out))["tasks_done"] == n


# -- export ---------------------------------------------------------------------------------------

def test_export_fits_maps_read_back_by_healpy(cli, diffuse_results, tmp_path):
    import astropy.units as u
    import healpy as hp
    from astropy.io import fits
    res = cli("export", str(diffuse_results), "--fits", str(tmp_path / "fits"))
    assert res.returncode == 0, res.stderr
    data, units, attrs = load_results(str(diffuse_results))
    maps = sorted(k for k in data if k.startswith("maps/") and k != "maps/band_energy")
    files = sorted(os.listdir(tmp_path / "fits"))
    assert len(files) == len(maps) and all(f.endswith(".fits") for f in files)
    for name in maps:
        path = tmp_path / "fits" / (name[5:].replace("/", "_") + ".fits")
        m = hp.read_map(str(path), dtype=None)
        assert bit_identical(m.astype(data[name].dtype), data[name]), name
        h = fits.getheader(path, 1)
        assert (h["PIXTYPE"], h["ORDERING"], h["COORDSYS"], h["NSIDE"]) == \
            ("HEALPIX", "RING", "G", 8)
        assert h["HPCDSET"] == name and h["HPCUNIT"] == units[name]
        assert h["CFGHASH"] == attrs["config_hash"][:16]
    h = fits.getheader(tmp_path / "fits" / "nu_kraichnan_band_1.fits", 1)
    assert h["ENERGY"] == float(data["maps/band_energy"][1])
    assert u.Unit(h["BUNIT"], format="fits") == u.Unit("GeV-1 cm-2 s-1 sr-1", format="fits")
    assert h["TUNIT1"] == h["BUNIT"] and "per flavour" in str(h["COMMENT"])
    assert fits.getheader(tmp_path / "fits" / "N_H.fits", 1)["BUNIT"] == "cm-2"
    assert "ENERGY" not in fits.getheader(tmp_path / "fits" / "mask_bohm.fits", 1)


def test_export_spectra_csv_exact_with_units(cli, diffuse_results, propagation_results, tmp_path):
    from hpcsim.io.export import read_csv
    res = cli("export", str(diffuse_results), "--fits", str(tmp_path / "d"), "--csv")
    assert res.returncode == 0, res.stderr
    data, units, _ = load_results(str(diffuse_results))
    names, vals, cu = read_csv(tmp_path / "d" / "emission_nu_kolmogorov_icecube.csv")
    base = "emission/nu/kolmogorov/icecube"
    assert names[0] == "energy" and cu["energy"] == "GeV"
    assert bit_identical(vals[:, 0], data["emission/energy"])
    j = names.index("median")
    assert bit_identical(vals[:, j], data[f"{base}/median"]) and cu["median"] == units[f"{base}/median"]
    per = data[f"{base}/per_realisation"]
    assert bit_identical(vals[:, names.index("per_realisation[1]")], per[1])
    # propagation: rows of 2-D datasets are labelled by isotope / element
    res = cli("export", str(propagation_results), "--csv", str(tmp_path / "p"))
    assert res.returncode == 0, res.stderr
    data, units, _ = load_results(str(propagation_results))
    names, vals, cu = read_csv(tmp_path / "p" / "propagation_point_001_energy_kn.csv")
    assert names[0] == "energy_kn" and cu["energy_kn"] == "GeV/n"
    iso = [s.decode() for s in data["propagation/point_001/isotopes"]]
    col = names.index("isotope_flux_ekn_phi_0.5[C12]")
    assert bit_identical(vals[:, col],
                         data["propagation/point_001/isotope_flux_ekn_phi_0.5"][iso.index("C12")])
    names, vals, cu = read_csv(tmp_path / "p" / "propagation_point_000_rigidity.csv")
    z = list(data["propagation/point_000/elements"])
    col = names.index("element_flux_rigidity_phi_0[Z2]")
    assert bit_identical(vals[:, col],
                         data["propagation/point_000/element_flux_rigidity_phi_0"][z.index(2)])
    assert cu["element_flux_rigidity_phi_0[Z2]"].startswith("m^-2 s^-1 sr^-1 GV^-1")
    assert os.path.exists(tmp_path / "p" / "propagation_point_000_ratios_rigidity.csv")


def test_export_refuses_bad_input(cli, diffuse_results, propagation_results, tmp_path):
    task = os.path.join(os.path.dirname(diffuse_results), "tasks", "task_0000000.h5")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for bad in (task, str(text), str(tmp_path / "absent.h5")):
        res = cli("export", bad, "--fits", str(tmp_path / "out"), "--csv")
        assert res.returncode == 2 and res.stderr.startswith("hpcsim: error:"), res.stderr
        assert res.stderr.count("\n") == 1
    res = cli("export", str(propagation_results), "--fits", str(tmp_path / "out"))
    assert res.returncode == 2 and "no HEALPix maps" in res.stderr
    res = cli("export", str(diffuse_results))
    assert res.returncode == 2 and "nothing to export" in res.stderr
    assert not os.path.exists(tmp_path / "out")


# -- job-array blocks and merge -------------------------------------------------------------------

def test_block_ranges_cover_every_task_once():
    for n in (1, 7, 25, 100):
        for nb in (1, 3, 8, 30):
            ids = [t for k in range(nb) for t in block_range(n, k, nb)]
            assert ids == list(range(n))


def test_blocks_merged_equal_a_single_run(cli, population_run, tmp_path):
    cfg = _cfg(POPULATION)
    blocks = [tmp_path / f"block_{k:03d}" for k in range(3)]
    for k, b in enumerate(blocks):
        assert run_block(cfg, str(b), k, 3, quiet=True, comm=SerialComm()) == 0
        assert sorted(os.listdir(b / "tasks")) == [f"task_{t:07d}.h5" for t in range(3 * k, 3 * k + 3)]
        assert not (b / "results.h5").exists()
    st = run_status(str(blocks[1]))
    assert st["block"]["block"] == 1 and (st["tasks_done"], st["tasks_total"]) == (3, 3)
    res = cli("merge", *map(str, blocks), "-o", str(tmp_path / "merged"), "-q")
    assert res.returncode == 0, res.stderr
    _identical(population_run / "results.h5", tmp_path / "merged" / "results.h5")
    for t in range(9):  # hard links, not copies
        src = blocks[t // 3] / "tasks" / f"task_{t:07d}.h5"
        assert os.stat(src).st_ino == os.stat(tmp_path / "merged" / "tasks" / f"task_{t:07d}.h5").st_ino
    # merging again: nothing new, results untouched
    mtime = os.stat(tmp_path / "merged" / "results.h5").st_mtime_ns
    assert merge_rundirs([str(b) for b in blocks], str(tmp_path / "merged"), quiet=True) == 0
    assert os.stat(tmp_path / "merged" / "results.h5").st_mtime_ns == mtime


def test_merge_with_missing_block_then_resume(cli, population_run, tmp_path):
    cfg = _cfg(POPULATION)
    for k in (0, 2):
        assert run_block(cfg, str(tmp_path / f"b{k}"), k, 3, quiet=True, comm=SerialComm()) == 0
    out = tmp_path / "merged"
    res = cli("merge", str(tmp_path / "b0"), str(tmp_path / "b2"), "-o", str(out), "--copy")
    assert res.returncode == 3
    assert "3 of 9 tasks missing (task 3-5)" in res.stderr
    assert os.stat(out / "tasks" / "task_0000000.h5").st_nlink == 1  # --copy
    assert not (out / "results.h5").exists()
    res = _cli("run", str(out / "config.toml"), "-o", str(out), "--resume", "-q")
    assert res.returncode == 0, res.stderr
    _identical(population_run / "results.h5", out / "results.h5")


def test_merge_refuses_mixed_or_foreign_inputs(cli, population_run, tmp_path):
    from hpcsim.io.checkpoint import write_arrays_h5
    other = tmp_path / "other"
    assert run(_cfg(POPULATION.replace("seed = 11", "seed = 12")), str(other), quiet=True,
               comm=SerialComm()) == 0
    res = cli("merge", str(population_run), str(other), "-o", str(tmp_path / "m1"))
    assert res.returncode == 2 and "another configuration" in res.stderr
    assert not (tmp_path / "m1").exists()
    (tmp_path / "plain").mkdir()
    res = cli("merge", str(tmp_path / "plain"), "-o", str(tmp_path / "m2"))
    assert res.returncode == 2 and "not a run directory" in res.stderr
    assert not (tmp_path / "m2").exists()
    # the same task with other contents (a different code version, say) is refused
    twin = tmp_path / "twin"
    shutil.copytree(population_run, twin)
    meta = json.load(open(twin / "run.json"))
    write_arrays_h5(str(twin / "tasks" / "task_0000002.h5"), {"x": np.arange(3.0)},
                    {"task_id": 2, "config_hash": meta["config_hash"]})
    res = cli("merge", str(population_run), str(twin), "-o", str(tmp_path / "m3"))
    assert res.returncode == 2 and "task 2 differs" in res.stderr


def test_merge_skips_corrupt_task_files(cli, population_run, tmp_path):
    b = tmp_path / "b"
    shutil.copytree(population_run, b)
    victim = b / "tasks" / "task_0000005.h5"
    victim.write_bytes(victim.read_bytes()[:200])
    res = cli("merge", str(b), "-o", str(tmp_path / "m"))
    assert res.returncode == 3 and "task 5" in res.stderr and "skipped" in res.stderr


def test_block_refuses_another_block_and_bad_index(tmp_path):
    cfg_path = write_config(tmp_path / "c.toml", POPULATION)
    cfg = _cfg(POPULATION)
    assert run_block(cfg, str(tmp_path / "b"), 0, 3, quiet=True, comm=SerialComm()) == 0
    assert run_block(cfg, str(tmp_path / "b"), 1, 3, resume=True, quiet=True,
                     comm=SerialComm()) == 2
    res = subprocess.run([sys.executable, "-m", "hpcsim.io.merge", "block", cfg_path, "-o",
                          str(tmp_path / "x"), "--block", "3", "--blocks", "3"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 2 and "block 3 of 3" in res.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.mpi(min_size=2)
def test_blocks_on_two_ranks_merge_to_serial_result():
    import tempfile
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    base = comm.bcast(tempfile.mkdtemp(prefix="hpcsim-blocks-") if comm.rank == 0 else None)
    cfg = _cfg(DIFFUSE)
    for k in range(2):
        assert run_block(cfg, os.path.join(base, f"b{k}"), k, 2, quiet=True, comm=comm) == 0
    ok = None
    if comm.rank == 0:
        assert merge_rundirs([os.path.join(base, "b0"), os.path.join(base, "b1")],
                             os.path.join(base, "m"), quiet=True) == 0
        assert run(cfg, os.path.join(base, "s"), quiet=True, comm=SerialComm()) == 0
        a = load_results(os.path.join(base, "m", "results.h5"))[0]
        b = load_results(os.path.join(base, "s", "results.h5"))[0]
        ok = a.keys() == b.keys() and all(bit_identical(a[k], b[k]) for k in a)
    assert comm.bcast(ok, root=0)


def test_phased_scenario_blocks_split_the_first_phase_only(monkeypatch, tmp_path):
    """A scenario whose later phase needs the whole first phase: the blocks share the first
    phase, the merge reports the later phase missing (the merged run computes it)."""
    import hpcsim.driver as driver
    real = driver.make_scenario

    class Phased:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def phases(self):
            return [range(0, 6), range(6, 9)]

    monkeypatch.setattr(driver, "make_scenario", lambda cfg: Phased(real(cfg)))
    cfg = _cfg(POPULATION)
    for k in range(2):
        assert run_block(cfg, str(tmp_path / f"b{k}"), k, 2, quiet=True, comm=SerialComm()) == 0
    assert sorted(os.listdir(tmp_path / "b1" / "tasks")) == [f"task_{t:07d}.h5" for t in (3, 4, 5)]
    assert merge_rundirs([str(tmp_path / "b0"), str(tmp_path / "b1")], str(tmp_path / "m"),
                         quiet=True) == 3
    assert run_status(str(tmp_path / "m"))["missing"] == [6, 7, 8]
