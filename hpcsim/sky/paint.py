"""Paint clusters on a HEALPix grid as uniform discs, sparse per task, dense after gathering.

Spatial template (seed 000, Sec. 4, last sentence before Eq. 4): the flux of each cluster
(Eq. 2) is spread uniformly over a circular region of radius R_fs, i.e. an angular radius

    theta = atan(R_fs / d).

Maps store **flux per pixel** [GeV^-1 cm^-2 s^-1], one column per energy band; divide by the
pixel solid angle (:func:`to_intensity`) to get an intensity [GeV^-1 cm^-2 s^-1 sr^-1].

Pixelisation: HEALPix (Gorski et al. 2005, ApJ 622, 759) through healpy, RING ordering, Galactic
coordinates (lon = l, lat = b in degrees).  Disc pixels are those whose *centres* lie inside the
disc (``healpy.query_disc(..., inclusive=False)``); a disc that contains no pixel centre (smaller
than a pixel) is put entirely in the pixel containing the disc centre.  The flux is shared
equally among the disc's pixels, so each cluster's painted flux sums to its flux up to rounding
(flux conservation; our choice: the paper does not say how sub-pixel discs are handled).

Bit reproducibility: every sparse hit carries the global index of its cluster;
:func:`accumulate` sorts all hits by (pixel, cluster) and adds them sequentially
(``numpy.add.at`` is unbuffered and processes indices in order), so the dense map does not depend
on how clusters were split over tasks or on the order in which task results arrive.
"""

from __future__ import annotations

import healpy as hp
import numpy as np


def disc_radius(r_fs_cm, d_cm):
    """Angular radius theta = atan(R_fs / d) [rad] of a cluster's disc (seed 000, Sec. 4).

    r_fs_cm, d_cm: forward-shock radius and heliocentric distance, same length unit.
    """
    return np.arctan(np.asarray(r_fs_cm, dtype=float) / np.asarray(d_cm, dtype=float))


def lb_to_vec(l_deg, b_deg):
    """Unit vectors [..., 3] of Galactic (l, b) in degrees (healpy lonlat convention)."""
    return np.asarray(hp.ang2vec(np.asarray(l_deg, float), np.asarray(b_deg, float),
                                 lonlat=True))


def disc_pixels(nside, l_deg, b_deg, theta_rad):
    """Pixels (RING, int64, ascending) of one disc; the centre pixel if no centre is inside.

    Uses ``healpy.query_disc(nside, vec, theta, inclusive=False)``: a pixel belongs to the disc
    when its centre is within theta of the disc centre.
    """
    vec = hp.ang2vec(float(l_deg), float(b_deg), lonlat=True)
    pix = np.asarray(hp.query_disc(nside, vec, float(theta_rad), inclusive=False), dtype=np.int64)
    if pix.size == 0:
        pix = np.array([hp.ang2pix(nside, float(l_deg), float(b_deg), lonlat=True)],
                       dtype=np.int64)
    return np.sort(pix)


def paint_clusters(nside, l_deg, b_deg, theta_rad, flux, cluster_index=None):
    """Sparse painted maps of a set of clusters (one task's worth).

    Parameters
    ----------
    nside : int, HEALPix NSIDE (power of 2).
    l_deg, b_deg : [n_cl] Galactic longitude and latitude of the cluster centres [deg].
    theta_rad : [n_cl] disc angular radii [rad] (:func:`disc_radius`).
    flux : [n_cl, n_bands] flux at Earth of each cluster [GeV^-1 cm^-2 s^-1] (CONVENTIONS.md:
        phi_j = sum_k W_k A[k, j] / (4 pi d^2)).
    cluster_index : [n_cl] int, global cluster indices (default 0..n_cl-1); used to order the
        accumulation so that the result does not depend on the task split.

    Returns
    -------
    dict with ``pix`` [n_hits] int64 (RING pixel), ``cluster`` [n_hits] int64 (global cluster
    index of each hit) and ``vals`` [n_hits, n_bands] float64 (flux per pixel,
    GeV^-1 cm^-2 s^-1): each cluster's flux divided equally among its disc pixels.
    """
    l_deg = np.atleast_1d(np.asarray(l_deg, dtype=float))
    b_deg = np.atleast_1d(np.asarray(b_deg, dtype=float))
    theta_rad = np.atleast_1d(np.asarray(theta_rad, dtype=float))
    flux = np.asarray(flux, dtype=float)
    if flux.ndim == 1:
        flux = flux[:, None]
    n_cl = l_deg.size
    if not (b_deg.size == theta_rad.size == flux.shape[0] == n_cl):
        raise ValueError("l, b, theta and flux must have the same number of clusters")
    if cluster_index is None:
        cluster_index = np.arange(n_cl, dtype=np.int64)
    cluster_index = np.asarray(cluster_index, dtype=np.int64)
    pix_list, cl_list, val_list = [], [], []
    for i in range(n_cl):
        pix = disc_pixels(nside, l_deg[i], b_deg[i], theta_rad[i])
        pix_list.append(pix)
        cl_list.append(np.full(pix.size, cluster_index[i], dtype=np.int64))
        val_list.append(np.broadcast_to(flux[i] / pix.size, (pix.size, flux.shape[1])))
    if n_cl == 0:
        return {"pix": np.zeros(0, np.int64), "cluster": np.zeros(0, np.int64),
                "vals": np.zeros((0, flux.shape[1]))}
    return {"pix": np.concatenate(pix_list), "cluster": np.concatenate(cl_list),
            "vals": np.ascontiguousarray(np.concatenate(val_list, axis=0))}


def accumulate(nside, sparse_list, n_bands=None):
    """Dense flux-per-pixel maps [12 nside^2, n_bands] from a list of sparse painted sets.

    The hits of all entries are ordered by (pixel, cluster index) before a sequential
    ``numpy.add.at``, so the result is bit-identical for any split of the clusters over tasks
    and any order of ``sparse_list``.  Units: those of ``vals`` (GeV^-1 cm^-2 s^-1 per pixel).
    """
    npix = hp.nside2npix(nside)
    sparse_list = [s for s in sparse_list if s is not None]
    if n_bands is None:
        if not sparse_list:
            raise ValueError("n_bands is needed when there is nothing to accumulate")
        n_bands = np.asarray(sparse_list[0]["vals"]).shape[1]
    out = np.zeros((npix, n_bands), dtype=np.float64)
    if not sparse_list:
        return out
    pix = np.concatenate([np.asarray(s["pix"], np.int64) for s in sparse_list])
    cl = np.concatenate([np.asarray(s["cluster"], np.int64) for s in sparse_list])
    vals = np.concatenate([np.asarray(s["vals"], np.float64).reshape(-1, n_bands)
                           for s in sparse_list], axis=0)
    if pix.size and (pix.min() < 0 or pix.max() >= npix):
        raise ValueError("pixel index out of range for this nside")
    order = np.lexsort((cl, pix))  # primary key: pixel, then cluster index
    np.add.at(out, pix[order], vals[order])
    return out


def to_intensity(flux_map, nside):
    """Flux per pixel [GeV^-1 cm^-2 s^-1] -> intensity [GeV^-1 cm^-2 s^-1 sr^-1].

    Divides by the HEALPix pixel solid angle 4 pi / (12 nside^2) (all pixels have equal area).
    """
    return np.asarray(flux_map, dtype=float) / hp.nside2pixarea(nside)


def to_flux_per_pixel(intensity_map, nside):
    """Inverse of :func:`to_intensity`."""
    return np.asarray(intensity_map, dtype=float) * hp.nside2pixarea(nside)
