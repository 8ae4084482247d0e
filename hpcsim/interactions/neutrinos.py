"""Neutrino (and alternative gamma-ray) production cross sections from the AAfrag tables.

Reference: S. Koldobskiy, M. Kachelriess, A. Lskavyan, A. Neronov, S. Ostapchenko, D. V. Semikoz,
"Energy spectra of secondaries in proton-proton interactions", Phys. Rev. D 104, 123027 (2021)
("AAfrag"; QGSJET-II-04m tuned to accelerator data), used through the ``aafragpy`` package
(runtime dependency, version >= 2: projectile energy = TOTAL energy per nucleus in GeV).

Functions return dsigma/dE [mb/GeV] on a (len(t_p), len(e_out)) grid; t_p is the proton KINETIC
energy [GeV] (our convention), converted here to E_tot = t_p + m_p for aafragpy.

Channels: ``"nu"`` = nu_e + anti-nu_e + nu_mu + anti-nu_mu (aafragpy secondary ``nu_all``),
``"gamma"`` (aafragpy ``gam``).  Targets: p-p tables, p-He tables (AAfrag PRD 104, 123027, Sec. V).

Below the first tabulated p-p energy (E_tot = 4 GeV, i.e. T_p < 3.06 GeV), choices (argument
``low_energy``):

* ``"kamae2006"`` (default for neutrinos): Kamae et al. 2006, ApJ 647, 692 parametrisation, as
  evaluated by aafragpy's ``get_cross_section_Kamae2006`` (the aafragpy authors' recommended splice).
  At E_tot = 4 GeV the two differ by up to ~30 % in shape; irrelevant for E_nu > 3 GeV because
  E_nu < T_p kinematically.
* ``"kafexhiu2014"`` (default for gammas): our K14 Geant4-based low-energy formulas
  (:mod:`hpcsim.interactions.kafexhiu2014`).
* ``"zero"``: no production below 4 GeV total energy (exact for E_out >= T_p,min).

Above the last tabulated energy (3.97e11 GeV for p-p) the cross sections are set to zero.
"""

from __future__ import annotations

import numpy as np

from hpcsim.constants import M_PROTON_GEV
from hpcsim.interactions import kafexhiu2014 as k14

try:  # runtime dependency
    import aafragpy as _aaf
except ImportError as exc:  # pragma: no cover - reported at call time
    _aaf = None
    _AAF_ERROR = exc

__all__ = ["AAFRAG_E_TOT_MIN", "aafrag_dsigma", "aafrag_dsigma_etot", "dsigma_dE_nu_all", "dsigma_dE_gamma_aafrag",
           "dsigma_p_he"]

#: lowest tabulated projectile total energy of the AAfrag p-p and p-He tables [GeV]
AAFRAG_E_TOT_MIN = 4.0

_SECONDARY = {"nu": "nu_all", "gamma": "gam"}


def _require_aafrag():
    if _aaf is None:
        raise ImportError("aafragpy>=2 is required for neutrino production: " + str(_AAF_ERROR))
    return _aaf


def _table_range(secondary: str, primary_target: str):
    ep, _, _ = _require_aafrag().open_data_files(secondary, primary_target)
    return ep[0] / 1e9, ep[-1] / 1e9  # GeV


def aafrag_dsigma(channel: str, t_p, e_out, primary_target: str = "p-p"):
    """AAfrag dsigma/dE [mb/GeV], shape (len(t_p), len(e_out)); zero outside the table range.

    channel: "nu" (all flavours, nu + anti-nu) or "gamma"; t_p: proton kinetic energy [GeV];
    e_out: secondary energy [GeV]; primary_target: "p-p" or "p-He" (aafragpy names).
    Interpolation between tabulated projectile energies is aafragpy's own log-log "curve
    morphing" (aafragpy.get_cross_section); Koldobskiy et al. 2021.
    """
    t = np.atleast_1d(np.asarray(t_p, dtype=float))
    return aafrag_dsigma_etot(channel, t + M_PROTON_GEV, e_out, primary_target)


