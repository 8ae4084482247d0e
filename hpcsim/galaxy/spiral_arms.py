"""Milky Way spiral arms of Hou & Han (2014, A&A 569, A125), polynomial-logarithmic fit.

Each arm i: ln(R / kpc) = a + b theta + c theta^2 + d theta^3 with theta in radians over
[theta_min, theta_max] (Hou & Han 2014, Table 4, fit to all tracers with R0 = 8.3 kpc,
Theta0 = 239 km/s; coefficients as tabulated there).  Azimuth convention of
:mod:`hpcsim.galaxy.coordinates`.  Identification by tangent directions: 1 Norma, 2 Scutum-Centaurus,
3 Sagittarius-Carina, 4 Perseus, 5 Outer, 6 the sixth (local/outer) arm segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .coordinates import polar_to_xy

# (a, b, c, d, theta_min [deg], theta_max [deg]); Hou & Han 2014, Table 4
HH14_ARMS = (
    (1.1320, 0.1233, 0.003488, 0.0, 40.0, 250.0),
    (5.8243, -1.8196, 0.2350, -0.009011, 275.0, 620.0),
    (4.2767, -1.1507, 0.1570, -0.006078, 275.0, 575.0),
    (1.1280, 0.1282, 0.002617, 0.0, 280.0, 500.0),
    (1.7978, -0.04738, 0.01684, 0.0, 280.0, 500.0),
    (2.4225, -0.1636, 0.02494, 0.0, 280.0, 405.0),
)
ARM_NAMES = ("Norma", "Scutum-Centaurus", "Sagittarius-Carina", "Perseus", "Outer", "arm 6")


def arm_radius(i: int, theta):
    """Galactocentric radius [kpc] of arm ``i`` at azimuth ``theta`` [rad]."""
    a, b, c, d, _, _ = HH14_ARMS[i]
    return np.exp(a + b * theta + c * theta ** 2 + d * theta ** 3)


def arm_curve(i: int, n: int = 2000):
    """(x, y) [kpc] along arm ``i``."""
    th = np.radians(np.linspace(HH14_ARMS[i][4], HH14_ARMS[i][5], n))
    return polar_to_xy(arm_radius(i, th), th)


@dataclass(frozen=True)
class ArmPiece:
    """A stretch of an arm over which R(theta) is monotonic, so theta(R) is single-valued."""

    arm: int
    r: np.ndarray  # increasing radii [kpc]
    theta: np.ndarray  # matching azimuths [rad]


def monotonic_pieces(n: int = 4000) -> list[ArmPiece]:
    """Split every arm into pieces where R(theta) is monotonic (arms 2 and 3 have a turn)."""
    pieces = []
    for i, (_, _, _, _, t0, t1) in enumerate(HH14_ARMS):
        th = np.radians(np.linspace(t0, t1, n))
        r = arm_radius(i, th)
        sign = np.sign(np.diff(r))
        cuts = np.flatnonzero(sign[1:] != sign[:-1]) + 1
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(th) - 1]):
            seg_r, seg_t = r[lo:hi + 1], th[lo:hi + 1]
            if seg_r[-1] < seg_r[0]:
                seg_r, seg_t = seg_r[::-1], seg_t[::-1]
            pieces.append(ArmPiece(i, seg_r, seg_t))
    return pieces


def place_on_arms(R, rng: np.random.Generator, pieces: list[ArmPiece]):
    """Azimuth [rad] and arm index for clusters at radii ``R`` [kpc].

    Following Faucher-Giguere & Kaspi (2006, ApJ 643, 332, Sec. 3.2), each cluster goes on an
    arm (piece) chosen uniformly among those that reach its radius, at the azimuth where that
    arm has radius R.  Where no arm reaches R, the azimuth is uniform and arm = -1.
    """
    R = np.asarray(R, dtype=float)
    cover = np.array([(R >= p.r[0]) & (R <= p.r[-1]) for p in pieces])  # (n_pieces, n)
    n_cover = cover.sum(axis=0)
    u = rng.random(R.size)
    pick = np.floor(u * np.maximum(n_cover, 1)).astype(np.int64)  # k-th covering piece
    rank = np.cumsum(cover, axis=0) - 1
    chosen = cover & (rank == pick[None, :])
    theta = rng.random(R.size) * 2.0 * np.pi
    arm = np.full(R.size, -1, dtype=np.int64)
    for j, p in enumerate(pieces):
        sel = chosen[j]
        theta[sel] = np.interp(R[sel], p.r, p.theta)
        arm[sel] = p.arm
    return np.mod(theta, 2.0 * np.pi), arm


def tangent_longitudes(i: int, r0: float = 8.3, n: int = 20000):
    """Galactic longitudes [deg] where the line of sight from the Sun is tangent to arm ``i``."""
    x, y = arm_curve(i, n)
    l = np.degrees(np.arctan2(y, x + r0))
    dl = np.diff(l)
    idx = np.flatnonzero(np.sign(dl[1:]) != np.sign(dl[:-1])) + 1
    return np.mod(l[idx], 360.0)
