"""The nuclear network propagated species by species to the steady state.

Order: every parent (by fragmentation or decay) before its products
(:func:`~.nuclides.network_order`).  For each species i, with N = dn/dlnp:

    source_i = S(r, z) p Q_i(R)                                     primary injection
             + n_H(r, z) beta c sum_j sigma_{j->i}(E) N_j           fragmentation at equal E_k/n
             + sum_j N_j / (gamma tau_j)                             decay of radioactive parents
    loss_i   = n_H(r, z) beta c sigma_i(E) + 1 / (gamma tau_i)       inelastic + decay

With N per unit ln p and one mass per nucleon, equal E_k/n means equal p/A, so the couplings
carry no Jacobian (a density per unit momentum would need A_j / A_i).  Cross sections are
effective (H + f_He He, :mod:`.cross_sections`).  Secondary ("tertiary") protons from
inelastic p-H and p-He collisions are an extra species ``H1_sec`` fed by the primary-proton
species with a flat energy distribution of the leading proton, dsigma/dE = sigma_inel(E')/E'
for E < E' (as DRAGON2, Evoli et al. 2018, JCAP 07, 006, Sec. 3.3; integrated here with the
trapezoidal rule, second order in the energy step, where DRAGON2 counts the own bin fully).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..constants import C_LIGHT, MYR
from .cross_sections import CrossSections
from .diffusion import diffusion_coefficient, reacceleration_rate
from .gas import GasMaps
from .grid import Grid
from .losses import loss_rate_per_lnp
from .nuclides import NuclideTable, order_species, species_name
from .solver import Ladder, steady_state
from .sources import SourceComposition
from .sweeps import Sweeps
from .transport import PER_S, build_operator

MB = 1.0e-27  # cm^2
LN2 = np.log(2.0)
SEC_PROTONS = (1, 0)  # key of the secondary-proton pseudo-species ("H1_sec")


@dataclass(frozen=True)
class Transport:
    """Transport parameters (seed 001 Eq. 15; Seo & Ptuskin 1994; optional convection)."""

    D0: float = 3.7e28  # cm^2/s at R0
    R0: float = 4.0  # GV
    delta: float = 0.45
    eta: float = 1.0
    R_h: float = np.inf  # GV, break of D_xx
    delta_h: float | None = None
    v_alfven: float = 13.0  # km/s
    v_conv0: float = 0.0  # km/s at the plane
    dv_conv_dz: float = 0.0  # km/s/kpc

    def d_xx(self, kin) -> np.ndarray:
        return diffusion_coefficient(kin.rigidity, kin.beta, self.D0, self.delta, self.eta,
                                     self.R0, self.R_h, self.delta_h)


@dataclass
class Setup:
    """Everything that does not change between transport parameter points."""

    grid: Grid
    gas: GasMaps
    source_map: np.ndarray  # (n_r - 1, n_z - 2), arbitrary units
    composition: SourceComposition
    xsec: CrossSections
    nuclides: NuclideTable
    secondary_protons: bool = True
    _production: dict = field(default_factory=dict, repr=False)
    energy_losses: bool = True  # ionisation + Coulomb (off only for closed-form checks)

    def production(self, parent):
        if parent not in self._production:
            self._production[parent] = self.xsec.production(parent, self.grid.e_kn)
        return self._production[parent]

    def injections(self) -> dict:
        """{propagated species: [(Z, A) of injected isotopes ending as it]}: an injected
        short-lived isotope is injected as its long-lived descendant (same spectrum)."""
        out: dict = {}
        for iso in sorted(self.composition.isotopes):
            d = self.nuclides.final(*iso)
            if d is not None:
                out.setdefault(d, []).append(iso)
        return out

    def species_order(self) -> list:
        order = order_species(self.nuclides, self.production)
        if self.secondary_protons and (1, 1) in order:
            order.insert(order.index((1, 1)) + 1, SEC_PROTONS)
        return order


@dataclass
class Result:
    """Propagated densities N = dn/dlnp (code units: the source map's units x Myr)."""

    grid: Grid
    species: list  # (Z, A) in propagation order; (1, 0) = secondary protons
    plane: dict  # species -> N(r, z=0, E), shape (n_r - 1, n_e)
    full: dict  # species -> N(r, z, E) for the requested species
    info: dict  # species -> SolveInfo
    wall: float = 0.0

    @property
    def steps(self) -> int:
        return int(sum(i.steps for i in self.info.values()))


def species_label(s) -> str:
    return "H1_sec" if s == SEC_PROTONS else species_name(*s)


def propagate(setup: Setup, transport: Transport, ladder: Ladder = Ladder(),
              sweeps: Sweeps | None = None, keep_full=(), progress=None) -> Result:
    """Propagate the whole network; ``progress(label, k, n, info, seconds)`` after each species."""
    sw = sweeps or Sweeps()
    g = setup.grid
    shape = g.shape
    n_tot = np.ascontiguousarray(setup.gas.n_total)
    n_neu, n_e = setup.gas.n_neutral, setup.gas.n_HII
    order = setup.species_order()
    injected = setup.injections()
    j0 = g.z.size // 2  # the plane
    sources: dict = {}
    plane, full, infos = {}, {}, {}
    keep_full = set(keep_full)
    t_start = time.time()
    rate_unit = C_LIGHT * MB * MYR  # cm^3/Myr per (cm^-3 mb) with beta: n beta c sigma
    for k, s in enumerate(order):
        t0 = time.time()
        Z, A = (1, 1) if s == SEC_PROTONS else s
        kin = g.kinematics(A, Z)
        D = transport.d_xx(kin)
        K = (reacceleration_rate(D, transport.v_alfven, transport.delta)
             if transport.v_alfven > 0 else np.zeros_like(D))
        b_loss = loss_rate_per_lnp(Z, A, kin, n_neu, n_e) if setup.energy_losses else 0.0
        sig = setup.xsec.inelastic(Z, A, g.e_kn)
        w_inel = kin.beta * rate_unit * sig  # Myr^-1 per cm^-3
        half_life, daughter = (np.inf, None) if s == SEC_PROTONS else setup.nuclides.decay(*s)
        decay = (LN2 / (kin.gamma * half_life * 1e-6)) if np.isfinite(half_life) \
            else np.zeros_like(kin.gamma)  # Myr^-1
        gamma_loss = (n_tot[:, :, None] * w_inel[None, None, :] + decay[None, None, :]) / PER_S
        op = build_operator(g, kin, D, K, b_loss, gamma_loss, transport.v_conv0,
                            transport.dv_conv_dz)
        q = sources.pop(s, None)
        if q is None:
            q = np.zeros(shape)
        for iso in injected.get(s, ()):  # primary injection (rigidity of the injected isotope)
            ki = g.kinematics(iso[1], iso[0])
            inj = setup.composition.injection_per_lnp(*iso, ki.rigidity, iso[1] * ki.p_n)
            if inj is not None:
                q += setup.source_map[:, :, None] * inj[None, None, :]
        N, info = steady_state(op, q, g.L, g.r_max, g.dz, ladder, sw)
        del q
        infos[s] = info
        plane[s] = N[:, j0, :].copy()
        if species_label(s) in keep_full or s in keep_full:
            full[s] = N
        # feed the products of s
        if s != SEC_PROTONS:
            zero = np.zeros(g.e_kn.size)
            for d, sigma in setup.production(s).items():
                qd = sources.setdefault(d, np.zeros(shape))
                sw.add_production(qd, N, n_tot, np.ascontiguousarray(kin.beta * rate_unit * sigma),
                                  zero)
            if daughter is not None:
                qd = sources.setdefault(daughter, np.zeros(shape))
                sw.add_production(qd, N, n_tot, zero, np.ascontiguousarray(decay))
            if s == (1, 1) and setup.secondary_protons:
                sources[SEC_PROTONS] = _tertiary_protons(N, n_tot, kin, sig, rate_unit)
        if progress is not None:
            progress(species_label(s), k + 1, len(order), info, time.time() - t0)
    return Result(g, order, plane, full, infos, time.time() - t_start)


def _tertiary_protons(N, n_tot, kin, sigma_mb, rate_unit):
    """Source per ln p of protons scattered down in energy by inelastic collisions:
    q(E_i) = n beta_i p_i int_{ln E_i}^inf dlnE' c sigma(E') N(E') / p(E') (flat dsigma/dE
    below E'), the integral by the trapezoidal rule on the grid (half weight at E' = E_i)."""
    lnE = np.log(kin.e_kn)
    f = N * (rate_unit * sigma_mb / kin.p_n)[None, None, :]
    seg = 0.5 * (f[:, :, 1:] + f[:, :, :-1]) * np.diff(lnE)[None, None, :]
    cum = np.zeros_like(N)
    cum[:, :, :-1] = np.cumsum(seg[:, :, ::-1], axis=2)[:, :, ::-1]
    return np.ascontiguousarray(n_tot[:, :, None] * (kin.beta * kin.p_n)[None, None, :] * cum)
