"""Shared fixtures.  Under MPI (pytest --with-mpi), a failing MPI test aborts the whole job so
that the other rank does not hang in a collective (see HPC-NOTES.md)."""

import importlib.util
import os
import struct
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_DATA = os.path.join(ROOT, "..", "shared", "data")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and item.get_closest_marker("mpi"):
        try:
            from mpi4py import MPI
            if MPI.COMM_WORLD.size > 1:
                sys.stderr.write(f"\nMPI test {item.nodeid} failed; aborting all ranks\n")
                sys.stderr.write(str(rep.longrepr) + "\n")
                sys.stderr.flush()
                MPI.COMM_WORLD.Abort(1)
        except ImportError:
            pass


def write_config(path, text):
    with open(path, "w") as fh:
        fh.write(text)
    return str(path)


@pytest.fixture
def small_config(tmp_path):
    """A small population-only configuration file."""
    return write_config(tmp_path / "small.toml", """
[run]
seed = 11
n_realisations = 2
n_sectors = 3
scenario = "ymsc_population"
""")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_tool(name):
    """Import tools/<name>.py (the tools are scripts, not package modules)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "tools", f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def png_size(path):
    """(width, height) from the IHDR chunk; asserts the PNG signature."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def hpcsim_cmd(*args):
    """The hpcsim command line of this interpreter."""
    return [sys.executable, "-m", "hpcsim", *args]


def kill_and_resume(cfg, out, seed=0, wait=(0.5, 3.5), kills_max=3, timeout=600):
    """Run ``cfg`` into ``out``, SIGKILL it at random instants (up to ``kills_max`` times, each
    after a wait drawn uniformly in ``wait`` seconds), resuming each time as jobs/slurm_run.sh
    does (--resume once the run directory holds a run), then let it finish.  Returns the
    number of kills."""
    import signal
    import subprocess
    import numpy as np
    rng = np.random.default_rng(seed)
    kills = 0
    for attempt in range(kills_max + 1):
        resume = ["--resume"] if (out / "run.json").exists() else []
        proc = subprocess.Popen(hpcsim_cmd("run", str(cfg), "-o", str(out), "-q", *resume),
                                cwd=ROOT)
        try:
            proc.wait(timeout=float(rng.uniform(*wait)) if attempt < kills_max else timeout)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            continue
        assert proc.returncode == 0
        break
    return kills
