"""The run directory's file cache (hpcsim.io.cache): reuse, sharing, corruption, atomicity."""

import os

import h5py
import numpy as np

from hpcsim.io.cache import ArrayCache, cached_column_density_map, cached_cr_sea_maps
from hpcsim.sky import line_of_sight as los

NSIDE = 8


def _inputs():
    e_p = np.geomspace(1.0, 1e8, 8 * 16 + 1)
    e_out = np.geomspace(10.0, 3e6, 20)
    A_g = np.random.default_rng(0).uniform(0.5, 1.5, (e_p.size, e_out.size)) * 1e-26
    return e_out, A_g, 0.5 * A_g, dict(e_p=e_p, n_steps=300)


def test_cr_sea_maps_cached_and_reused(tmp_path):
    cache = ArrayCache(str(tmp_path / "cache"))
    e_out, A_g, A_n, kw = _inputs()
    r1 = cached_cr_sea_maps(cache, NSIDE, e_out, A_g, A_n, "upper", **kw)
    assert not r1["from_cache"] and os.path.exists(r1["path"])
    r2 = cached_cr_sea_maps(cache, NSIDE, e_out, A_g, A_n, "upper", **kw)
    assert r2["from_cache"] and r2["path"] == r1["path"]
    direct = los.cr_sea_maps(NSIDE, e_out, A_g, A_n, "upper", **kw)
    for k in ("N_H", "I_gamma", "I_nu", "eps_gamma", "eps_nu", "e_out"):
        assert np.array_equal(r1[k], r2[k]) and np.array_equal(r1[k], direct[k]), k
    # another model: another entry, but one gas-column file shared by both models
    r3 = cached_cr_sea_maps(cache, NSIDE, e_out, A_g, A_n, "lower", **kw)
    assert r3["key"] != r1["key"] and not r3["from_cache"]
    names = os.listdir(cache.directory)
    assert len([f for f in names if f.startswith("column_")]) == 1
    assert len([f for f in names if f.startswith("cr_sea_")]) == 2
    assert np.array_equal(r3["N_H"], r1["N_H"])
    assert not [f for f in names if ".tmp." in f]  # no temporary leftovers


def test_no_cache_writes_nothing(tmp_path):
    e_out, A_g, A_n, kw = _inputs()
    r = cached_cr_sea_maps(None, NSIDE, e_out, A_g, A_n, "upper", **kw)
    assert r["path"] is None and not r["from_cache"]
    assert np.array_equal(cached_column_density_map(None, NSIDE, n_steps=300), r["N_H"])
    assert os.listdir(tmp_path) == []


def test_corrupt_or_foreign_entry_is_recomputed(tmp_path):
    cache = ArrayCache(str(tmp_path))
    ref = cached_column_density_map(cache, NSIDE, n_steps=300)
    key, _ = los.column_cache_key(NSIDE, n_steps=300)
    path = cache.path("column", key)
    with h5py.File(path, "r+") as f:  # silent corruption: checksum no longer matches
        f["N_H"][0] = 0.0
    assert cache.load("column", key) is None
    assert np.array_equal(cached_column_density_map(cache, NSIDE, n_steps=300), ref)
    assert np.array_equal(cache.load("column", key)["N_H"], ref)  # replaced by a good entry
    with h5py.File(path, "r+") as f:  # an entry written for another key is not trusted
        f.attrs["key"] = "0" * 64
    assert cache.load("column", key) is None
    with open(path, "wb") as fh:  # unreadable file
        fh.write(b"not hdf5")
    assert cache.load("column", key) is None
    assert np.array_equal(cached_column_density_map(cache, NSIDE, n_steps=300), ref)
