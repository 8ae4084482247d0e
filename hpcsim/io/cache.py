"""File cache of derived arrays in a run directory (``RUNDIR/cache/``), keyed by input hashes.

The physics modules compute and return arrays; this module is where they are stored and found
again.  An entry is one HDF5 file ``<prefix>_<key[:24]>.h5`` written atomically with the
arrays' SHA-256 (:func:`hpcsim.io.checkpoint.write_arrays_h5`: temporary file, fsync,
os.replace), its full key as an attribute.  A missing, unreadable, corrupt or foreign entry is
recomputed and replaced, never trusted.

:func:`cached_column_density_map` and :func:`cached_cr_sea_maps` wrap the pure functions of
:mod:`hpcsim.sky.line_of_sight` with the keys that module defines.
"""

from __future__ import annotations

import os

import h5py
import numpy as np

from ..sky import line_of_sight as los
from .checkpoint import read_arrays_h5, write_arrays_h5


class ArrayCache:
    """Dicts of arrays stored under a key in ``directory`` (created on the first store)."""

    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)

    def path(self, prefix: str, key: str) -> str:
        return os.path.join(self.directory, f"{prefix}_{key[:24]}.h5")

    def load(self, prefix: str, key: str) -> dict[str, np.ndarray] | None:
        """The arrays stored under ``key``, or None (absent, unreadable, corrupt, other key)."""
        path = self.path(prefix, key)
        if not os.path.exists(path):
            return None
        try:
            with h5py.File(path, "r") as f:
                if f.attrs.get("key") != key:
                    return None
            return read_arrays_h5(path)  # checks the SHA-256 of the arrays
        except Exception:  # unreadable HDF5 or checksum mismatch: recompute
            return None

    def store(self, prefix: str, key: str, arrays: dict, units: dict | None = None,
              attrs: dict | None = None) -> str:
        os.makedirs(self.directory, exist_ok=True)
        path = self.path(prefix, key)
        write_arrays_h5(path, arrays, {**(attrs or {}), "key": key}, units)
        return path


def cached_column_density_map(cache: ArrayCache | None, nside, **kw) -> np.ndarray:
    """:func:`hpcsim.sky.line_of_sight.column_density_map` [cm^-2], stored once per geometry
    (kwargs: s_max_kpc, n_steps, r0_kpc, z_sun_kpc) and shared by the CR-sea models."""
    if cache is None:
        return los.column_density_map(nside, **kw)
    key, meta = los.column_cache_key(nside, **kw)
    hit = cache.load("column", key)
    if hit is not None:
        return hit["N_H"]
    n_h = los.column_density_map(nside, **kw)
    cache.store("column", key, {"N_H": n_h}, {"N_H": "cm^-2"}, {"meta": meta})
    return n_h


SEA_FIELDS = ("N_H", "eps_gamma", "eps_nu", "I_gamma", "I_nu", "e_out")
SEA_UNITS = {"N_H": "cm^-2", "eps_gamma": "GeV^-1 s^-1 sr^-1 (per H atom)",
             "eps_nu": "GeV^-1 s^-1 sr^-1 (per H atom)", "I_gamma": "GeV^-1 cm^-2 s^-1 sr^-1",
             "I_nu": "GeV^-1 cm^-2 s^-1 sr^-1", "e_out": "GeV"}


def cached_cr_sea_maps(cache: ArrayCache | None, nside, e_out, A_gamma, A_nu, model, *, e_p,
                       species="nucleon", s_max_kpc=los.S_MAX_KPC, n_steps=los.N_STEPS,
                       r0_kpc=los.R_SUN_GC_KPC, z_sun_kpc=los.Z_SUN_KPC, n_h=None) -> dict:
    """:func:`hpcsim.sky.line_of_sight.cr_sea_maps` through the cache.

    Returns its dict plus ``key`` (the input hash), ``path`` (cache file or None) and
    ``from_cache``.  Without ``n_h`` the gas column comes from :func:`cached_column_density_map`.
    """
    geom = dict(s_max_kpc=s_max_kpc, n_steps=n_steps, r0_kpc=r0_kpc, z_sun_kpc=z_sun_kpc)
    key = los.cr_sea_cache_key(nside, e_p, e_out, A_gamma, A_nu, model, species, s_max_kpc,
                               n_steps, r0_kpc, z_sun_kpc)
    if cache is not None:
        hit = cache.load("cr_sea", key)
        if hit is not None and all(k in hit for k in SEA_FIELDS):
            return {**{k: hit[k] for k in SEA_FIELDS}, "key": key,
                    "path": cache.path("cr_sea", key), "from_cache": True}
    if n_h is None:
        n_h = cached_column_density_map(cache, nside, **geom)
    out = los.cr_sea_maps(nside, e_out, A_gamma, A_nu, model, e_p=e_p, species=species,
                          n_h=n_h, **geom)
    path = None
    if cache is not None:
        path = cache.store("cr_sea", key, {k: np.asarray(out[k], dtype=np.float64)
                                           for k in SEA_FIELDS}, SEA_UNITS,
                           {"nside": int(nside), "model": model, "species": species})
    return {**out, "key": key, "path": path, "from_cache": False}
