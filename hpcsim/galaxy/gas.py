"""Smooth 3D model of the Galactic interstellar hydrogen: H I plus H2 (Ferriere's models).

Used for the ambient density around each cluster (seed 000 Sec. 2) and as the target of the
CR-sea emission (seed 000 Sec. 4).  Positions are Galactocentric x, y, z in kpc (frame of
:mod:`hpcsim.galaxy.coordinates`: Sun at x = -R0); densities in cm^-3.  The model's own solar
radius is R_F = 8.5 kpc (Ferriere 1998).

Outside R = 3 kpc (Ferriere 1998, ApJ 497, 759; summarised in Ferriere 2001, RMP 73, 1031,
Eqs. 3-6), with a = max(1, R/R_F) and z in pc:
  H2 molecules: n_H2 = 0.58 (R/R_F)^-0.58 exp{-[(R-4.5)^2 - (R_F-4.5)^2]/2.9^2}
                 x exp{-[z / (81 (R/R_F)^0.58)]^2}                            [R in kpc]
  cold H I: 0.340/a^2 [0.859 e^{-(z/127a)^2} + 0.047 e^{-(z/318a)^2} + 0.094 e^{-|z|/403a}]
  warm H I: 0.226/a [(1.745 - 1.289/a) e^{-(z/127a)^2} + (0.473 - 0.070/a) e^{-(z/318a)^2}
                     + (0.283 - 0.142/a) e^{-|z|/403a}]
Inside R = 3 kpc (Ferriere, Gillard & Jean 2007, A&A 467, 611, Eqs. 13-20): the central
molecular zone (an ellipse offset and tilted in the plane) and the tilted "holed" disc:
  CMZ:  n_H2 = 150 exp{-[(A - 125)/137]^4} exp{-(z/18)^2},  n_HI = 8.8 exp{...}exp{-(z/54)^2},
        A = sqrt(X^2 + (2.5 Y)^2) in pc, (X, Y) = rotation by 70 deg about the centre
        (X_c, Y_c) = (-50, 50) pc;
  disc: n_H2 = 4.8 exp{-[(A - 1200)/438]^4} exp{-(Z/42)^2},  n_HI = 0.34 exp{...}exp{-(Z/120)^2},
        A = sqrt(X^2 + (3.1 Y)^2), (X, Y, Z) = the disc frame tilted by alpha = 13.5, beta = 20,
        theta_d = 48.5 deg.
Ferriere's (X, Y) axes point opposite to ours (X towards the Sun), hence x -> -x, y -> -y.
The ionised gas (H II) is left out (a few per cent of the column).
Hydrogen nuclei: n_H = n_HI + 2 n_H2.

``n_hydrogen`` is the NumPy reference of the Cython kernel ``hpcsim.kernels.line_of_sight``.
"""

from __future__ import annotations

import numpy as np

R_F = 8.5  # kpc: the Sun's Galactocentric distance in Ferriere 1998/2007
R_INNER = 3.0  # kpc: boundary between the 2007 inner model and the 1998 outer model
DEG = np.pi / 180.0


def _outer_h2(R, zpc):
    q = R / R_F
    return (0.58 * q ** -0.58 * np.exp(-((R - 4.5) ** 2 - (R_F - 4.5) ** 2) / 2.9 ** 2)
            * np.exp(-(zpc / (81.0 * q ** 0.58)) ** 2))


def _outer_hi(R, zpc):
    a = np.maximum(R / R_F, 1.0)
    az = np.abs(zpc)
    g1, g2, e3 = np.exp(-(zpc / (127 * a)) ** 2), np.exp(-(zpc / (318 * a)) ** 2), np.exp(-az / (403 * a))
    cold = 0.340 / a ** 2 * (0.859 * g1 + 0.047 * g2 + 0.094 * e3)
    warm = 0.226 / a * ((1.745 - 1.289 / a) * g1 + (0.473 - 0.070 / a) * g2 + (0.283 - 0.142 / a) * e3)
    return cold + warm


