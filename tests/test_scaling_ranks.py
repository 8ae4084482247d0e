"""Results bit-identical on 1, 2, 3, 5 and 8 MPI ranks, and the per-rank timing they record.

The MPI runs are subprocesses under the venv's ``mpiexec`` (mpich oversubscribes: 8 ranks run
on a 2-core machine), so this test belongs to the serial part of ``tools/test.sh``.  The
configuration is tiny (NSIDE 8, 2 realisations x 6 sectors + 1 gas-column chunk = 13 tasks):
most of each run is the start-up of its ranks.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, hpcsim_cmd, write_config
from hpcsim.config import load_config
from hpcsim.driver import run
from hpcsim.io.results import bit_identical, describe_results, load_results
from hpcsim.parallel.farm import SerialComm

MPIEXEC = os.path.join(os.path.dirname(sys.executable), "mpiexec")
RANKS = (2, 3, 5, 8)
N_TASKS = 2 * 6 + 1

TINY = """
[run]
seed = 7
n_realisations = 2
n_sectors = 6
scenario = "ymsc_diffuse"

[population]
n_mean_override = 200.0

[sky]
nside = 8
los_n_steps = 200
"""


def _check_timing(rundir, n_ranks):
    """timing.json and the results.h5 attributes describe n_ranks ranks and every task."""
    with open(os.path.join(rundir, "timing.json")) as fh:
        rec = json.load(fh)
    assert rec["n_ranks"] == n_ranks and len(rec["ranks"]) == n_ranks
    assert sorted(int(t) for t in rec["task_compute_s"]) == list(range(N_TASKS))
    assert sum(r["n_tasks"] for r in rec["ranks"]) == N_TASKS
    for r in rec["ranks"]:
        assert 0.0 <= r["busy_fraction"] <= 1.0
        assert r["compute_s"] + r["result_s"] + r["wait_s"] <= r["wall_s"] * (1 + 1e-9)
    data, _, attrs = load_results(os.path.join(rundir, "results.h5"))
    busy = attrs["provenance/rank_busy_fraction"]
    assert busy.shape == (n_ranks,)
    np.testing.assert_array_equal(busy, [r["busy_fraction"] for r in rec["ranks"]])
    assert attrs["provenance/reduction_s"] > 0 and attrs["provenance/task_phase_s"] > 0
    assert "busy fraction per rank" in describe_results(os.path.join(rundir, "results.h5"))
    # timing stays out of the compared datasets
    assert not [k for k in data if "busy" in k or k.startswith("provenance")]
    return data


@pytest.mark.skipif(not os.path.exists(MPIEXEC), reason=f"no mpiexec next to {sys.executable}")
def test_results_identical_on_1_2_3_5_8_ranks(tmp_path):
    cfg = write_config(tmp_path / "tiny.toml", TINY)
    assert run(load_config(cfg), str(tmp_path / "n1"), quiet=True, comm=SerialComm()) == 0
    ref = _check_timing(tmp_path / "n1", 1)
    for n in RANKS:
        out = tmp_path / f"n{n}"
        res = subprocess.run([MPIEXEC, "-n", str(n), *hpcsim_cmd("run", cfg, "-o", str(out),
                                                                   "-q")],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr
        data = _check_timing(out, n)
        assert data.keys() == ref.keys()
        different = [k for k in ref if not bit_identical(data[k], ref[k])]
        assert not different, f"{n} ranks differ from 1 rank in {different[:5]}"
