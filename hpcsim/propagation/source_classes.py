"""The four source classes of seed 001 Sec. IV (Qiu, Lin & Yang 2026): supernova remnants,
O-type and Wolf-Rayet single-star winds, and massive-star-cluster (MSC) collective winds.

Injection per unit momentum vs rigidity (seed 001 Table 2; Eq. 16 for SNRs, Eq. 6 for winds):

    SNR:      R^-2.2 below R_br = 10 GV, R^-2.45 above, exp(-R / 50 TV)
    O-type:   R^-1.95 exp(-R / 60 TV)
    WR:       R^-1.95 exp(-R / 150 TV)
    MSC:      R^-2.1 exp(-R / 5000 TV)

Element abundances (number fractions at equal rigidity) of seed 001 Table 3 for H, He, C, O, Mg,
Si, S, Fe.  The seed's GALPROP runs need the other primaries too (N, Ne, Na, Al, Ar, Ca, ...,
which feed B and the sub-Fe elements); the seed does not list them.  For the SNR class we take
them from the source abundances of DRAGON2's BaseModel (Evoli et al. 2017, JCAP 02, 015; the
per-isotope values of its example source.param), scaled to Table 3 through O (for Z <= 8) and
through Si (heavier); the stellar classes inject only their Table 3 elements.  Isotopes of the
Table 3 elements at solar-system fractions (Lodders 2003, ApJ 591, 1220).

Class powers (seed 001 Secs. III.3 and IV): CRs above 1 GV carry a fixed fraction of each class's
energy budget: SNRs 1e49 erg/yr (1e51 erg per century), MSC collective winds 4e48 erg/yr
(seed Eq. 14), winds of stars in clusters below 1e4 Msun 1e49 erg/yr split between the O-type
and WR phases by their share of the wind energy (default half each; the injection stage gives
the share when ``from_injection`` is used).  Only the ratios matter: the sum is normalised on
the AMS-02 proton flux at 100 GV.
"""

from __future__ import annotations

import numpy as np

from ..constants import AMU_GEV, ERG_PER_GEV
from .nuclides import ELEMENT_Z
from .sources import Injection, SourceComposition

CLASSES = ("snr", "o_type", "wr", "msc")
LABELS = {"snr": "SNRs", "o_type": "O-type winds", "wr": "WR winds", "msc": "MSC winds"}

#: seed 001 Table 2: (slopes, breaks [GV], R_max [GV])
TABLE2 = {"snr": ((2.2, 2.45), (10.0,), 50.0e3), "o_type": ((1.95,), (), 60.0e3),
          "wr": ((1.95,), (), 150.0e3), "msc": ((2.1,), (), 5000.0e3)}

#: seed 001 Table 3: element number fractions at equal rigidity
TABLE3 = {
    "snr": {1: 8.00e-1, 2: 1.78e-1, 6: 6.69e-3, 8: 8.48e-3, 12: 1.97e-3, 14: 1.69e-3,
            16: 3.30e-4, 26: 1.74e-3},
    "o_type": {1: 8.73e-1, 2: 1.26e-1, 6: 1.91e-4, 8: 3.85e-4, 12: 3.43e-5, 14: 3.26e-5,
               16: 1.37e-5, 26: 3.95e-5},
    "wr": {1: 4.73e-2, 2: 8.66e-1, 6: 4.89e-2, 8: 3.48e-2, 12: 1.14e-4, 14: 1.06e-4,
           16: 4.00e-5, 26: 1.34e-4},
    "msc": {1: 7.99e-1, 2: 1.94e-1, 6: 4.80e-3, 8: 1.71e-3, 12: 4.11e-5, 14: 3.89e-5,
            16: 1.61e-5, 26: 4.74e-5},
}

#: solar-system isotope fractions (Lodders 2003, Table 6) of the Table 3 elements
SOLAR_ISOTOPES = {
    1: {1: 1.0},  # deuterium is not a source species
    2: {3: 1.66e-4, 4: 1.0 - 1.66e-4},
    6: {12: 0.9893, 13: 0.0107},
    7: {14: 0.9964, 15: 0.0036},
    8: {16: 0.9976, 17: 0.0004, 18: 0.0020},
    10: {20: 0.9048, 21: 0.0027, 22: 0.0925},
    12: {24: 0.7899, 25: 0.1000, 26: 0.1101},
    14: {28: 0.9223, 29: 0.0468, 30: 0.0309},
    16: {32: 0.9499, 33: 0.0075, 34: 0.0425, 36: 0.0001},
    26: {54: 0.0585, 56: 0.9175, 57: 0.0212, 58: 0.0028},
}

#: other primaries of the SNR class: per-isotope source abundances of DRAGON2's BaseModel
#: (relative units; equal momentum per nucleon there, converted below), Z -> {A: a}
DRAGON2_EXTRA = {
    7: {14: 229.0, 15: 5.961e-5}, 9: {19: 2.664e-8}, 10: {20: 312.5, 21: 0.003556, 22: 100.1},
    11: {23: 22.84}, 13: {27: 76.42}, 15: {31: 4.242}, 17: {35: 0.7044, 37: 0.001167},
    18: {36: 9.829, 38: 0.6357}, 19: {39: 1.389}, 20: {40: 51.13, 42: 1.134e-6, 44: 9.928e-5,
                                                          48: 0.1099},
    21: {45: 1.635}, 22: {46: 5.558, 47: 8.947, 48: 6.05e-7, 49: 5.854e-9, 50: 6.083e-7},
    23: {50: 1.818e-5, 51: 5.987e-9}, 24: {50: 2.873, 52: 8.065, 53: 0.003014, 54: 0.4173},
    25: {53: 6.499, 55: 1.273}, 27: {59: 2.214}, 28: {58: 28.88, 60: 11.9, 61: 0.5992,
                                                      62: 1.426},
}
DRAGON2_O16, DRAGON2_SI28 = 3822.0, 725.7  # the reference isotopes of that table


