"""Gas column densities and CR-sea diffuse intensity maps (seed 000 Sec. 4, "CR sea").

Column density towards a direction (l, b):

    N_H(l, b) = int_0^{s_max} n_H(x(s), y(s), z(s)) ds     [cm^-2]

with n_H = n_HI + 2 n_H2 from :func:`hpcsim.galaxy.gas.n_hydrogen` and the heliocentric ray
x = s cos b cos l - R0, y = s cos b sin l, z = s sin b + z_sun
(:func:`hpcsim.galaxy.coordinates.galactic_to_galactocentric`).  Midpoint rule with n_steps
equal steps (default 30 kpc / 3000 = 10 pc).  The Cython kernel ``hpcsim.kernels.line_of_sight``
re-implements the gas formula (parameters taken from the gas module at call time);
:func:`column_density_numpy` is the reference that calls the gas module itself.

CR-sea intensity (CONVENTIONS.md, emission interface), for a spatially constant CR spectrum
(seed 000 Sec. 4; Vecchiotti et al. 2024, arXiv:2411.11439):

    I_j(pixel) = N_H(pixel) / (4 pi) * sum_k N_k^sea A[k, j]   [GeV^-1 cm^-2 s^-1 sr^-1],
    N_k^sea = 4 pi J(T_k) / (beta_k c)                            [GeV^-1 cm^-3],

for the gamma-ray and the all-flavour neutrino rate matrices A (hpcsim.interactions.matrices).
The seed's factor 3 for IceCube's flavour composition is NOT applied here (downstream choice).

Pure functions: arrays in, arrays out, no files.  :func:`column_cache_key` and
:func:`cr_sea_cache_key` name a result by a SHA-256 of every input (grids, matrices, model, gas
parameters, geometry, quadrature); the file cache that uses them lives with the run directory
(:mod:`hpcsim.io.cache`).
"""

from __future__ import annotations

import hashlib
import json

import healpy as hp
import numpy as np

from ..constants import KPC, R_SUN_GC_KPC, Z_SUN_KPC
from ..galaxy import cr_sea, gas
from ..galaxy.coordinates import galactic_to_galactocentric

LOS_VERSION = 2  # bump when the column/map recipe changes (invalidates caches)
S_MAX_KPC = 30.0
N_STEPS = 3000


GAS_MODEL_VERSION = "ferriere1998+2007"


def gas_params():
    """The kernel's gas model takes no parameters; the array keys the cache (model 1)."""
    return np.array([gas.R_F, gas.R_INNER], dtype=np.float64)


def pixel_directions(nside):
    """Galactic l, b [rad] of all RING pixel centres."""
    l, b = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)), lonlat=True)
    return np.deg2rad(l), np.deg2rad(b)


def column_density(l_rad, b_rad, s_max_kpc=S_MAX_KPC, n_steps=N_STEPS, r0_kpc=R_SUN_GC_KPC,
                   z_sun_kpc=Z_SUN_KPC, constant_density=None):
    """Gas column N_H [cm^-2] towards (l, b) [rad] (Cython kernel; module doc for the formula).

    constant_density: if given [cm^-3], integrate this constant instead of the gas model
    (analytic test: N_H = n s_max).
    """
    from ..kernels.line_of_sight import column_density as _kernel

    l = np.ascontiguousarray(np.atleast_1d(l_rad), dtype=np.float64)
    b = np.ascontiguousarray(np.atleast_1d(b_rad), dtype=np.float64)
    if constant_density is None:
        params, model = gas_params(), 1
    else:
        params, model = np.array([float(constant_density)]), 0
    return np.asarray(_kernel(l, b, float(s_max_kpc), int(n_steps), float(r0_kpc),
                              float(z_sun_kpc), params, model)) * KPC


def column_density_numpy(l_rad, b_rad, s_max_kpc=S_MAX_KPC, n_steps=N_STEPS,
                         r0_kpc=R_SUN_GC_KPC, z_sun_kpc=Z_SUN_KPC, constant_density=None,
                         density=None, chunk=256):
    """NumPy reference of :func:`column_density` (same midpoint rule, same ray).

    density: optional callable n(x, y, z) [cm^-3] (default :func:`hpcsim.galaxy.gas.n_hydrogen`).
    """
    l = np.atleast_1d(np.asarray(l_rad, dtype=float))
    b = np.atleast_1d(np.asarray(b_rad, dtype=float))
    ds = s_max_kpc / n_steps
    s = (np.arange(n_steps) + 0.5) * ds
    out = np.empty(l.size)
    if density is None:
        density = gas.n_hydrogen
    for i0 in range(0, l.size, chunk):
        sl = slice(i0, i0 + chunk)
        if constant_density is not None:
            out[sl] = constant_density * n_steps * ds
            continue
        x, y, z = galactic_to_galactocentric(s[None, :], l[sl, None], b[sl, None], r0_kpc,
                                             z_sun_kpc)
        out[sl] = density(x, y, z).sum(axis=1) * ds
    return out * KPC


def column_density_map(nside, **kw):
    """N_H [cm^-2] at every RING pixel centre (kwargs of :func:`column_density`)."""
    l, b = pixel_directions(nside)
    return column_density(l, b, **kw)


def chunk_bounds(npix, n_chunks, chunk):
    """Pixel range [lo, hi) of chunk ``chunk`` when npix pixels are split into n_chunks."""
    return chunk * npix // n_chunks, (chunk + 1) * npix // n_chunks


def column_density_chunk(nside, n_chunks, chunk, **kw):
    """N_H [cm^-2] of the RING pixels of one chunk (kwargs of :func:`column_density`); the
    concatenation of all chunks equals :func:`column_density_map` bit for bit."""
    lo, hi = chunk_bounds(12 * nside * nside, n_chunks, chunk)
    l, b = pixel_directions(nside)
    return column_density(l[lo:hi], b[lo:hi], **kw)