def aafrag_dsigma_etot(channel: str, e_tot, e_out, primary_target: str = "p-p"):
    """As :func:`aafrag_dsigma` but for the projectile's TOTAL energy per nucleus e_tot [GeV]
    (aafragpy's own variable), any projectile-target pair aafragpy tabulates ("p-p", "p-He",
    "He-p", "He-He")."""
    aaf = _require_aafrag()
    sec = _SECONDARY[channel]
    e_tot = np.atleast_1d(np.asarray(e_tot, dtype=float))
    e = np.atleast_1d(np.asarray(e_out, dtype=float))
    lo, hi = _table_range(sec, primary_target)
    inside = (e_tot >= lo) & (e_tot <= hi)
    out = np.zeros((e_tot.size, e.size))
    if np.any(inside):
        cs, _, _ = aaf.get_cross_section(sec, primary_target, e_tot[inside], e,
                                         outside_bounds="zeros")
        cs = np.asarray(cs, dtype=float).reshape(int(inside.sum()), e.size)
        out[inside] = np.nan_to_num(cs, nan=0.0, posinf=0.0, neginf=0.0)
    return out


def _low_energy_rows(channel, t, e, low_energy):
    """dsigma/dE [mb/GeV] for rows with E_tot < 4 GeV according to the low_energy choice."""
    out = np.zeros((t.size, e.size))
    if t.size == 0 or low_energy == "zero":
        return out
    if low_energy == "kafexhiu2014":
        if channel != "gamma":
            raise ValueError("low_energy='kafexhiu2014' only applies to gamma rays")
        return k14.dsigma_dE_gamma(t[:, None], e[None, :], "geant4")
    if low_energy == "kamae2006":
        aaf = _require_aafrag()
        ok = t > k14.T_TH
        if np.any(ok):
            sec = _SECONDARY[channel]
            cs, _, _ = aaf.get_cross_section_Kamae2006(sec, t[ok] + M_PROTON_GEV, e)
            out[ok] = np.nan_to_num(np.asarray(cs, dtype=float).reshape(int(ok.sum()), e.size))
        return out
    raise ValueError(f"unknown low_energy option {low_energy!r} (zero|kamae2006|kafexhiu2014)")


def _dsigma(channel, t_p, e_out, low_energy):
    t = np.atleast_1d(np.asarray(t_p, dtype=float))
    e = np.atleast_1d(np.asarray(e_out, dtype=float))
    out = aafrag_dsigma(channel, t, e, "p-p")
    low = (t + M_PROTON_GEV) < AAFRAG_E_TOT_MIN
    if np.any(low):
        out[low] = _low_energy_rows(channel, t[low], e, low_energy)
    return out


def dsigma_dE_nu_all(t_p, e_nu, low_energy="kamae2006"):
    """All-flavour (nu_e + anti-nu_e + nu_mu + anti-nu_mu) p-p production cross section
    dsigma/dE_nu [mb/GeV], shape (len(t_p), len(e_nu)); AAfrag (Koldobskiy+2021) for
    E_tot >= 4 GeV, ``low_energy`` splice below (module docstring)."""
    return _dsigma("nu", t_p, e_nu, low_energy)


def dsigma_dE_gamma_aafrag(t_p, e_g, low_energy="kafexhiu2014"):
    """p-p gamma-ray production dsigma/dE_gamma [mb/GeV] from AAfrag (Koldobskiy+2021) for
    E_tot >= 4 GeV; below, K14 Geant4-based formulas by default (module docstring)."""
    return _dsigma("gamma", t_p, e_g, low_energy)


def dsigma_p_he(channel, t_p, e_out, low_energy=None):
    """p + He(target) production dsigma/dE [mb/GeV] per He nucleus, shape (len(t_p), len(e_out)).

    Rows inside the AAfrag p-He table (4 GeV <= E_tot <= 2.5e9 GeV): AAfrag p-He (Koldobskiy+2021).
    Other rows: the p-p cross section of this module (with the ``low_energy`` splice) times the
    K14 wounded-nucleon ratio r_4(T_p) (:func:`kafexhiu2014.wounded_nucleon_ratio`, ~3.8 at 10 GeV;
    AAfrag's own energy-weighted p-He/p-p ratio is 3.8 -> 3.2 from 10 GeV to 1 PeV).
    """
    t = np.atleast_1d(np.asarray(t_p, dtype=float))
    e = np.atleast_1d(np.asarray(e_out, dtype=float))
    if low_energy is None:
        low_energy = "kamae2006" if channel == "nu" else "kafexhiu2014"
    out = aafrag_dsigma(channel, t, e, "p-He")
    lo, hi = _table_range(_SECONDARY[channel], "p-He")
    e_tot = t + M_PROTON_GEV
    outside = (e_tot < lo) | (e_tot > hi)
    if np.any(outside):
        pp = _dsigma(channel, t[outside], e, low_energy)
        out[outside] = pp * k14.wounded_nucleon_ratio(t[outside], 4)[:, None]
    return out