def class_injections(name: str, r_max_scale: float = 1.0, slopes=None, r_max=None,
                     abundances=None) -> SourceComposition:
    """The injection of one class as a :class:`~.sources.SourceComposition` (per unit momentum,
    vs rigidity).  ``slopes``/``r_max`` [GV]/``abundances`` ({Z: fraction}) override the seed's
    Tables 2-3 (e.g. with the injection stage's own values)."""
    if name not in CLASSES:
        raise ValueError(f"unknown source class {name!r} (one of {CLASSES})")
    s, br, rm = TABLE2[name]
    s = tuple(slopes) if slopes is not None else s
    rm = (r_max if r_max is not None else rm) * r_max_scale
    if len(s) != len(br) + 1:
        br = ()
    ab = dict(abundances if abundances is not None else TABLE3[name])
    iso = {}
    for Z, frac in ab.items():
        # Table 3 counts particles per unit rigidity; per unit momentum (p = Z R) that is / Z
        for A, f in SOLAR_ISOTOPES.get(Z, {2 * Z: 1.0}).items():
            iso[(Z, A)] = Injection(frac * f / Z, s, br, rm)
    if name == "snr" and abundances is None:
        # DRAGON2's a is per unit momentum per nucleon at equal p_n: per unit (total) momentum
        # a / A; at equal rigidity the A/Z of the reference isotope (2) and of the element
        # agree for all but a few, so the ratio to the reference isotope is (a/A)/(a_ref/A_ref)
        refs = {False: (iso[(8, 16)].abundance, DRAGON2_O16 / 16.0),
                True: (iso[(14, 28)].abundance, DRAGON2_SI28 / 28.0)}
        for Z, isos in DRAGON2_EXTRA.items():
            ours, theirs = refs[Z >= 10]
            for A, a in isos.items():
                iso[(Z, A)] = Injection(ours * (a / A) / theirs, s, br, rm)
    return SourceComposition(iso)


#: propagation class <- injection-stage class (hpcsim.acceleration.injection.INJECTION_CLASSES)
FROM_INJECTION = {"o_type": "o_type", "wr": "wr", "msc": "msc_window"}


def injection_stage_class(elements, summary_class: dict) -> SourceComposition:
    """A stellar class from the injection stage's own results (``sources.from_injection``):
    the Eq. 6 form R^gamma_Z exp(-R / R_max) with the element indices ``gamma`` (dN/dR ~ R^gamma,
    gamma < 0), the class cutoff ``r_max`` [GV] (seed Eq. 13 on the all-nuclei spectrum) and
    the abundances at equal rigidity (the class's column of Table 3 as computed) of one entry of
    :func:`hpcsim.acceleration.injection.class_injection_summary`.  Isotopes at solar fractions
    and per unit momentum (/ Z), as :func:`class_injections` does for the seed's tables."""
    iso = {}
    for sym, gam, frac in zip(elements, summary_class["gamma"], summary_class["abundance"]):
        Z = ELEMENT_Z[sym]
        for A, f in SOLAR_ISOTOPES.get(Z, {2 * Z: 1.0}).items():
            iso[(Z, A)] = Injection(frac * f / Z, (-float(gam),), (),
                                    float(summary_class["r_max"]))
    return SourceComposition(iso)


def wind_budget_split(total_erg_yr: float, e_o_type: float, e_wr: float) -> tuple:
    """(O-type, WR) powers [erg/yr]: the small clusters' wind budget ``total_erg_yr`` shared in
    proportion to the CR energies of the two phases from the injection stage (seed 001
    Sec. III.3 gives only the total)."""
    f = e_o_type / (e_o_type + e_wr)
    return total_erg_yr * f, total_erg_yr * (1.0 - f)


def power_above(comp: SourceComposition, r_min: float = 1.0, n: int = 600) -> float:
    """Kinetic power [GeV per unit of the injection normalisation] of particles above rigidity
    r_min [GV]: sum over isotopes of int E_k(p) Q(p) dp (trapezoid in ln p)."""
    total = 0.0
    for (Z, A), inj in comp.isotopes.items():
        R = np.geomspace(r_min, 1e9, n)
        p = Z * R  # GeV/c of the nucleus
        m = A * AMU_GEV
        ek = np.sqrt(p * p + m * m) - m
        total += np.trapezoid(ek * inj.spectrum(R) * p, np.log(p))
    return float(total)


def class_weights(comps: dict, powers_erg_yr: dict) -> dict:
    """Factors that give each class its power above 1 GV (only ratios matter)."""
    return {c: powers_erg_yr[c] / ERG_PER_GEV / power_above(comps[c]) for c in comps}


def fit_class_factors(columns: np.ndarray, y, sigma):
    """Non-negative factors a_c minimising chi^2 = sum_i ((sum_c a_c M_ic - y_i) / sigma_i)^2
    (Lawson & Hanson 1974 NNLS): ``columns`` M [point x class] are the classes' fluxes for unit
    factors at the data points.  Returns (a, chi^2)."""
    from scipy.optimize import nnls
    sigma = np.asarray(sigma, dtype=float)
    M = np.asarray(columns, dtype=float) / sigma[:, None]
    scale = np.abs(M).max(axis=0)  # columns of order 1 for the solver
    scale[scale == 0] = 1.0
    a, rnorm = nnls(M / scale, np.asarray(y, dtype=float) / sigma)
    return a / scale, float(rnorm ** 2)
