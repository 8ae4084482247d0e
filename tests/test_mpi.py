"""MPI: results are bit-identical for 1 and 2 ranks (run with mpiexec -n 2 pytest --with-mpi)."""

import os
import tempfile

import numpy as np
import pytest

from hpcsim.config import config_from_dict
from hpcsim.driver import run
from hpcsim.io.results import bit_identical, load_results
from hpcsim.parallel.farm import SerialComm, run_farm


def _shared_tmpdir(comm):
    path = tempfile.mkdtemp(prefix="hpcsim-mpi-") if comm.rank == 0 else None
    return comm.bcast(path, root=0)


def _mpi_equals_serial(cfg, comm):
    """Run ``cfg`` on all ranks, then serially on rank 0; True on every rank if the two
    results.h5 are bit-identical."""
    base = _shared_tmpdir(comm)
    assert run(cfg, os.path.join(base, "mpi"), quiet=True, comm=comm) == 0
    same = None
    if comm.rank == 0:
        assert run(cfg, os.path.join(base, "serial"), quiet=True, comm=SerialComm()) == 0
        a = load_results(os.path.join(base, "mpi", "results.h5"))[0]
        b = load_results(os.path.join(base, "serial", "results.h5"))[0]
        same = a.keys() == b.keys() and all(bit_identical(a[k], b[k]) for k in a)
    return comm.bcast(same, root=0)


@pytest.mark.mpi(min_size=2)
def test_injection_grid_one_vs_two_ranks_bit_identical():
    from mpi4py import MPI
    from test_injection_scenario import MIST, small_injection_config
    comm = MPI.COMM_WORLD
    if not os.path.isdir(MIST):
        pytest.skip("MIST tracks not available (../shared/data/mist)")
    cfg = small_injection_config(n_masses=4, n_times=80, eta_B=[0.01, 0.1],
                                 turbulence=["bohm", "kraichnan"])
    assert _mpi_equals_serial(cfg, comm)


@pytest.mark.mpi(min_size=2)
def test_injection_reduction_failing_on_a_worker_ends_every_rank(monkeypatch):
    """The injection job shares its reduction among the ranks: an error on rank 1 ends the run
    on every rank with exit 1 (no hang), and a resume with the error gone finishes it."""
    from mpi4py import MPI
    from hpcsim.scenarios.stellar_injection import InjectionScenario
    from test_injection_scenario import MIST, small_injection_config
    comm = MPI.COMM_WORLD
    if not os.path.isdir(MIST):
        pytest.skip("MIST tracks not available (../shared/data/mist)")
    cfg = small_injection_config(n_masses=4, n_times=60, eta_B=[0.01, 0.1],
                                 turbulence=["bohm"])
    base = _shared_tmpdir(comm)
    combo = InjectionScenario._combo

    def broken(self, *a, **kw):
        if comm.rank == 1:
            raise ValueError("injected reduction failure")
        return combo(self, *a, **kw)
    monkeypatch.setattr(InjectionScenario, "_combo", broken)
    assert run(cfg, os.path.join(base, "r"), quiet=True, comm=comm) == 1
    monkeypatch.setattr(InjectionScenario, "_combo", combo)
    assert run(cfg, os.path.join(base, "r"), resume=True, quiet=True, comm=comm) == 0
    assert os.path.exists(os.path.join(base, "r", "results.h5"))


@pytest.mark.mpi(min_size=2)
def test_farm_computes_every_task_once():
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    seen = []
    ok = run_farm(list(range(37)), lambda t: {"v": np.array([t * t])},
                  lambda t, r: seen.append((t, int(r["v"][0]))), comm=comm)
    if comm.rank == 0:
        assert ok
        assert sorted(seen) == [(t, t * t) for t in range(37)]
    comm.barrier()


@pytest.mark.mpi(min_size=2)
def test_farm_ranks_write_their_own_results():
    """With ``write``, each task is written exactly once, by the rank that computed it, before
    rank 0 records it; rank 0 receives no result (on_result gets None), so nothing large travels
    to it; every rank takes part."""
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    written = []
    got = []
    big = 200_000  # 1.6 MB per result: sent to rank 0 it would go by rendezvous

    def write(t, r):
        assert r["v"].size == big and r["v"][0] == t
        written.append(t)

    ok = run_farm(list(range(40)), lambda t: {"v": np.full(big, float(t))},
                  lambda t, r: got.append((t, r)), comm=comm, write=write)
    by_rank = comm.gather(written, root=0)
    if comm.rank == 0:
        assert ok
        flat = [t for w in by_rank for t in w]
        assert sorted(flat) == list(range(40))  # each task written once
        assert sorted(t for t, _ in got) == list(range(40))
        assert all(r is None for _, r in got)
        assert all(len(w) > 0 for w in by_rank[1:])  # the workers wrote their own tasks
    comm.barrier()


