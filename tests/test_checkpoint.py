"""Checkpoint/restart: SIGKILL at any time, corrupt files, changed configuration."""

import os
import subprocess
import sys

import numpy as np
import pytest

from hpcsim.config import load_config
from hpcsim.driver import run
from hpcsim.io.results import bit_identical, load_results
from hpcsim.parallel.farm import SerialComm

from conftest import ROOT, kill_and_resume, write_config

# about 2.7 s of tasks after ~2.5 s of start-up: the kills (2.4, 1.3, 0.6 s after each start)
# land in the start-up and in the task phase
KILL_CONFIG = """
[run]
seed = 21
n_realisations = 6
n_sectors = 4
scenario = "ymsc_diffuse"
[population]
n_mean_override = 1200.0
[sky]
nside = 8
los_n_steps = 200
[variants.sn_diffusive]
cosmic_rays.sn_rule = "diffusion"
[variants.fewer]
population.n_mean_override = 200.0
[variants.no_inner]
sky.inner_b_max = 0.0
"""


def _results_equal(a_path, b_path):
    a, ua, _ = load_results(a_path)
    b, ub, _ = load_results(b_path)
    assert a.keys() == b.keys()
    for k in a:
        assert bit_identical(a[k], b[k]), k
        assert ua[k] == ub[k]


def _hpcsim(*args):
    return [sys.executable, "-m", "hpcsim", *args]


def test_sigkill_then_resume_is_identical(tmp_path):
    cfg = write_config(tmp_path / "k.toml", KILL_CONFIG)
    ref = tmp_path / "ref"
    assert subprocess.run(_hpcsim("run", cfg, "-o", str(ref), "-q"), cwd=ROOT,
                          timeout=300).returncode == 0
    out = tmp_path / "killed"
    kills = kill_and_resume(cfg, out, seed=0, wait=(0.5, 3.5), timeout=300)
    assert kills >= 1, "the run finished before it could be killed; make KILL_CONFIG larger"
    assert (out / "results.h5").exists()
    _results_equal(ref / "results.h5", out / "results.h5")


def test_corrupt_task_file_is_recomputed(tmp_path, small_config):
    cfg = load_config(small_config)
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(cfg, str(a), quiet=True, comm=SerialComm()) == 0
    assert run(cfg, str(b), quiet=True, comm=SerialComm()) == 0
    victim = b / "tasks" / "task_0000002.h5"
    victim.write_bytes(victim.read_bytes()[:300])  # truncated, as after a crash mid-write
    (b / "tasks" / ".task_0000004.h5.tmp.123").write_bytes(b"partial")  # a killed writer's temp
    os.unlink(b / "results.h5")
    assert run(cfg, str(b), resume=True, quiet=True, comm=SerialComm()) == 0
    assert len(os.listdir(b / "tasks" / "corrupt")) == 1  # kept for inspection, not deleted
    assert not (b / "tasks" / ".task_0000004.h5.tmp.123").exists()
    _results_equal(a / "results.h5", b / "results.h5")


def test_resume_refuses_changed_config_and_keeps_files(tmp_path, small_config):
    cfg = load_config(small_config)
    out = tmp_path / "r"
    assert run(cfg, str(out), quiet=True, comm=SerialComm()) == 0
    before = sorted(os.listdir(out / "tasks"))
    changed = write_config(tmp_path / "c.toml",
                           open(small_config).read() + "\n[bubble]\neta_m = 0.3\n")
    res = subprocess.run(_hpcsim("run", changed, "-o", str(out), "--resume"), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "configuration differs" in res.stderr
    assert sorted(os.listdir(out / "tasks")) == before
    # starting a new run over an existing one is refused too
    res = subprocess.run(_hpcsim("run", small_config, "-o", str(out)), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "--resume" in res.stderr
    # resuming a directory that holds no run
    res = subprocess.run(_hpcsim("run", small_config, "-o", str(tmp_path / "empty"), "--resume"),
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "no run to resume" in res.stderr


def test_stop_file_stops_cleanly_and_resume_finishes(tmp_path, small_config):
    cfg = load_config(small_config)
    out = tmp_path / "s"
    os.makedirs(out)
    # a STOP file present from the start: nothing is computed, exit code 3 (incomplete)
    from hpcsim.driver import EXIT_INCOMPLETE
    rd_stop = out / "STOP"
    # create the run, then stop
    assert run(cfg, str(tmp_path / "ref"), quiet=True, comm=SerialComm()) == 0
    import shutil
    shutil.rmtree(out)
    from hpcsim.io.checkpoint import RunDirectory
    from hpcsim.driver import code_version
    RunDirectory(str(out)).create(cfg.to_toml(), cfg.physics_hash(), code_version(),
                                  cfg.run.scenario)
    rd_stop.write_text("")
    assert run(cfg, str(out), resume=True, quiet=True, comm=SerialComm()) == EXIT_INCOMPLETE
    assert not (out / "results.h5").exists()
    rd_stop.unlink()
    assert run(cfg, str(out), resume=True, quiet=True, comm=SerialComm()) == 0
    _results_equal(tmp_path / "ref" / "results.h5", out / "results.h5")


def test_array_files_round_trip_every_kind(tmp_path):
    """write_arrays_h5 / read_arrays_h5 (h5py's low-level interface) keep dtype, shape and
    bytes of scalars, fixed-length strings, empty, boolean and non-contiguous arrays, nested
    names and units; a changed byte is detected."""
    import h5py
    from hpcsim.io.checkpoint import RunDirError, read_arrays_h5, write_arrays_h5
    arrays = {"a/b/scalar": np.array(2.5), "int_scalar": np.int64(-4),
              "names": np.array([b"H", b"He"]), "empty": np.zeros((0, 3)),
              "flags": np.array([True, False, True]),
              "strided": np.arange(12.0).reshape(3, 4)[:, ::2]}
    path = str(tmp_path / "x.h5")
    write_arrays_h5(path, arrays, {"note": "t"}, {"a/b/scalar": "GeV"})
    back = read_arrays_h5(path)
    assert back.keys() == arrays.keys()
    for k, v in arrays.items():
        v = np.asarray(v)
        assert back[k].dtype == v.dtype and back[k].shape == v.shape and np.array_equal(back[k], v)
    with h5py.File(path, "r+") as f:
        assert f["a/b/scalar"].attrs["units"] == "GeV" and f.attrs["note"] == "t"
        f["strided"][0, 0] = 99.0
    with pytest.raises(RunDirError, match="checksum"):
        read_arrays_h5(path)
