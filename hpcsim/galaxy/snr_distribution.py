"""Supernova-remnant (cocoon) rate density of seed 002 (Ambrosone et al. 2025, Eqs. 1-2) and its
line-of-sight integral over the sky (Eq. 8).

Eq. 1 (the SNR distribution of Green 2015, MNRAS 454, 1517):

    rho(r, z) = rho_0 (r / r_sun)^alpha exp[-beta (r / r_sun - 1)] exp(-|z| / z0)

inside the cylinder r < R_G, |z| < h (zero outside), alpha = 1.09, beta = 3.87, z0 = 83 pc,
r_sun = 8.5 kpc, R_G = 10 kpc, h = 100 pc.  Eq. 2 fixes rho_0 by int dV rho = R_SN = 1/30 yr^-1:

    int dV = 2 pi r_sun^2 e^beta gamma(2 + alpha, beta R_G / r_sun) / beta^(2 + alpha)
             x 2 z0 [1 - exp(-h / z0)]

(gamma the lower incomplete gamma function).  Units: kpc, yr.

The sky factor of Eq. 8, S(l, b) = int_0^inf ds rho(s, l, b) [yr^-1 kpc^-2], is integrated per
direction with the midpoint rule on ``n_steps`` equal steps from the Sun to where the ray leaves
the cylinder (|z| = h or r = R_G), so every direction, however steep, is resolved alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gamma as gamma_fn
from scipy.special import gammainc

from ..galaxy.coordinates import galactic_to_galactocentric


@dataclass(frozen=True)
class SNRDistribution:
    alpha: float = 1.09
    beta: float = 3.87
    z0: float = 0.083  # kpc
    r_sun: float = 8.5  # kpc
    R_G: float = 10.0  # kpc
    h: float = 0.1  # kpc
    rate: float = 1.0 / 30.0  # yr^-1

    def volume_integral_unnormalised(self) -> float:
        """int dV of the shape (rho_0 = 1) [kpc^3], in closed form."""
        a2 = 2.0 + self.alpha
        radial = (self.r_sun ** 2 * np.exp(self.beta) * gamma_fn(a2)
                  * gammainc(a2, self.beta * self.R_G / self.r_sun) / self.beta ** a2)
        return 2.0 * np.pi * radial * 2.0 * self.z0 * (-np.expm1(-self.h / self.z0))

    @property
    def rho0(self) -> float:
        """Normalisation [yr^-1 kpc^-3] (Eq. 2)."""
        return self.rate / self.volume_integral_unnormalised()

    def density(self, r, z) -> np.ndarray:
        """rho [yr^-1 kpc^-3] at Galactocentric radius r and height z [kpc]."""
        r = np.asarray(r, dtype=float)
        z = np.asarray(z, dtype=float)
        inside = (r < self.R_G) & (np.abs(z) < self.h)
        with np.errstate(divide="ignore", invalid="ignore"):
            shape = ((r / self.r_sun) ** self.alpha * np.exp(-self.beta * (r / self.r_sun - 1.0))
                     * np.exp(-np.abs(z) / self.z0))
        return np.where(inside, self.rho0 * shape, 0.0)

    def path_length(self, l_rad, b_rad) -> np.ndarray:
        """Distance [kpc] from the Sun (r_sun, z = 0) to where the ray leaves the cylinder."""
        l = np.asarray(l_rad, dtype=float)
        b = np.asarray(b_rad, dtype=float)
        sb = np.abs(np.sin(b))
        s_z = np.where(sb > 0, self.h / np.where(sb > 0, sb, 1.0), np.inf)
        # in-plane: |(-r_sun, 0) + d (cos l, sin l)| = R_G, d = s cos b
        c = np.cos(l)
        d = self.r_sun * c + np.sqrt((self.r_sun * c) ** 2 - (self.r_sun ** 2 - self.R_G ** 2))
        cb = np.cos(b)
        s_r = np.where(cb > 0, d / np.where(cb > 0, cb, 1.0), np.inf)
        return np.minimum(s_z, s_r)

    def sky_factor(self, l_rad, b_rad, n_steps: int = 2000, chunk: int = 512) -> np.ndarray:
        """S(l, b) = int ds rho [yr^-1 kpc^-2] along each direction (module docstring)."""
        l = np.atleast_1d(np.asarray(l_rad, dtype=float))
        b = np.atleast_1d(np.asarray(b_rad, dtype=float))
        out = np.empty(l.size)
        frac = (np.arange(n_steps) + 0.5) / n_steps
        for i0 in range(0, l.size, chunk):
            sl = slice(i0, i0 + chunk)
            s_end = self.path_length(l[sl], b[sl])
            s = frac[None, :] * s_end[:, None]
            x, y, z = galactic_to_galactocentric(s, l[sl, None], b[sl, None], self.r_sun, 0.0)
            out[sl] = self.density(np.hypot(x, y), z).sum(axis=1) * s_end / n_steps
        return out


#: b-intervals [deg] of the region quadrature (Gauss-Legendre on each): rho is a thin layer,
#: so the nodes crowd towards the plane
B_BREAKS_DEG = (0.0, 0.25, 1.0, 5.0, 20.0, 90.0)


def region_integral(dist: SNRDistribution, l_min_deg: float, l_max_deg: float, b_max_deg: float,
                    l_step_deg: float = 0.25, b_nodes: int = 160, n_steps: int = 2000):
    """(int_region S dOmega [yr^-1 kpc^-2 sr], solid angle [sr]) over l_min < l < l_max (deg,
    wrapping through 360 allowed), |b| < b_max: midpoints in l, Gauss-Legendre in b on the
    intervals of :data:`B_BREAKS_DEG` (S is even in b: the Sun is in the plane)."""
    n_l = max(1, int(round((l_max_deg - l_min_deg) / l_step_deg)))
    l = np.radians(l_min_deg + (np.arange(n_l) + 0.5) * (l_max_deg - l_min_deg) / n_l)
    dl = np.radians(l_max_deg - l_min_deg) / n_l
    edges = [b for b in B_BREAKS_DEG if b < b_max_deg] + [b_max_deg]
    per = max(2, b_nodes // (len(edges) - 1))
    x, w = np.polynomial.legendre.leggauss(per)
    bs, ws = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        bs.append(np.radians(lo + (hi - lo) * (x + 1) / 2))
        ws.append(np.radians(hi - lo) / 2 * w)
    b, wb = np.concatenate(bs), np.concatenate(ws)
    L, B = np.meshgrid(l, b, indexing="ij")
    S = dist.sky_factor(L.ravel(), B.ravel(), n_steps).reshape(L.shape)
    integral = 2.0 * np.sum(S * (wb * np.cos(b))[None, :]) * dl  # both signs of b
    omega = np.radians(l_max_deg - l_min_deg) * 2.0 * np.sin(np.radians(b_max_deg))
    return float(integral), float(omega)


def volume_integral_over_s2(dist: SNRDistribution, n_d: int = 800, n_psi: int = 1024,
                            n_theta: int = 96) -> float:
    """int dV rho / s^2 [yr^-1 kpc^-2] (s = distance from the Sun) in Sun-centred cylindrical
    coordinates (d, psi, z): the z-integral at fixed d is done in theta = atan(z/d), which
    removes the 1/s^2 singularity; an independent check of the all-sky int S dOmega."""
    x, w = np.polynomial.legendre.leggauss(n_theta)
    d_max = dist.r_sun + dist.R_G
    dd = np.linspace(0.0, d_max, n_d + 1)
    d = 0.5 * (dd[1:] + dd[:-1])
    psi = (np.arange(n_psi) + 0.5) * 2.0 * np.pi / n_psi
    D, P = np.meshgrid(d, psi, indexing="ij")
    r = np.sqrt(dist.r_sun ** 2 + D ** 2 - 2.0 * dist.r_sun * D * np.cos(P))
    radial = dist.density(r, 0.0)  # includes rho0 and the r < R_G cut
    th_max = np.arctan(dist.h / D)
    th = th_max[..., None] * (x + 1) / 2
    # int_{-h}^{h} dz exp(-|z|/z0) d / (d^2 + z^2) = 2 int_0^{atan(h/d)} exp(-d tan th / z0) dth
    zint = 2.0 * np.sum(np.exp(-D[..., None] * np.tan(th) / dist.z0) * w, axis=-1) * th_max / 2
    return float(np.sum(radial * zint) * (dd[1] - dd[0]) * 2.0 * np.pi / n_psi)


def sky_factor_pixels(dist: SNRDistribution, nside: int, pixels, supersample: int = 2,
                      n_steps: int = 2000) -> np.ndarray:
    """S averaged over each RING pixel of ``pixels`` [yr^-1 kpc^-2]: the mean over its
    4^supersample sub-pixels at NSIDE nside 2^supersample (a pixel average, not the value at
    the centre, which misses most of a thin layer near b = 0)."""
    import healpy as hp
    pix = np.asarray(pixels, dtype=np.int64)
    k = 4 ** supersample
    nest = hp.ring2nest(nside, pix)
    children = (nest[:, None] * k + np.arange(k)[None, :]).ravel()
    l, b = hp.pix2ang(nside * 2 ** supersample, children, nest=True, lonlat=True)
    S = dist.sky_factor(np.radians(l), np.radians(b), n_steps)
    return S.reshape(pix.size, k).mean(axis=1)