@pytest.mark.mpi(min_size=2)
@pytest.mark.parametrize("scenario", ["ymsc_population", "ymsc_diffuse"])
def test_one_vs_two_ranks_bit_identical(scenario):
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    cfg = config_from_dict({"run": {"seed": 5, "n_realisations": 3, "n_sectors": 4,
                                    "scenario": scenario},
                            "population": {"n_mean_override": 300.0},
                            "sky": {"nside": 16, "los_n_steps": 300}})
    assert _mpi_equals_serial(cfg, comm)


@pytest.mark.mpi(min_size=2)
def test_reduction_failing_on_a_worker_is_reported_without_a_hang(monkeypatch):
    """The diffuse scenario reduces on every rank: an error on rank 1 during the reduction ends
    the run on every rank with exit 1 (reported by rank 0), keeps the task files, and a resume
    with the error gone writes the results without recomputing any task."""
    from mpi4py import MPI
    from hpcsim.scenarios.ymsc_diffuse import DiffuseScenario
    comm = MPI.COMM_WORLD
    cfg = config_from_dict({"run": {"seed": 5, "n_realisations": 3, "n_sectors": 2,
                                    "scenario": "ymsc_diffuse"},
                            "population": {"n_mean_override": 200.0},
                            "sky": {"nside": 8, "los_n_steps": 200}})
    base = _shared_tmpdir(comm)
    rows = DiffuseScenario._reduce_rows

    def broken(self, read_task, quiet, mine, **kw):
        if comm.rank == 1:
            raise ValueError("injected reduction failure")
        return rows(self, read_task, quiet, mine, **kw)

    monkeypatch.setattr(DiffuseScenario, "_reduce_rows", broken)
    assert run(cfg, os.path.join(base, "r"), quiet=True, comm=comm) == 1
    assert not os.path.exists(os.path.join(base, "r", "results.h5"))
    monkeypatch.setattr(DiffuseScenario, "_reduce_rows", rows)
    assert run(cfg, os.path.join(base, "r"), resume=True, quiet=True, comm=comm) == 0
    timing = None
    if comm.rank == 0:
        import json
        with open(os.path.join(base, "r", "timing.json")) as fh:
            timing = json.load(fh)
        assert timing.get("task_compute_s", {}) == {}  # nothing recomputed on resume
    comm.barrier()


@pytest.mark.mpi(min_size=2)
def test_variant_table_one_vs_two_ranks_bit_identical():
    """Variants of every stage (count, redraw, environment, source, sky) on 1 and 2 ranks."""
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    cfg = config_from_dict({"run": {"seed": 9, "n_realisations": 3, "n_sectors": 3,
                                    "scenario": "ymsc_diffuse"},
                            "population": {"n_mean_override": 200.0},
                            "sky": {"nside": 8, "los_n_steps": 200},
                            "variants": {"fewer": {"population": {"n_mean_override": 120.0}},
                                         "more": {"population": {"n_mean_override": 260.0}},
                                         "thick": {"population": {"z_sigma": 0.08}},
                                         "eta_m": {"bubble": {"eta_m": 0.2}},
                                         "sn_diffusive": {"cosmic_rays": {"sn_rule": "diffusion"}},
                                         "no_inner": {"sky": {"inner_b_max": 0.0}},
                                         "shells_out": {"sky": {"sea_exclude_shells": True}}}})
    assert _mpi_equals_serial(cfg, comm)


@pytest.mark.mpi(min_size=2)
def test_failing_task_stops_every_rank_without_hanging():
    from mpi4py import MPI
    from hpcsim.parallel.farm import FarmError
    comm = MPI.COMM_WORLD
    done = []

    def compute(t):
        if t == 7:
            raise ValueError("bad task 7")
        return {"v": np.array([t])}

    try:
        run_farm(list(range(20)), compute, lambda t, r: done.append(t), comm=comm)
        raised = False
    except FarmError as exc:
        raised = "bad task 7" in str(exc)
    # rank 0 reports the failure (with the task id and traceback); workers return normally
    assert comm.bcast(raised, root=0)
    comm.barrier()


@pytest.mark.mpi(min_size=2)
def test_propagation_scan_one_vs_two_ranks_bit_identical():
    from mpi4py import MPI
    from test_propagation_scenario import small_config
    cfg = small_config("scan_D0 = [3.0e28, 5.0e28]\nscan_v_alfven = [0.0, 20.0]")
    assert _mpi_equals_serial(cfg, MPI.COMM_WORLD)


@pytest.mark.mpi(min_size=2)
def test_cocoons_one_vs_two_ranks_bit_identical():
    from mpi4py import MPI
    from test_cocoons import small_config as cocoon_config
    assert _mpi_equals_serial(cocoon_config(), MPI.COMM_WORLD)


@pytest.mark.mpi(min_size=2)
def test_knee_one_vs_two_ranks_bit_identical():
    from mpi4py import MPI
    from test_knee import SMALL_EVO, small_config as knee_config
    # the evolution fit: every rank replays the search between the phases
    assert _mpi_equals_serial(knee_config(SMALL_EVO), MPI.COMM_WORLD)
