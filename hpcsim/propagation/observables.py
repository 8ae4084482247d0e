"""Fluxes at the Sun: isotopes and elements, vs E_k/n, rigidity and total energy; ratios.

With N = dn/dlnp the intensity per unit kinetic energy per nucleon is

    J(E_k/n) = (beta c / 4 pi) dn/dE_k/n = c N / (4 pi p_n)

(dn/dE_k/n = N dlnp/dE_k/n = N / (beta p_n)); using beta c, not c, with a density per unit
energy is the point of DRAGON2-Beta issue #5.  The solver's densities have arbitrary units:
one factor, fixed by a measured proton intensity at one kinetic energy (DRAGON2's
``ProtNormFlux`` at ``ProtNormEn_GeV``), normalises every species.

At the observer's radius the densities on the plane are interpolated linearly in r between the
two nearest nodes (as DRAGON2 does).  Conversions for a nucleus (Z, A): rigidity R = A p_n / Z,
J(R) = J(E_k/n) dE_k/n/dR = J(E_k/n) beta Z / A; total energy per particle E = A (E_k/n + m_n),
J(E) = J(E_k/n) / A.  Isotopes are summed into elements at equal E_k/n, or at equal rigidity
after interpolation onto a common rigidity grid (log-log).  Solar modulation: force field
(:mod:`.modulation`) applied per isotope before summing.
"""

from __future__ import annotations

import numpy as np

from ..constants import M_PROTON_GEV
from .grid import Kinematics
from .modulation import modulate
from .network import SEC_PROTONS, Result, species_label


class NormalisationError(ValueError):
    pass


class LocalFluxes:
    """Isotope intensities J(E_k/n) at one place, up to one factor, and what follows from them:
    elements, other energy variables, modulation, ratios.  ``code``: {species: J in code units}
    on the grid ``e_kn`` [GeV/n]; ``factor`` converts to m^-2 s^-1 sr^-1 (GeV/n)^-1."""

    def __init__(self, e_kn, code: dict, factor: float = 1.0, m_n: float = M_PROTON_GEV):
        self.e_kn = np.asarray(e_kn, dtype=float)
        self._code = dict(code)
        self.factor = factor
        self.m_n = m_n

    def kinematics(self, A: int, Z: int) -> Kinematics:
        return Kinematics.of(self.e_kn, A, Z, self.m_n)

    @property
    def species(self):
        return list(self._code)

    def isotope(self, s, phi: float = 0.0) -> np.ndarray:
        """J(E_k/n) [m^-2 s^-1 sr^-1 (GeV/n)^-1] of one species (LIS for phi = 0)."""
        J = self.factor * self._code[s]
        if phi > 0:
            Z, A = (1, 1) if s == SEC_PROTONS else s
            J = modulate(self.e_kn, J, Z, A, phi, self.m_n)
        return J

    def isotopes_of(self, Z: int):
        return [s for s in self._code if (1 if s == SEC_PROTONS else s[0]) == Z]

    def element_ekn(self, Z: int, phi: float = 0.0) -> np.ndarray:
        """Sum of the isotopes of element Z at equal E_k/n."""
        out = np.zeros_like(self.e_kn)
        for s in self.isotopes_of(Z):
            out += self.isotope(s, phi)
        return out

    def _element_on(self, Z: int, x, phi, to_x):
        """Sum over the isotopes of Z of to_x(A, kin, J_ekn) -> (x_iso, J_iso), interpolated
        log-log onto ``x``."""
        x = np.asarray(x, dtype=float)
        out = np.zeros_like(x)
        for s in self.isotopes_of(Z):
            A = 1 if s == SEC_PROTONS else s[1]
            xi, ji = to_x(A, self.kinematics(A, Z), self.isotope(s, phi))
            out += _loglog(x, xi, ji)
        return out

    def element_rigidity(self, Z: int, rigidity, phi: float = 0.0) -> np.ndarray:
        """J(R) [m^-2 s^-1 sr^-1 GV^-1] of element Z on the rigidity grid ``rigidity`` [GV]."""
        return self._element_on(Z, rigidity, phi,
                                lambda A, kin, J: (kin.rigidity, J * kin.beta * Z / A))

    def element_total_energy(self, Z: int, energy, phi: float = 0.0) -> np.ndarray:
        """J(E) [m^-2 s^-1 sr^-1 GeV^-1] vs total energy per particle E [GeV]."""
        return self._element_on(Z, energy, phi, lambda A, kin, J: (
            A * (self.e_kn + self.m_n), J / A))

    def element_flux(self, Z: int, x, x_kind: str, phi: float = 0.0) -> np.ndarray:
        """J of element Z on the axis of a measurement (``x_kind`` as in
        :class:`~hpcsim.observations.CRMeasurement`): "rigidity" [GV], "ekn" [GeV/n], "ekin"
        (kinetic energy per particle) or "etot" (total energy per particle) [GeV]; each isotope
        is put on that axis before the sum, so no isotope is assumed for the data."""
        if x_kind == "rigidity":
            return self.element_rigidity(Z, x, phi)
        if x_kind == "etot":
            return self.element_total_energy(Z, x, phi)
        if x_kind == "ekn":
            return self._element_on(Z, x, phi, lambda A, kin, J: (self.e_kn, J))
        if x_kind == "ekin":
            return self._element_on(Z, x, phi, lambda A, kin, J: (A * self.e_kn, J / A))
        raise ValueError(f"unknown x_kind {x_kind!r}")

    def ratio_ekn(self, num, den, phi: float = 0.0) -> np.ndarray:
        """Ratio of element sums (lists of Z) at equal E_k/n, e.g. B/C = ([5], [6])."""
        n = sum(self.element_ekn(z, phi) for z in num)
        d = sum(self.element_ekn(z, phi) for z in den)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d > 0, n / d, np.nan)

    def ratio_rigidity(self, num, den, rigidity, phi: float = 0.0) -> np.ndarray:
        n = sum(self.element_rigidity(z, rigidity, phi) for z in num)
        d = sum(self.element_rigidity(z, rigidity, phi) for z in den)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d > 0, n / d, np.nan)

    def isotope_ratio_ekn(self, a, b, phi: float = 0.0) -> np.ndarray:
        """Ratio of two species at equal E_k/n (e.g. Be10/Be9)."""
        x, y = self.isotope(a, phi), self.isotope(b, phi)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(y > 0, x / y, np.nan)

    def labels(self):
        return [species_label(s) for s in self._code]