def column_cache_key(nside, s_max_kpc=S_MAX_KPC, n_steps=N_STEPS, r0_kpc=R_SUN_GC_KPC,
                     z_sun_kpc=Z_SUN_KPC) -> tuple[str, str]:
    """(SHA-256 key, JSON description) of :func:`column_density_map` with these arguments: the
    gas column depends on the geometry and the quadrature only, so both CR-sea models share it."""
    meta = json.dumps({"v": LOS_VERSION, "gas": GAS_MODEL_VERSION, "nside": int(nside),
                       "s_max_kpc": float(s_max_kpc), "n_steps": float(n_steps),
                       "r0_kpc": float(r0_kpc), "z_sun_kpc": float(z_sun_kpc)}, sort_keys=True)
    return hashlib.sha256(meta.encode()).hexdigest(), meta


def emissivity_per_h(e_p, A, model, species="nucleon"):
    """Emissivity per hydrogen atom per sr, eps_j = sum_k N_k^sea A[k, j] / (4 pi)
    [GeV^-1 s^-1 sr^-1], so that I_j = N_H eps_j (CONVENTIONS.md).  A: [n_p, n_out]
    [cm^3 s^-1 GeV^-1] on the proton grid e_p [GeV]."""
    A = np.asarray(A, dtype=float)
    e_p = np.asarray(e_p, dtype=float)
    if A.shape[0] != e_p.size:
        raise ValueError("A must have shape [len(e_p), len(e_out)]")
    n_sea = cr_sea.sea_density(e_p, model, species)
    # fixed-order reduction over k (no BLAS): deterministic
    acc = np.zeros(A.shape[1])
    for k in range(e_p.size):
        acc = acc + n_sea[k] * A[k]
    return acc / (4.0 * np.pi)


def sea_intensity_map(n_h, eps):
    """I [npix, n_e] = N_H [npix, cm^-2] (outer) eps [n_e, GeV^-1 s^-1 sr^-1]."""
    return np.asarray(n_h, dtype=float)[:, None] * np.asarray(eps, dtype=float)[None, :]


def cr_sea_cache_key(nside, e_p, e_out, A_gamma, A_nu, model, species="nucleon",
                     s_max_kpc=S_MAX_KPC, n_steps=N_STEPS, r0=R_SUN_GC_KPC, zs=Z_SUN_KPC) -> str:
    """SHA-256 of every input of :func:`cr_sea_maps` (except a given ``n_h``, which must be the
    column map of the same geometry)."""
    h = hashlib.sha256()
    meta = {"v": LOS_VERSION, "nside": int(nside), "model": cr_sea.resolve_model(model),
            "species": species, "s_max": float(s_max_kpc), "n_steps": int(n_steps),
            "r0": float(r0), "z_sun": float(zs)}
    h.update(json.dumps(meta, sort_keys=True).encode())
    for arr in (e_p, e_out, A_gamma, A_nu, gas_params()):
        a = np.ascontiguousarray(arr, dtype="<f8")
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def cr_sea_maps(nside, e_out, A_gamma, A_nu, model, *, e_p, species="nucleon",
                s_max_kpc=S_MAX_KPC, n_steps=N_STEPS, r0_kpc=R_SUN_GC_KPC, z_sun_kpc=Z_SUN_KPC,
                n_h=None):
    """CR-sea gamma and neutrino intensity maps.

    ``n_h``: the gas column map [cm^-2] if already known (e.g. computed in parallel tasks by
    :func:`column_density_chunk`); otherwise it is computed here.

    Parameters: nside (HEALPix, RING); e_out [n_e] GeV; A_gamma, A_nu [n_p, n_e]
    cm^3 s^-1 GeV^-1 on the proton grid ``e_p`` [GeV] (keyword, required); model: CR-sea model
    name (:mod:`hpcsim.galaxy.cr_sea`, "lower"/"upper" = seed 000 bounds).

    Returns dict: ``N_H`` [npix] cm^-2; ``eps_gamma``, ``eps_nu`` [n_e] GeV^-1 s^-1 sr^-1 per H;
    ``I_gamma``, ``I_nu`` [npix, n_e] GeV^-1 cm^-2 s^-1 sr^-1; ``e_out`` [GeV].
    """
    e_out = np.asarray(e_out, dtype=float)
    A_gamma = np.asarray(A_gamma, dtype=float)
    A_nu = np.asarray(A_nu, dtype=float)
    if A_gamma.shape != (np.size(e_p), e_out.size) or A_nu.shape != A_gamma.shape:
        raise ValueError("A_gamma and A_nu must have shape [len(e_p), len(e_out)]")
    if n_h is None:
        n_h = column_density_map(nside, s_max_kpc=s_max_kpc, n_steps=n_steps, r0_kpc=r0_kpc,
                                 z_sun_kpc=z_sun_kpc)
    eps_g = emissivity_per_h(e_p, A_gamma, model, species)
    eps_n = emissivity_per_h(e_p, A_nu, model, species)
    return {"N_H": np.asarray(n_h, dtype=np.float64), "eps_gamma": eps_g, "eps_nu": eps_n,
            "I_gamma": sea_intensity_map(n_h, eps_g), "I_nu": sea_intensity_map(n_h, eps_n),
            "e_out": e_out}


def masked_region_spectra(intensity_map, nside, regions, exclude=None):
    """Mean intensity over the unmasked pixels of each named region
    (:func:`hpcsim.sky.regions.region_mean_intensity`): dict name -> [n_e]."""
    from .regions import region_mean_intensity

    return {r: region_mean_intensity(intensity_map, r, nside, exclude) for r in regions}
