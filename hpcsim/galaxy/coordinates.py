"""Galactocentric <-> heliocentric coordinates.

Frame (as in the Hou & Han 2014 spiral-arm fits): Galactocentric Cartesian x, y, z in kpc with
the Galactic centre at the origin and the Sun at (x, y, z) = (-R0, 0, z_sun); R0 = 8.3 kpc
(Hou & Han 2014, A&A 569, A125).  Galactocentric azimuth theta is measured so that
x = -R sin(theta), y = R cos(theta): theta = 90 deg points from the centre to the Sun.
Galactic longitude l = atan2(y, x + R0), so l = 0 towards the centre and l = 90 deg in the
direction of Galactic rotation (+y).
"""

from __future__ import annotations

import numpy as np

from ..constants import R_SUN_GC_KPC, Z_SUN_KPC


def polar_to_xy(R, theta):
    """Galactocentric radius [kpc] and azimuth theta [rad] -> x, y [kpc]."""
    return -R * np.sin(theta), R * np.cos(theta)


def xy_to_theta(x, y):
    """Azimuth theta [rad] in [0, 2 pi) of Galactocentric x, y."""
    return np.mod(np.arctan2(-x, y), 2.0 * np.pi)


def galactocentric_to_galactic(x, y, z, r0=R_SUN_GC_KPC, z_sun=Z_SUN_KPC):
    """Heliocentric distance d [kpc], longitude l and latitude b [rad] (l in [0, 2 pi))."""
    dx, dy, dz = x + r0, y, z - z_sun
    d_plane = np.hypot(dx, dy)
    d = np.sqrt(d_plane ** 2 + dz ** 2)
    return d, np.mod(np.arctan2(dy, dx), 2.0 * np.pi), np.arctan2(dz, d_plane)


def galactic_to_galactocentric(d, l, b, r0=R_SUN_GC_KPC, z_sun=Z_SUN_KPC):
    """Inverse of :func:`galactocentric_to_galactic`: (d [kpc], l, b [rad]) -> x, y, z [kpc]."""
    cb = np.cos(b)
    return d * cb * np.cos(l) - r0, d * cb * np.sin(l), d * np.sin(b) + z_sun