def _cmz_frame(x, y):
    """Ferriere et al. 2007 Eq. 13: CMZ ellipse frame [pc] (x, y in our frame, kpc)."""
    X, Y = -x * 1e3, -y * 1e3
    c, s = np.cos(70 * DEG), np.sin(70 * DEG)
    return (X + 50.0) * c + (Y - 50.0) * s, -(X + 50.0) * s + (Y - 50.0) * c


def _disc_frame(x, y, z):
    """Ferriere et al. 2007 Eq. 16: tilted-disc frame [pc] (x, y, z in our frame, kpc)."""
    X, Y, Z = -x * 1e3, -y * 1e3, z * 1e3
    ca, sa = np.cos(13.5 * DEG), np.sin(13.5 * DEG)
    cb, sb = np.cos(20.0 * DEG), np.sin(20.0 * DEG)
    ct, st = np.cos(48.5 * DEG), np.sin(48.5 * DEG)
    xd = X * cb * ct - Y * (sa * sb * ct - ca * st) - Z * (ca * sb * ct + sa * st)
    yd = -X * cb * st + Y * (sa * sb * st + ca * ct) + Z * (ca * sb * st - sa * ct)
    zd = X * sb + Y * sa * cb + Z * ca * cb
    return xd, yd, zd


def _inner(x, y, z):
    """(n_HI, n_H2) inside 3 kpc (Ferriere et al. 2007)."""
    xc, yc = _cmz_frame(x, y)
    zpc = z * 1e3
    a_c = np.sqrt(xc ** 2 + (2.5 * yc) ** 2)
    cmz = np.exp(-((a_c - 125.0) / 137.0) ** 4)
    xd, yd, zd = _disc_frame(x, y, z)
    a_d = np.sqrt(xd ** 2 + (3.1 * yd) ** 2)
    disc = np.exp(-((a_d - 1200.0) / 438.0) ** 4)
    n_h2 = 150.0 * cmz * np.exp(-(zpc / 18.0) ** 2) + 4.8 * disc * np.exp(-(zd / 42.0) ** 2)
    n_hi = 8.8 * cmz * np.exp(-(zpc / 54.0) ** 2) + 0.34 * disc * np.exp(-(zd / 120.0) ** 2)
    return n_hi, n_h2


def gas_components(x, y, z):
    """(n_HI [cm^-3], n_H2 [molecules cm^-3]) at Galactocentric x, y, z [kpc]."""
    x, y, z = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float), np.asarray(z, float))
    R = np.hypot(x, y)
    inner = R < R_INNER
    Rs = np.where(inner, R_INNER, R)
    n_hi = _outer_hi(Rs, z * 1e3)
    n_h2 = _outer_h2(Rs, z * 1e3)
    hi_in, h2_in = _inner(x, y, z)
    return np.where(inner, hi_in, n_hi), np.where(inner, h2_in, n_h2)


def n_hydrogen(x, y, z):
    """Hydrogen nuclei density n_HI + 2 n_H2 [cm^-3]."""
    n_hi, n_h2 = gas_components(x, y, z)
    return n_hi + 2.0 * n_h2


def h2_surface_density_profile(R):
    """Relative H2 surface density Sigma_H2(R)/Sigma_H2(R_F) for R >= 3 kpc (Ferriere 1998).

    Integrating n_H2 over z: the (R/R_F)^-0.58 midplane decline cancels the flaring of the
    scale height, leaving the molecular-ring Gaussian.  Used as the Galactocentric distribution
    of giant molecular clouds, hence of young clusters.
    """
    R = np.asarray(R, dtype=float)
    prof = np.exp(-((R - 4.5) ** 2 - (R_F - 4.5) ** 2) / 2.9 ** 2)
    return np.where(R >= R_INNER, prof, 0.0)
