"""Cosmic rays from supernovae exploding inside the wind-blown bubble: <f_SN(p)>.

Seed 000 (Menchiari et al. ICRC 2025) Eq. 1 adds to the termination-shock spectrum the term
<f_SN(p)> of Mitchell et al. 2024 (arXiv:2403.16650, Sec. 3.2), multiplied by the same spatial
function Gamma(r, p), and keeps only SNe that exploded within one advection time

    t_adv = int_{R_ts}^{R_b} dr / u(r),  u = (v_w/4)(R_ts/r)^2  =>  t_adv = 4 (R_b^3 - R_ts^3) / (3 v_w R_ts^2)

(seed 000 Sec. 3; closed form ours).  Mitchell+2024 Sec. 3.2 could not be read (only its
abstract is available); this module is the PROPOSED reconstruction of PHYSICS-NOTES Sec. 7:

* each SN puts xi_SN E_SN into CRs with a spectrum q(p) = K_SN p^-4 exp(-p / p_max,SN),
  4 pi int_{p_inj}^inf p^2 T(p) q dp = xi_SN E_SN  (T kinetic energy);
* its CRs fill the bubble volume V_b = 4/3 pi (R_b^3 - R_ts^3) uniformly;
* escape: seed 000 Sec. 3 counts every SN that exploded within t_adv and none older ("the CRs
  they accelerated are expected to have already escaped"), so by default (c_esc = 0) there is no
  further depletion.  Optional (c_esc > 0): a SN that exploded dt ago keeps the fraction
  exp(-dt / tau_esc(p)), tau_esc = R_b^2 / (c_esc D2(p)), D2 the bubble diffusion coefficient
  (c_esc = 6: diffusive residence time) -- our addition, not in the seed.  The spatial escape
  shape is carried by Gamma (seed 000 Eq. 1), the temporal depletion by this factor.
* <f_SN>(p) = (1 / V_b) sum_{SN: 0 <= dt < t_adv} q(p) exp(-dt / tau_esc(p))   [cm^-3 (GeV/c)^-3].

With R_b = R_fs (outer radius; the same boundary as Gamma).  Defaults (PROPOSED, config keys in
the module report): xi_SN = 0.1, E_SN = 1e51 erg (seed 000), p_max,SN = 1e5 GeV/c (Mitchell+2024
"baseline"-like 100 TeV; 1 PeV "optimistic").

Clusters without a wind (Mdot = 0, v_w = 0 or R_ts = 0) or with R_ts >= R_b get <f_SN> = 0:
both t_adv and Gamma are defined by the wind flow (rule shared with the Cython kernel).
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
              k_sn=None):
    """<f_SN(p)> [cm^-3 (GeV/c)^-3] per cluster, array [n_cl, len(p)] (see module docstring).

    p [GeV/c]; sn_dt [Myr] ragged times since explosion with offsets (int64, n_cl + 1);
    mdot [g/s], v_w [cm/s], r_ts, r_b [cm] per cluster; regime sets D2 for the escape time.
    SNe with dt < 0 (not yet exploded) or dt >= t_adv are ignored.  The per-SN sum runs in input
    order (deterministic).  ``k_sn`` overrides :func:`sn_spectrum_norm`.
    """
    p = np.atleast_1d(np.asarray(p, dtype=float))
    sn_dt = np.asarray(sn_dt, dtype=float)
    offsets = np.asarray(offsets, dtype=np.int64)
    mdot, v_w, r_ts, r_b = (np.atleast_1d(np.asarray(a, dtype=float))
                            for a in (mdot, v_w, r_ts, r_b))
    n_cl = len(offsets) - 1
    if k_sn is None:
        k_sn = sn_spectrum_norm(xi_sn, e_sn, p_max_sn, p_inj)
    shape = k_sn * p**-4 * np.exp(-p / p_max_sn)
    t_adv = advection_time(v_w, r_ts, r_b)
    out = np.zeros((n_cl, p.size))
    for i in range(n_cl):
        if not (mdot[i] > 0 and v_w[i] > 0 and r_ts[i] > 0 and r_b[i] > r_ts[i]):
            continue
        dt = sn_dt[offsets[i]:offsets[i + 1]] * MYR
        dt = dt[(dt >= 0.0) & (dt < t_adv[i])]
        if dt.size == 0:
            continue
        vb = 4.0 / 3.0 * np.pi * (r_b[i] ** 3 - r_ts[i] ** 3)
        if esc_coeff > 0:
            D2 = diffusion_coefficient(p, B_downstream(mdot[i], v_w[i], r_ts[i], eta_B), regime,
                                       L_c)
            rate = esc_coeff * D2 / r_b[i] ** 2
            s = np.zeros(p.size)
            for d in dt:  # fixed order
                s += np.exp(-d * rate)
        else:
            s = np.full(p.size, float(dt.size))
        out[i] = shape * s / vb
    return out