class SunFluxes(LocalFluxes):
    """Local fluxes from a :class:`~.network.Result` at the observer.

    ``r_obs`` [kpc]; ``norm = (E_ref [GeV], J_ref [m^-2 s^-1 sr^-1 GeV^-1], species)`` where
    species is "H1" (primary protons, as DRAGON2) or "p" (primary + secondary protons)."""

    def __init__(self, result: Result, r_obs: float, norm=(53.645, 0.257, "H1")):
        g = result.grid
        self.result = result
        r = g.r
        if not 0.0 <= r_obs < r[-1]:
            raise NormalisationError(f"observer radius {r_obs} kpc is outside the grid "
                                     f"(0 .. {r[-1]} kpc)")
        i = min(int(np.searchsorted(r, r_obs, side="right")) - 1, r.size - 2)
        w = (r_obs - r[i]) / (r[i + 1] - r[i])
        code = {}
        for s in result.species:
            Z, A = (1, 1) if s == SEC_PROTONS else s
            kin = g.kinematics(A, Z)
            n_sun = (1.0 - w) * result.plane[s][i] + w * result.plane[s][i + 1]
            code[s] = n_sun / kin.p_n  # J up to the global factor
        super().__init__(g.e_kn, code, 1.0, g.m_n)
        e_ref, j_ref, which = norm
        ref = code.get((1, 1))
        if ref is None:
            raise NormalisationError("no protons in the network to normalise on")
        if which == "p" and SEC_PROTONS in code:
            ref = ref + code[SEC_PROTONS]
        elif which not in ("H1", "p"):
            raise NormalisationError(f"normalisation species must be 'H1' or 'p', got {which!r}")
        if not self.e_kn[0] <= e_ref <= self.e_kn[-1]:
            raise NormalisationError(f"normalisation energy {e_ref} GeV is outside the grid")
        val = np.exp(np.interp(np.log(e_ref), np.log(self.e_kn), np.log(np.maximum(ref, 1e-300))))
        self.factor = j_ref / val


def _loglog(x, xp, fp):
    """log-log interpolation of fp(xp) at x (zero outside xp or where fp <= 0)."""
    good = fp > 0
    if good.sum() < 2:
        return np.zeros_like(x)
    lx = np.log(xp[good])
    out = np.exp(np.interp(np.log(x), lx, np.log(fp[good])))
    return np.where((x < xp[good][0]) | (x > xp[good][-1]), 0.0, out)
