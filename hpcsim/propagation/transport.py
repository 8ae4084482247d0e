"""The discretised transport operator of one species, split into three tridiagonal parts.

Steady-state equation (GALPROP/DRAGON2 form, Strong & Moskalenko 1998, ApJ 509, 212, Eq. 1;
Evoli et al. 2017, JCAP 02, 015, Eq. 2.1) for the density per unit momentum psi(r, z, p):

    0 = q + (1/r) d_r(r D d_r psi) + d_z(D d_z psi) - d_z(v_c psi) + d_p[p^2 D_pp d_p(psi/p^2)]
          - d_p(pdot psi) + d_p[(p/3)(d_z v_c) psi] - psi / tau_f - psi / tau_r

The solver works with N = p psi = dn/d ln p and u = ln p, where the momentum terms become
(with K = D_pp / p^2 and b = -pdot/p + (d_z v_c)/3 >= 0 the loss rate per unit ln p)

    d_t N = d_u[p^3 K d_u(N / p^3)] + d_u(b N) - Gamma N,   Gamma = 1/tau_f + 1/tau_r.

Discretisation (finite volumes, so every flux leaving one cell enters its neighbour):

* z: d_z(D d_z N) -> D (N_{j+1} - 2 N_j + N_{j-1}) / dz^2; convection v_c = sign(z)(v0 + v' |z|)
  away from the plane, upwind (the plane's cell loses 2 v0 N_0 / dz);
* r: (1/r) d_r(r D d_r N) -> D [r_{i+1/2}(N_{i+1} - N_i) - r_{i-1/2}(N_i - N_{i-1})] / (r_i dr^2),
  and 4 D (N_1 - N_0) / dr^2 on the axis (cylinder of radius dr/2);
* u: reacceleration flux G_{i+1/2} = p^3_{i+1/2} K_{i+1/2} (N_{i+1}/p^3_{i+1} - N_i/p^3_i) / h,
  zero through both ends (particle number conserved); losses upwind: the flux b_{i+1} N_{i+1}
  enters cell i from above, and b_0 N_0 leaves the grid at the bottom (particles cooled below
  the lowest energy are lost); nothing enters from above the top.
* Gamma (fragmentation and decay) is local and goes into the momentum part.

Units inside the solver: kpc, Myr.  Each part is stored as tridiagonal coefficients
(a, b, c) along its axis: z parts (n_z, n_e), r parts (n_r, n_e), momentum parts (n_r, n_z, n_e).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import KPC, MYR
from .grid import Grid, Kinematics

CM2_S = MYR / KPC ** 2  # 1 cm^2/s in kpc^2/Myr
PER_S = MYR  # 1 s^-1 in Myr^-1
KM_S = 1.0e5 * MYR / KPC  # 1 km/s in kpc/Myr


@dataclass
class Operator:
    """Tridiagonal parts of the transport operator of one species (rates in Myr^-1)."""

    az: np.ndarray
    bz: np.ndarray
    cz: np.ndarray
    ar: np.ndarray
    br: np.ndarray
    cr: np.ndarray
    ap: np.ndarray
    bp: np.ndarray
    cp: np.ndarray

    def slowest_rate(self) -> np.ndarray:
        """A lower bound per energy of the escape rate [Myr^-1] (diagnostics only)."""
        return -(self.bz.max(axis=0) + self.br.max(axis=0))


def z_operator(grid: Grid, d_xx_kpc2_myr: np.ndarray, v0_kms: float = 0.0,
               dvdz_kms_kpc: float = 0.0):
    """(a, b, c) of d_z(D d_z N) - d_z(v_c N) on the unknown z nodes, shape (n_z - 2, n_e)."""
    z = grid.z
    dz = grid.dz
    D = np.asarray(d_xx_kpc2_myr, dtype=float)[None, :]
    nz = z.size
    a = np.repeat(D / dz ** 2, nz, axis=0)
    c = a.copy()
    b = -2.0 * a
    if v0_kms or dvdz_kms_kpc:
        v = (v0_kms + dvdz_kms_kpc * np.abs(z)) * KM_S  # speed away from the plane [kpc/Myr]
        up = z > 1e-12 * grid.L
        dn = z < -1e-12 * grid.L
        mid = ~(up | dn)
        vnode = v[:, None] * np.ones_like(D)
        # cell j loses v_j N_j / dz through its outer face and gains what its inner neighbour
        # sends out; the plane cell sends v0 N_0 / dz each way
        b = b - np.where(mid[:, None], 2.0 * vnode, vnode) / dz
        vin = np.roll(v, 1)  # speed of the node below (for z > 0 the inner neighbour)
        vin_dn = np.roll(v, -1)
        a = a + np.where(up[:, None], vin[:, None] / dz, 0.0) * np.ones_like(D)
        c = c + np.where(dn[:, None], vin_dn[:, None] / dz, 0.0) * np.ones_like(D)
    a[0] = 0.0
    c[-1] = 0.0
    return a, b, c


def r_operator(grid: Grid, d_xx_kpc2_myr: np.ndarray):
    """(a, b, c) of (1/r) d_r(r D d_r N) on the unknown r nodes, shape (n_r - 1, n_e)."""
    r = grid.r
    dr = grid.dr
    D = np.asarray(d_xx_kpc2_myr, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(r > 0, (r - 0.5 * dr) / r, 0.0)
        hi = np.where(r > 0, (r + 0.5 * dr) / r, 4.0)
    a = lo[:, None] * D / dr ** 2
    c = hi[:, None] * D / dr ** 2
    b = -(a + c)
    a[0] = 0.0
    c[-1] = 0.0
    return a, b, c


def p_operator(kin: Kinematics, K_per_myr: np.ndarray, b_loss_per_myr: np.ndarray,
               gamma_per_myr: np.ndarray):
    """(a, b, c) along energy of d_u[p^3 K d_u(N/p^3)] + d_u(b N) - Gamma N.

    ``K_per_myr``: D_pp/p^2 at the faces (size n_e - 1) or at the nodes (size n_e; then
    geometric means are used at the faces); ``b_loss_per_myr`` and ``gamma_per_myr`` have shape
    (n_r, n_z, n_e) (or broadcast to it)."""
    u, du, face = kin.u, kin.du, kin.u_face
    K = np.asarray(K_per_myr, dtype=float)
    if K.size == u.size:
        K = np.sqrt(K[1:] * K[:-1])
    h = np.diff(u)
    # p^3 ratios without forming p^3: exp(3 (u_face - u_node))
    up = K * np.exp(3.0 * (face - u[1:])) / h  # coefficient of N_{i+1} in G_{i+1/2}
    dn = K * np.exp(3.0 * (face - u[:-1])) / h  # coefficient of N_i in G_{i+1/2}
    ne = u.size
    a1 = np.zeros(ne)
    c1 = np.zeros(ne)
    b1 = np.zeros(ne)
    c1[:-1] = up / du[:-1]  # G_{i+1/2} gains from N_{i+1}
    b1[:-1] -= dn / du[:-1]
    a1[1:] = dn / du[1:]  # -G_{i-1/2} gains from N_{i-1}
    b1[1:] -= up / du[1:]
    bl = np.asarray(b_loss_per_myr, dtype=float)
    g = np.asarray(gamma_per_myr, dtype=float)
    shape = np.broadcast_shapes(bl.shape, g.shape, (1, 1, ne))
    bl = np.broadcast_to(bl, shape)
    cb = np.zeros(shape)
    cb[..., :-1] = bl[..., 1:] / du[:-1]  # inflow from the node above
    a = np.broadcast_to(a1, shape).copy()
    c = c1 + cb
    b = b1 - bl / du - np.broadcast_to(g, shape)
    c[..., -1] = 0.0
    a[..., 0] = 0.0
    return np.ascontiguousarray(a), np.ascontiguousarray(b), np.ascontiguousarray(c)


def build_operator(grid: Grid, kin: Kinematics, d_xx_cm2_s, K_per_s, b_loss_per_s,
                   gamma_per_s, v0_kms: float = 0.0, dvdz_kms_kpc: float = 0.0) -> Operator:
    """Assemble the operator of one species from physical coefficients in CGS.

    d_xx_cm2_s: (n_e,) spatial diffusion; K_per_s: D_pp/p^2 at faces (n_e - 1) or nodes;
    b_loss_per_s: -pdot/p (n_r, n_z, n_e) or broadcastable (adiabatic losses of convection are
    added here: (d_z v_c)/3); gamma_per_s: fragmentation + decay rate, broadcastable."""
    D = np.asarray(d_xx_cm2_s, dtype=float) * CM2_S
    az, bz, cz = z_operator(grid, D, v0_kms, dvdz_kms_kpc)
    ar, br, cr = r_operator(grid, D)
    b_loss = np.asarray(b_loss_per_s, dtype=float) * PER_S
    if dvdz_kms_kpc:
        b_loss = b_loss + dvdz_kms_kpc * KM_S / 3.0
    ap, bp, cp = p_operator(kin, np.asarray(K_per_s, dtype=float) * PER_S, b_loss,
                            np.asarray(gamma_per_s, dtype=float) * PER_S)
    shape = grid.shape
    ap, bp, cp = (np.ascontiguousarray(np.broadcast_to(x, shape)) for x in (ap, bp, cp))
    return Operator(az, bz, cz, ar, br, cr, ap, bp, cp)
