"""Cosmic rays from supernovae exploding inside the wind-blown bubble: <f_SN(p)>.

Seed 000 (Menchiari et al. ICRC 2025) Eq. 1 adds to the termination-shock spectrum the term
<f_SN(p)> of Mitchell et al. 2024 (arXiv:2403.16650, Sec. 3.2), multiplied by the same spatial
function Gamma(r, p), and keeps only SNe that exploded within one advection time

    t_adv = int_{R_ts}^{R_b} dr / u(r),  u = (v_w/4)(R_ts/r)^2  =>  t_adv = 4 (R_b^3 - R_ts^3) / (3 v_w R_ts^2)

(seed 000 Sec. 3; closed form ours).  Mitchell+2024 Sec. 3.2 could not be read (only its
abstract is available); this module is the PROPOSED reconstruction of PHYSICS-NOTES Sec. 7:

* each SN puts xi_SN E_SN into CRs with a spectrum q(p) = K_SN p^-4 exp(-p / p_max,SN),
  4 pi int_{p_inj}^inf p^2 T(p) q dp = xi_SN E_SN  (T kinetic energy);
* its CRs fill the SN volume V_SN (``sn_volume``): "cavity" = 4/3 pi R_cd^3, the region inside
  the contact discontinuity.  Seed 000 Eq. 3 defines the shocked-wind volume
  V_b = 4/3 pi (R_cd^3 - R_ts^3); the cavity adds the free-wind volume 4/3 pi R_ts^3, which
  differs from V_b by (R_ts/R_cd)^3 (1e-5 for the median cluster that hosts supernovae, < 0.1
  for 99 % of them) and keeps V_SN finite when the shocked-wind zone vanishes (R_ts -> R_cd).
  "bubble" = 4/3 pi (R_fs^3 - R_ts^3) (the project's earlier choice: inside the forward shock);
* which SNe still hold their CRs (``sn_rule``): "advection" (seed 000 Sec. 3): 0 <= dt < t_adv,
  "the cosmic rays they accelerated are expected to have already escaped" otherwise;
  "diffusion": 0 <= dt < min(t_adv, R_b^2 / (6 D2(p))), the diffusive escape time per momentum
  of PHYSICS-NOTES Sec. 7 (tau_esc = min[R_b^2/(6 D2), advection]) -- not in the seed;
* optional extra depletion (c_esc > 0): a SN that exploded dt ago keeps the fraction
  exp(-dt / tau_esc(p)), tau_esc = R_b^2 / (c_esc D2(p)), D2 the bubble diffusion coefficient --
  our addition, not in the seed (default c_esc = 0).
* <f_SN>(p) = (1 / V_SN) sum_{SN held} q(p) exp(-dt / tau_esc(p))   [cm^-3 (GeV/c)^-3], times
  Gamma (seed Eq. 1).  The other normalisations (``sn_profile``) are documented in
  :mod:`hpcsim.acceleration.cluster_emission_ref`.

With R_b = R_fs (outer radius; the same boundary as Gamma) and R_ts capped at R_cd (termination
shock at the shell, see cluster_emission_ref).  Defaults (PROPOSED, config keys in the module
report): xi_SN = 0.1, E_SN = 1e51 erg (seed 000), p_max,SN = 1e5 GeV/c (Mitchell+2024
"baseline"-like 100 TeV; 1 PeV "optimistic").

Clusters without a wind (Mdot = 0, v_w = 0 or R_ts = 0) get <f_SN> = 0: both t_adv and Gamma
are defined by the wind flow (rule shared with the Cython kernel).
"""

from __future__ import annotations

import numpy as np

from ..constants import GEV, MYR
from .wind_termination_shock import (B_downstream, ETA_B_DEFAULT, L_C_DEFAULT, P_INJ_DEFAULT,
                                     diffusion_coefficient, kinetic_from_momentum)

