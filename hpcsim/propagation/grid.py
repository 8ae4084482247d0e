"""Space and energy grids of the propagation solver, and the kinematics of each species.

Cylindrical symmetry: nodes r_i = i dr (i = 0 .. n_r - 1, r_{n_r-1} = r_max) and
z_j = -L + j dz (j = 0 .. n_z - 1).  The density vanishes on the outer boundaries
(r = r_max, z = +-L; free escape), so the unknowns are the nodes r_0 .. r_{n_r-2} and
z_1 .. z_{n_z-2}; r = 0 is the symmetry axis.  This is the grid convention of DRAGON2
(Evoli et al. 2017, JCAP 02, 015, Sec. 3) and GALPROP (Strong & Moskalenko 1998, ApJ 509, 212).

Energy: one grid of kinetic energy per nucleon E_k/n shared by every species, log-spaced,
E_i = E_min f^i (DRAGON2's convention, ``Ekfactor`` = f), so that a fragment is produced at its
parent's E_k/n on the same node (straight-ahead approximation).  All species use the same mass
per nucleon ``m_n`` for kinematics, so equal E_k/n means equal momentum per nucleon and equal
Lorentz factor.  The density variable of the solver is N = dn / d ln p (particles per unit
volume and unit logarithm of momentum); finite volumes in u = ln p have their faces halfway
between nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import M_PROTON_GEV


class GridError(ValueError):
    """An inconsistent grid specification (names the offending quantity)."""


@dataclass(frozen=True)
class Grid:
    """Propagation grid.  Lengths in kpc, energies in GeV per nucleon."""

    r_max: float
    n_r: int
    L: float
    n_z: int
    e_kn: np.ndarray  # GeV/n, strictly increasing
    m_n: float = M_PROTON_GEV  # GeV, mass per nucleon used for every species' kinematics

    def __post_init__(self):
        e = np.asarray(self.e_kn, dtype=float)
        object.__setattr__(self, "e_kn", e)
        if not (np.isfinite(self.r_max) and self.r_max > 0):
            raise GridError(f"r_max must be > 0 kpc, got {self.r_max}")
        if not (np.isfinite(self.L) and self.L > 0):
            raise GridError(f"halo half-height L must be > 0 kpc, got {self.L}")
        if self.n_r < 3:
            raise GridError(f"n_r must be >= 3, got {self.n_r}")
        if self.n_z < 3 or self.n_z % 2 == 0:
            raise GridError(f"n_z must be odd (a node on the plane) and >= 3, got {self.n_z}")
        if e.ndim != 1 or e.size < 3:
            raise GridError("the energy grid needs at least 3 nodes")
        if not np.all(np.isfinite(e)) or np.any(e <= 0):
            raise GridError("energies must be positive and finite")
        if np.any(np.diff(e) <= 0):
            raise GridError("the energy grid must be strictly increasing")

    @classmethod
    def log_energy(cls, r_max, n_r, L, n_z, e_min, e_max, factor, m_n=M_PROTON_GEV):
        """Grid with E_i = e_min factor^i up to the last node not above e_max (DRAGON2 form).

        A tolerance of 1e-9 in the ratio keeps e_max itself when it lies on the lattice."""
        if not (e_min > 0 and e_max > e_min):
            raise GridError(f"energy range must satisfy 0 < e_min < e_max, got {e_min}, {e_max}")
        if not factor > 1.0:
            raise GridError(f"energy factor must be > 1, got {factor}")
        n = int(np.floor(np.log(e_max / e_min) / np.log(factor) + 1e-9)) + 1
        return cls(r_max, n_r, L, n_z, e_min * factor ** np.arange(n), m_n)

    # -- space -------------------------------------------------------------------------------
    @property
    def dr(self) -> float:
        return self.r_max / (self.n_r - 1)

    @property
    def dz(self) -> float:
        return 2.0 * self.L / (self.n_z - 1)

    @property
    def r_nodes(self) -> np.ndarray:
        return np.linspace(0.0, self.r_max, self.n_r)

    @property
    def z_nodes(self) -> np.ndarray:
        return np.linspace(-self.L, self.L, self.n_z)

    @property
    def r(self) -> np.ndarray:
        """Radii of the unknowns (the outer boundary r_max is excluded)."""
        return self.r_nodes[:-1]

    @property
    def z(self) -> np.ndarray:
        """Heights of the unknowns (z = +-L excluded)."""
        return self.z_nodes[1:-1]

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.n_r - 1, self.n_z - 2, self.e_kn.size)

    def cell_volumes(self) -> np.ndarray:
        """Volume of each unknown's cell [kpc^3], shape (n_r - 1, n_z - 2): annuli of width dr
        (a disc of radius dr/2 on the axis) times dz."""
        dr, r = self.dr, self.r
        area = np.where(r > 0, 2.0 * np.pi * r * dr, np.pi * (0.5 * dr) ** 2)
        return area[:, None] * np.full(self.n_z - 2, self.dz)[None, :]

    # -- kinematics --------------------------------------------------------------------------
    def kinematics(self, A: int, Z: int) -> "Kinematics":
        return Kinematics.of(self.e_kn, A, Z, self.m_n)


@dataclass(frozen=True)
class Kinematics:
    """Momentum, velocity and rigidity of a species (mass number A, charge Z) on the grid."""

    A: int
    Z: int
    e_kn: np.ndarray  # GeV/n
    p_n: np.ndarray  # GeV/c per nucleon
    beta: np.ndarray
    gamma: np.ndarray
    rigidity: np.ndarray  # GV
    u: np.ndarray  # ln(p_n / (GeV/c)) at the nodes
    du: np.ndarray  # widths of the finite volumes in u
    u_face: np.ndarray  # faces: u_face[i] between nodes i and i + 1 (size n - 1)
    m_n: float = M_PROTON_GEV  # GeV per nucleon

    @classmethod
    def of(cls, e_kn, A, Z, m_n=M_PROTON_GEV):
        e = np.asarray(e_kn, dtype=float)
        if A < 1 or Z < 1 or Z > A:
            raise GridError(f"invalid nucleus A = {A}, Z = {Z}")
        etot = e + m_n
        p_n = np.sqrt(e * (e + 2.0 * m_n))
        beta = p_n / etot
        gamma = etot / m_n
        u = np.log(p_n)
        face = 0.5 * (u[1:] + u[:-1])
        lo = np.concatenate([[u[0] - (face[0] - u[0])], face])
        hi = np.concatenate([face, [u[-1] + (u[-1] - face[-1])]])
        return cls(A, Z, e, p_n, beta, gamma, A * p_n / Z, u, hi - lo, face, m_n)
