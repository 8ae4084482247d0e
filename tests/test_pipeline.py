"""End-to-end diffuse-emission pipeline on a small configuration."""

import healpy as hp
import numpy as np
import pytest

from hpcsim.config import config_from_dict
from hpcsim.driver import run
from hpcsim.io.checkpoint import read_arrays_h5
from hpcsim.io.results import load_results
from hpcsim.parallel.farm import SerialComm
from hpcsim.sky import masks

SMALL = {"run": {"seed": 4, "n_realisations": 3, "n_sectors": 2, "scenario": "ymsc_diffuse"},
         "population": {"n_mean_override": 400.0},
         "sky": {"nside": 16, "los_n_steps": 400}}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    cfg = config_from_dict(SMALL)
    out = tmp_path_factory.mktemp("pipe") / "run"
    assert run(cfg, str(out), quiet=True, comm=SerialComm()) == 0
    data, units, attrs = load_results(str(out / "results.h5"))
    return cfg, out, data, units, attrs


def test_every_dataset_has_units(small_run):
    _, _, data, units, attrs = small_run
    missing = [k for k in data if not units.get(k)]
    assert not missing, missing[:5]
    assert "config_toml" in attrs and "code_version" in attrs


def test_map_sums_equal_cluster_flux_sums(small_run):
    cfg, out, data, _, _ = small_run
    nside = cfg.sky.nside
    e = data["emission/energy"]
    bands = data["maps/band_energy"]
    parts = [read_arrays_h5(str(out / "tasks" / f"task_{t:07d}.h5")) for t in range(2)]
    for g in cfg.cosmic_rays.regimes:
        for m, div in (("gamma", 1.0), ("nu", cfg.emission.nu_flavour_divisor)):
            phi = np.concatenate([p[f"emission/{g}/phi_{m}"] for p in parts])
            for b, eb in enumerate(bands):
                j = int(np.argmin(np.abs(e - eb)))
                total_map = data[f"maps/{m}/{g}/band_{b}"].sum() * hp.nside2pixarea(nside)
                assert total_map == pytest.approx(phi[:, j].sum() / div, rel=1e-10)


def test_quartiles_and_totals_are_consistent(small_run):
    cfg, _, data, _, _ = small_run
    for g in cfg.cosmic_rays.regimes:
        for m in ("gamma", "nu"):
            base = f"emission/{m}/{g}/lhaaso_inner"
            q1, q2, q3 = (data[f"{base}/{q}"] for q in ("q1", "median", "q3"))
            assert np.all(q1 <= q2) and np.all(q2 <= q3)
            per = data[f"{base}/per_realisation"]
            np.testing.assert_allclose(q2, np.median(per, axis=0), rtol=1e-12)
            lo = data[f"emission/{m}/total/{g}/lhaaso_inner/lower"]
            hi = data[f"emission/{m}/total/{g}/lhaaso_inner/upper"]
            assert np.all(lo > q2) and np.all(hi > q2)  # the CR sea adds to the clusters
        ratio = data[f"emission/ratios/nu_sc_over_sea_10TeV/{g}/icecube/lower"]
        assert np.isfinite(ratio) and ratio > 0


def test_masks_remove_resolved_clusters(small_run):
    cfg, out, data, _, _ = small_run
    parts = [read_arrays_h5(str(out / "tasks" / f"task_{t:07d}.h5")) for t in range(2)]
    for g in cfg.cosmic_rays.regimes:
        mask = data[f"maps/mask/{g}"].astype(bool)
        f100 = np.concatenate([p[f"emission/{g}/f100"] for p in parts])
        theta = np.concatenate([p["sky/theta"] for p in parts])
        det = masks.detected_cfg(f100, theta, cfg.sky)
        assert det.sum() == data[f"emission/n_detected/{g}"][0]
        pix = np.concatenate([p["sky/pix"] for p in parts])
        counts = np.concatenate([np.diff(p["sky/pix_offsets"]) for p in parts])
        hit = np.repeat(np.arange(counts.size), counts)
        assert mask[pix[det[hit]]].all()  # every pixel of a detected cluster is masked
        l, b = hp.pix2ang(cfg.sky.nside, np.arange(mask.size), lonlat=True)
        inner = (l <= 70) & (np.abs(b) < 1.5)
        assert mask[inner].all()
    # resolved clusters are more numerous with harder spectra (Bohm) than with Kolmogorov
    nd = {g: data[f"emission/n_detected/{g}"].sum() for g in cfg.cosmic_rays.regimes}
    assert nd["bohm"] >= nd["kolmogorov"]


def test_reduction_resumes_from_its_checkpointed_rows(small_run, tmp_path, monkeypatch):
    """A crash during the reduction keeps the rows of the realisations already reduced
    (RUNDIR/cache/reduction_row_*.h5): the resumed reduction reads no task file of those
    realisations, recomputes no task, and the results equal an uninterrupted run's bit for bit."""
    from hpcsim.scenarios.ymsc_diffuse import DiffuseScenario
    cfg, ref_dir, ref, _, _ = small_run
    out = tmp_path / "run"
    variants = DiffuseScenario._reduce_variants

    def crash_at_realisation_2(self, real, *a, **kw):
        if real == 2:
            raise RuntimeError("injected crash during the reduction")
        return variants(self, real, *a, **kw)
    monkeypatch.setattr(DiffuseScenario, "_reduce_variants", crash_at_realisation_2)
    assert run(cfg, str(out), quiet=True, comm=SerialComm()) == 1
    assert not (out / "results.h5").exists()
    assert len(list((out / "cache").glob("reduction_row_*.h5"))) == 2
    monkeypatch.setattr(DiffuseScenario, "_reduce_variants", variants)
    read = []
    from hpcsim.io.checkpoint import RunDirectory
    original = RunDirectory.read_task

    def counting(self, tid):
        read.append(tid)
        return original(self, tid)
    monkeypatch.setattr(RunDirectory, "read_task", counting)
    assert run(cfg, str(out), resume=True, quiet=True, comm=SerialComm()) == 0
    n_sec, n_pop = cfg.run.n_sectors, cfg.run.n_realisations * cfg.run.n_sectors
    assert sorted(t for t in read if t < n_pop) == [2 * n_sec + s for s in range(n_sec)]
    import json
    assert json.loads((out / "timing.json").read_text()).get("task_compute_s", {}) == {}
    data, _, _ = load_results(str(out / "results.h5"))
    assert data.keys() == ref.keys()
    assert all(np.array_equal(data[k], ref[k]) for k in ref)
