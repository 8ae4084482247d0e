"""Interstellar gas on the (r, z) grid of the propagation solver (cylindrically symmetric).

Models (``model``):

* ``"galprop"`` — the analytic 2D model of GALPROP (Moskalenko, Strong, Ormes & Potgieter 2002,
  ApJ 565, 280, Sec. 3; the model of DRAGON2's "Galprop" gas option, Evoli et al. 2017,
  JCAP 02, 015, App. C):
    H2: Bronfman et al. 1988 (ApJ 324, 248, Table 3) CO emissivity W(R), mid-plane z0(R) and
        half width at half maximum z_h(R), with X_CO = 1.9e20 cm^-2 (K km/s)^-1 (Strong &
        Mattox 1996, A&A 308, L21):
            n_H2 = W X_CO exp[-ln2 ((z - z0)/z_h)^2] / kpc,   zero beyond 10.25 kpc;
    H I: Gordon & Burton 1976 (ApJ 208, 346) radial surface density f_R(R) (values at bin
        centres, linearly interpolated; 0.06 exp[-(R - 15.75)/3] beyond 15.75 kpc) times the
        vertical profile of Dickey & Lockman 1990 (ARA&A 28, 215) inside 8 kpc and of Cox,
        Kruegel & Mezger 1986 (A&A 155, 380) beyond 10 kpc (linear blend in between):
            n_HI = f_R f_Z / 0.33,
            f_Z(DL) = 0.395 e^{-ln2 (z/0.106)^2} + 0.107 e^{-ln2 (z/0.265)^2} + 0.064 e^{-|z|/0.403},
            f_Z(C)  = 0.57 exp[-(z / (0.0523 e^{0.11 R}))^2];
    H II: Cordes et al. 1991 (Nature 354, 121):
            n_HII = 0.025 e^{-|z|/1} e^{-(R/20)^2} + 0.2 e^{-|z|/0.15} e^{-((R-4)/2)^2}.
  Each node holds the average over its cell in z (``n_sub`` equally spaced samples from
  z - dz/2 to z + dz/2), as GALPROP and DRAGON2 do, so thin layers are not missed.
* ``"ferriere"`` — the 3D model the rest of hpcsim uses (:mod:`hpcsim.galaxy.gas`: Ferriere
  1998 outside 3 kpc, Ferriere, Gillard & Jean 2007 inside), averaged over azimuth.  It has no
  ionised gas; ``n_HII`` is taken from Cordes et al. 1991 as above.
* ``"uniform_disc"`` — n_H = ``n_disc`` for |z| <= ``h_disc`` (neutral), nothing elsewhere; for
  closed-form checks.

All densities in cm^-3, as hydrogen atoms: ``n_H2`` below is 2 x the molecule density.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import KPC
from .grid import Grid

LN2 = np.log(2.0)
X_CO_SM96 = 1.9e20  # cm^-2 (K km s^-1)^-1, Strong & Mattox 1996

# Bronfman et al. 1988, Table 3 (as used by GALPROP): R [kpc], W_CO [K km/s kpc^-1],
# z0 [kpc], z_h [kpc] (HWHM)
_B88_R = np.array([0.00, 2.25, 2.75, 3.25, 3.75, 4.25, 4.75, 5.25, 5.75, 6.25, 6.75, 7.25, 7.75,
                   8.25, 8.75, 9.25, 9.75, 10.25])
_B88_W = np.array([0.0, 1.5, 3.3, 5.8, 5.5, 8.4, 9.0, 9.6, 8.6, 9.1, 7.9, 9.2, 7.7, 5.0, 3.6, 4.8,
                   1.7, 0.0])
_B88_Z0 = np.array([0.039, 0.039, 0.036, 0.000, -0.008, 0.001, -0.010, -0.001, -0.004, -0.019,
                    -0.022, -0.014, -0.009, -0.004, 0.013, -0.004, -0.020, -0.020])
_B88_ZH = np.array([0.077, 0.077, 0.080, 0.061, 0.065, 0.071, 0.072, 0.082, 0.083, 0.073, 0.063,
                    0.058, 0.072, 0.080, 0.066, 0.023, 0.147, 0.147])

# Gordon & Burton 1976: H I radial profile, bin edges R_i [kpc] and the values at bin centres
_GB76_EDGES = np.array([0.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5,
                        9.0, 9.5, 10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5, 14.0, 14.5,
                        15.0, 15.5, 16.0])
_GB76_Y = np.array([.10, .13, .14, .16, .19, .25, .30, .33, .32, .31, .30, .37, .38, .36, .32, .29,
                    .38, .40, .25, .23, .32, .36, .32, .25, .16, .10, .09, .08, .06, .00])
_N_GB = 0.33  # cm^-3, GB76 mid-plane normalisation


def n_h2_bronfman(R, z, x_co: float = X_CO_SM96):
    """H2 molecules [cm^-3] (Bronfman et al. 1988 with X_CO)."""
    R = np.asarray(R, dtype=float)
    W = np.interp(R, _B88_R, _B88_W)
    z0 = np.interp(R, _B88_R, _B88_Z0)
    zh = np.interp(R, _B88_R, _B88_ZH)
    n = W * x_co * np.exp(-LN2 * ((z - z0) / zh) ** 2) / KPC
    return np.where(R > _B88_R[-1], 0.0, np.maximum(n, 0.0))


def _f_r_gordon_burton(R):
    centres = 0.5 * (_GB76_EDGES[1:] + _GB76_EDGES[:-1])  # 1.0, 2.25, ..., 15.75
    vals = _GB76_Y[:-1]
    R = np.asarray(R, dtype=float)
    inner = np.interp(R, centres, vals)
    return np.where(R > centres[-1], 0.06 * np.exp(-(R - centres[-1]) / 3.0), inner)


def n_hi_gordon_burton(R, z):
    """Atomic hydrogen [cm^-3] (Gordon & Burton 1976; Dickey & Lockman 1990; Cox et al. 1986)."""
    R = np.asarray(R, dtype=float)
    az = np.abs(z)
    f_dl = (0.395 * np.exp(-LN2 * (z / 0.106) ** 2) + 0.107 * np.exp(-LN2 * (z / 0.265) ** 2)
            + 0.064 * np.exp(-az / 0.403))
    f_c = 0.57 * np.exp(-(z / (0.0523 * np.exp(0.11 * R))) ** 2)
    w = np.clip((R - 8.0) / 2.0, 0.0, 1.0)
    return _f_r_gordon_burton(R) * (f_dl + (f_c - f_dl) * w) / _N_GB


def n_hii_cordes(R, z):
    """Ionised hydrogen (free electrons) [cm^-3] (Cordes et al. 1991)."""
    az = np.abs(z)
    return (0.025 * np.exp(-az / 1.0) * np.exp(-(np.asarray(R) / 20.0) ** 2)
            + 0.200 * np.exp(-az / 0.15) * np.exp(-((np.asarray(R) - 4.0) / 2.0) ** 2))


@dataclass
class GasMaps:
    """Hydrogen densities on the unknowns of a grid, shape (n_r - 1, n_z - 2), cm^-3."""

    n_HI: np.ndarray
    n_H2: np.ndarray  # hydrogen atoms in molecules (2 x molecules)
    n_HII: np.ndarray

    @property
    def n_total(self) -> np.ndarray:
        """All hydrogen nuclei: the target of spallation (n_HI + 2 n_H2 + n_HII)."""
        return self.n_HI + self.n_H2 + self.n_HII

    @property
    def n_neutral(self) -> np.ndarray:
        return self.n_HI + self.n_H2


def _cell_average(f, R, z, dz, n_sub):
    """Average of f(R, z) over [z - dz/2, z + dz/2] with n_sub equally spaced samples."""
    if n_sub <= 1:
        return f(R[:, None], z[None, :])
    offs = np.linspace(-0.5 * dz, 0.5 * dz, n_sub)
    acc = np.zeros((R.size, z.size))
    for o in offs:
        acc += f(R[:, None], z[None, :] + o)
    return acc / n_sub


def gas_maps(grid: Grid, model: str = "galprop", n_sub: int = 11, x_co: float = X_CO_SM96,
             n_disc: float = 1.0, h_disc: float = 0.1, n_phi: int = 36) -> GasMaps:
    """Gas densities of ``model`` on the grid's unknowns (see the module docstring)."""
    R, z, dz = grid.r, grid.z, grid.dz
    hii = _cell_average(n_hii_cordes, R, z, dz, n_sub)
    if model == "galprop":
        h2 = 2.0 * _cell_average(lambda r, zz: n_h2_bronfman(r, zz, x_co), R, z, dz, n_sub)
        hi = _cell_average(n_hi_gordon_burton, R, z, dz, n_sub)
        return GasMaps(hi, h2, hii)
    if model == "ferriere":
        from ..galaxy.gas import n_hydrogen
        phi = (np.arange(n_phi) + 0.5) * 2.0 * np.pi / n_phi

        def f(r, zz):
            r, zz = np.broadcast_arrays(r, zz)
            acc = np.zeros(r.shape)
            for p in phi:
                acc += n_hydrogen(r * np.cos(p), r * np.sin(p), zz)
            return acc / n_phi
        return GasMaps(_cell_average(f, R, z, dz, n_sub), np.zeros((R.size, z.size)), hii)
    if model == "uniform_disc":
        inside = (np.abs(z) <= h_disc + 1e-12)[None, :] * np.ones((R.size, 1))
        zero = np.zeros((R.size, z.size))
        return GasMaps(n_disc * inside, zero, zero.copy())
    raise ValueError(f"unknown gas model {model!r} (galprop, ferriere, uniform_disc)")
