"""Cosmic-ray cocoons around sources (seed 002: Ambrosone, Evoli, Schroer & Blasi 2025).

Every supernova (rate density rho, :mod:`.snr_distribution`) injects, per nucleus species i
(H, He), the momentum spectrum (Eq. 4)

    Q_i(p) = K_i (p / m_i c)^-gamma_i exp(-p / p_max,i),    p_max,i = Z_i PeV/c,

normalised by Eq. 3: 4 pi int dp p^2 Q_i(p) T(p) = eps_i E_SN, T the kinetic energy of the whole
nucleus (eps_H = 5 %, gamma_H = 4.26; eps_He = 1.2 %, gamma_He = 4.16; E_SN = 1e51 erg).
The integral is done in ln p (the p^2 T integrand rises steeply from threshold: a trapezoid in
ln E is wrong by ~2 there).  The spectrum per unit total energy is Q^E = 4 pi p^2 Q dp/dE.

Particles spend a grammage chi_c(R) in the cocoon (Eq. 6: chi_c0 exp(-R/R0); Eq. B.1:
chi_c0 / [1 + (R/R0)^delta]) before escaping, so each supernova yields (Eq. 7)

    Q_s(E) = (1 / m_p) sum_i int dE_i Q^E_i(E_i) chi_c(R_i) dsigma_i/dE(E_i, E)

gamma rays or neutrinos (s = gamma, nu) per unit energy, with the AAfrag cross sections of p-p
and He-p collisions on hydrogen (Koldobskiy et al. 2021, via aafragpy: total energy per
nucleus).  The emissivity is rho(r, z) Q_s(E) and the intensity towards a direction is
Q_s(E) / (4 pi) x int ds rho (Eq. 8).

Eq. 9: cocoons must live longer than the confinement time, tau_c = chi_c0 / (m_p n c).
Eq. 10: N_c = R_SN tau_c cocoons alive at once, each of radius R_c, must not overfill the disc
volume pi R_G^2 2h: R_c <= [3 R_G^2 h / (2 N_c)]^(1/3) (the reading that reproduces the seed's
120 pc for chi_c0 = 0.4 g/cm^2 and n = 1 cm^-3; COCOONS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import AMU_GEV, C_LIGHT, ERG_PER_GEV, KPC, M_PROTON, M_PROTON_GEV, MB, PC, YR
from ..interactions.neutrinos import aafrag_dsigma_etot

#: aafragpy projectile-target names of the hydrogen-target channels
AAFRAG_PAIR = {(1, 1): "p-p", (2, 4): "He-p"}
NUCLEUS_MASS_GEV = {(1, 1): M_PROTON_GEV, (2, 4): 3.727379}  # GeV (CODATA 2018 alpha mass)


@dataclass(frozen=True)
class CocoonInjection:
    """Eqs. 3-4 for one species (Z, A)."""

    Z: int
    A: int
    eps: float  # fraction of E_SN
    gamma: float  # phase-space (momentum) slope
    p_max_pev: float = 1.0  # per unit charge: p_max = Z p_max_pev PeV/c
    e_sn_erg: float = 1.0e51

    @property
    def mass(self) -> float:
        return NUCLEUS_MASS_GEV.get((self.Z, self.A), self.A * AMU_GEV)

    def shape(self, p):
        """(p / m c)^-gamma exp(-p / p_max), p in GeV/c."""
        p = np.asarray(p, dtype=float)
        return (p / self.mass) ** -self.gamma * np.exp(-p / (self.Z * self.p_max_pev * 1e6))

    def normalisation(self, n: int = 4000) -> float:
        """K [GeV^-3 c^3 per SN] of Eq. 3 (trapezoid in ln p, 1e-4 .. 1e3 p_max)."""
        p = np.geomspace(1e-4 * self.mass, 1e3 * self.Z * self.p_max_pev * 1e6, n)
        T = np.sqrt(p * p + self.mass ** 2) - self.mass
        integrand = 4.0 * np.pi * p ** 3 * self.shape(p) * T  # d ln p
        total = np.trapezoid(integrand, np.log(p))  # GeV^... (GeV units)
        return self.eps * self.e_sn_erg / ERG_PER_GEV / total

    def per_total_energy(self, e_tot) -> np.ndarray:
        """Q^E(E) [GeV^-1 per SN] at total energies e_tot [GeV] (zero below the rest mass)."""
        E = np.asarray(e_tot, dtype=float)
        p = np.sqrt(np.maximum(E * E - self.mass ** 2, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            q = 4.0 * np.pi * p * p * self.normalisation() * self.shape(p) * E / p  # dp/dE = E/p
        return np.where(p > 0, q, 0.0)

    def rigidity(self, e_tot) -> np.ndarray:
        E = np.asarray(e_tot, dtype=float)
        return np.sqrt(np.maximum(E * E - self.mass ** 2, 0.0)) / self.Z


def production_per_sn(injections, chi, e_out, channel: str, per_decade: int = 40,
                      e_max_gev: float = 1.0e9) -> np.ndarray:
    """Q_s(E) [GeV^-1 per supernova] of Eq. 7 on ``e_out`` [GeV] for channel "gamma" or "nu"
    (all flavours); ``chi(rigidity [GV])`` gives the cocoon grammage [g cm^-2].  The projectile
    integral is a trapezoid in ln E_i on a grid of ``per_decade`` points per decade."""
    e_out = np.asarray(e_out, dtype=float)
    out = np.zeros_like(e_out)
    for inj in injections:
        pair = AAFRAG_PAIR[(inj.Z, inj.A)]
        lo = inj.mass * 1.0001
        n = int(per_decade * np.log10(e_max_gev / lo)) + 1
        E = np.geomspace(lo, e_max_gev, n)
        sig = aafrag_dsigma_etot(channel, E, e_out, pair) * MB  # cm^2/GeV, (E, e_out)
        w = inj.per_total_energy(E) * chi(inj.rigidity(E)) / M_PROTON  # GeV^-1 cm^-2
        out += np.trapezoid((w * E)[:, None] * sig, np.log(E), axis=0)
    return out


def intensity(q_per_sn, sky_factor_yr_kpc2) -> np.ndarray:
    """Intensity [GeV^-1 cm^-2 s^-1 sr^-1] = Q(E) / (4 pi) x int ds rho (Eq. 8), for a sky
    factor in yr^-1 kpc^-2 (scalar or array broadcast against the energy axis)."""
    return (np.asarray(q_per_sn)[..., :] / (4.0 * np.pi)
            * np.asarray(sky_factor_yr_kpc2)[..., None] / (YR * KPC ** 2))


def lifetime_bound_yr(chi_c0: float, n_gas: float) -> float:
    """Eq. 9: the cocoon confinement time chi_c0 / (m_p n c) [yr]."""
    return chi_c0 / (M_PROTON * n_gas * C_LIGHT) / YR


def radius_bound_pc(chi_c0: float, n_gas: float, rate_per_yr: float, R_G_kpc: float,
                    h_kpc: float) -> float:
    """Eq. 10: the largest cocoon radius [pc] for which the N_c = R_SN tau_c live cocoons fit
    in the disc (pi R_G^2 2h = N_c 4/3 pi R_c^3)."""
    n_c = rate_per_yr * lifetime_bound_yr(chi_c0, n_gas)
    vol = np.pi * R_G_kpc ** 2 * 2.0 * h_kpc / n_c  # kpc^3 per cocoon
    return (3.0 * vol / (4.0 * np.pi)) ** (1.0 / 3.0) * KPC / PC


class GrammageSyntaxError(ValueError):
    pass


def parse_grammage_model(text: str):
    """'exp R0' -> ("exp", R0 [TV], None); 'broken R0 delta' -> ("broken", R0, delta)."""
    tok = str(text).split()
    try:
        if tok and tok[0] == "exp" and len(tok) == 2:
            return "exp", float(tok[1]), None
        if tok and tok[0] == "broken" and len(tok) == 3:
            return "broken", float(tok[1]), float(tok[2])
    except ValueError:
        pass
    raise GrammageSyntaxError(f"{text!r}: write 'exp R0' or 'broken R0 delta' (R0 in TV)")