XI_SN_DEFAULT = 0.1
E_SN_DEFAULT = 1.0e51  # erg (seed 000 Sec. 2)
P_MAX_SN_DEFAULT = 1.0e5  # GeV/c
ESC_COEFF_DEFAULT = 0.0  # seed 000 Sec. 3: the t_adv cut alone removes escaped CRs
#: rules for which SNe still hold their CRs (name -> kernel code)
SN_RULES = {"advection": 0, "diffusion": 1}
#: spatial profiles / normalisations of the SN term (cluster_emission_ref.assemble_content)
SN_PROFILES = ("gamma", "gamma_confined", "uniform")
#: volumes the SN CRs fill
SN_VOLUMES = ("cavity", "bubble")


def _cap(r_ts, r_cd):
    r_ts, r_cd = np.asarray(r_ts, dtype=float), np.asarray(r_cd, dtype=float)
    return np.where((r_cd > 0) & (r_ts > r_cd), r_cd, r_ts)


def sn_volume(r_ts, r_cd, r_fs, kind="cavity"):
    """V_SN [cm^3]: "cavity" 4/3 pi R_cd^3 (seed 000 Eq. 3's V_b plus the free wind, module
    docstring) or "bubble" 4/3 pi (R_fs^3 - R_ts^3), R_ts capped at R_cd."""
    r_cd, r_fs = np.asarray(r_cd, dtype=float), np.asarray(r_fs, dtype=float)
    if kind == "cavity":
        return 4.0 / 3.0 * np.pi * r_cd**3
    if kind == "bubble":
        r = _cap(r_ts, r_cd)
        return 4.0 / 3.0 * np.pi * (r_fs - r) * (r_fs * r_fs + r_fs * r + r * r)
    raise ValueError(f"unknown SN volume {kind!r}; choose one of {SN_VOLUMES}")


def advection_time(v_w, r_ts, r_b):
    """t_adv [s] = int_{R_ts}^{R_b} dr/u(r) with u = (v_w/4)(R_ts/r)^2 (seed 000 Sec. 3;
    Morlino et al. 2021 downstream flow): 4 (R_b^3 - R_ts^3) / (3 v_w R_ts^2).
    0 where there is no wind or R_b <= R_ts."""
    v_w, r_ts, r_b = (np.asarray(a, dtype=float) for a in (v_w, r_ts, r_b))
    ok = (v_w > 0) & (r_ts > 0) & (r_b > r_ts)
    den = 3.0 * np.where(ok, v_w, 1.0) * np.where(ok, r_ts, 1.0) ** 2
    return np.where(ok, 4.0 * (r_b**3 - r_ts**3) / den, 0.0)


def sn_spectrum_norm(xi_sn=XI_SN_DEFAULT, e_sn=E_SN_DEFAULT, p_max_sn=P_MAX_SN_DEFAULT,
                     p_inj=P_INJ_DEFAULT, n=4001):
    """K_SN [(GeV/c)] of one SN's CR spectrum q(p) = K_SN p^-4 exp(-p/p_max,SN) (number per
    (GeV/c)^3, i.e. the phase-space density times volume), such that
    4 pi int_{p_inj}^inf p^2 T q dp = xi_SN E_SN  (PHYSICS-NOTES Sec. 7, PROPOSED).
    Simpson in ln p from p_inj to 60 p_max,SN."""
    lnp = np.linspace(np.log(p_inj), np.log(60.0 * p_max_sn), n)
    p = np.exp(lnp)
    y = kinetic_from_momentum(p) / p * np.exp(-p / p_max_sn)
    h = lnp[1] - lnp[0]
    I = h / 3.0 * (y[0] + y[-1] + 4.0 * y[1:-1:2].sum() + 2.0 * y[2:-1:2].sum())
    return xi_sn * e_sn / (4.0 * np.pi * GEV * I)


def sn_times_since_explosion(t_sn_myr, offsets, age_myr):
    """Ragged times since explosion [Myr] of the SNe that have exploded in each cluster.

    t_sn_myr: per-star explosion ages (``collective_wind_numpy(...)["t_sn"]``), star k of
    cluster i at offsets[i] <= k < offsets[i+1]; age_myr: cluster ages.  Returns
    (sn_dt [Myr], sn_offsets int64 [n_cl + 1]) with dt = age - t_sn >= 0, in the input order.
    """
    t_sn = np.asarray(t_sn_myr, dtype=float)
    offsets = np.asarray(offsets, dtype=np.int64)
    n_cl = len(offsets) - 1
    cl = np.repeat(np.arange(n_cl), np.diff(offsets))
    dt = np.asarray(age_myr, dtype=float)[cl] - t_sn
    keep = dt >= 0.0
    counts = np.bincount(cl[keep], minlength=n_cl)
    out_off = np.zeros(n_cl + 1, dtype=np.int64)
    np.cumsum(counts, out=out_off[1:])
    return dt[keep], out_off


def f_sn_mean(p, sn_dt, offsets, mdot, v_w, r_ts, r_b, regime, eta_B=ETA_B_DEFAULT,
              L_c=L_C_DEFAULT, xi_sn=XI_SN_DEFAULT, e_sn=E_SN_DEFAULT,
              p_max_sn=P_MAX_SN_DEFAULT, p_inj=P_INJ_DEFAULT, esc_coeff=ESC_COEFF_DEFAULT,
              k_sn=None, rule="advection", r_cd=None, volume="cavity"):
    """<f_SN(p)> [cm^-3 (GeV/c)^-3] per cluster, array [n_cl, len(p)] (see module docstring).

    p [GeV/c]; sn_dt [Myr] ragged times since explosion with offsets (int64, n_cl + 1);
    mdot [g/s], v_w [cm/s], r_ts, r_b (= R_fs) [cm] per cluster, r_cd [cm] (default 0.9 r_b);
    regime sets D2 for the escape time.  SNe with dt < 0 (not yet exploded) or dt >= t_conf(p)
    are ignored (``rule``).  V_SN from :func:`sn_volume` (``volume``).  The per-SN sum runs in
    input order (deterministic).  ``k_sn`` overrides :func:`sn_spectrum_norm`.  Reference for
    the kernel path (:func:`hpcsim.acceleration.cluster_emission_ref.sn_sum_ref`).
    """
    p = np.atleast_1d(np.asarray(p, dtype=float))
    sn_dt = np.asarray(sn_dt, dtype=float)
    offsets = np.asarray(offsets, dtype=np.int64)
    mdot, v_w, r_ts, r_b = (np.atleast_1d(np.asarray(a, dtype=float))
                            for a in (mdot, v_w, r_ts, r_b))
    r_cd = 0.9 * r_b if r_cd is None else np.atleast_1d(np.asarray(r_cd, dtype=float))
    r_ts = np.atleast_1d(_cap(r_ts, r_cd))
    n_cl = len(offsets) - 1
    if rule not in SN_RULES:
        raise ValueError(f"unknown SN rule {rule!r}; choose one of {tuple(SN_RULES)}")
    if k_sn is None:
        k_sn = sn_spectrum_norm(xi_sn, e_sn, p_max_sn, p_inj)
    shape = k_sn * p**-4 * np.exp(-p / p_max_sn)
    t_adv = advection_time(v_w, r_ts, r_b)
    out = np.zeros((n_cl, p.size))
    for i in range(n_cl):
        if not (mdot[i] > 0 and v_w[i] > 0 and r_ts[i] > 0 and r_b[i] > r_ts[i]):
            continue
        D2 = diffusion_coefficient(p, B_downstream(mdot[i], v_w[i], r_ts[i], eta_B), regime, L_c)
        t_conf = np.full(p.size, t_adv[i])
        if rule == "diffusion":
            t_conf = np.minimum(t_conf, r_b[i] ** 2 / (6.0 * D2))
        dt = sn_dt[offsets[i]:offsets[i + 1]] * MYR
        vb = sn_volume(r_ts[i], r_cd[i], r_b[i], volume)
        rate = esc_coeff * D2 / r_b[i] ** 2
        s = np.zeros(p.size)
        for d in dt:  # fixed order
            if d >= 0.0:
                s += np.where(d < t_conf, np.exp(-d * rate) if esc_coeff > 0 else 1.0, 0.0)
        out[i] = shape * s / vb
    return out
