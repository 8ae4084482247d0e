"""Wind phase of a massive star from its surface properties (seed 001, Sec. II.1).

Phase codes (``int8``):

====  =====  ==================================================================================
code  name   criterion (first match wins)
====  =====  ==================================================================================
0     dead   age beyond the end of the track (core C exhaustion; the star has exploded/collapsed)
1     O      X_H > 0.4 and Teff > 1.1e4 K                          -- seed 001 Sec. II.1, verbatim
2     RSG    X_H > 0.4 and Teff <= 1.1e4 K, or X_H <= 0.4 and Teff <= 1e4 K        -- our choice
3     WN     X_H <= 0.4, Teff > 1e4 K, X_C <= X_N (surface mass fractions)          -- our choice
4     WC     X_H <= 0.4, Teff > 1e4 K, X_C >  X_N                                   -- our choice
====  =====  ==================================================================================

Choices the seed leaves open (documented here, listed in the README "Physics choices"):

* **O-type** is exactly the seed's definition (Teff > 1.1e4 K and surface X_H > 0.4).  It
  therefore also contains B supergiants and the hot, H-rich, post-main-sequence excursions
  (e.g. the blue loop of a 60 Msun star between its RSG and WR phases).
* **RSG** is everything H-rich (X_H > 0.4) that is not hot enough to be O-type.  The seed says
  that "transitional stages, such as blue supergiants and luminous blue variables ... are not
  distinguished" from RSGs; we follow this literally for Teff <= 1.1e4 K.  A stripped star
  (X_H <= 0.4) cooler than 1e4 K (rare) is also put here, as a cool supergiant.
* **WR**: the seed describes the WR phase as "once the hydrogen-rich envelope is stripped away"
  but gives no threshold.  We use the standard evolutionary-model criterion surface
  X_H < 0.4 and log Teff > 4.0 (Maeder & Meynet 1994; Meynet & Maeder 2003, A&A 404, 975;
  Georgy et al. 2012, A&A 542, A29), which is also the complement of the seed's O-type X_H
  threshold.  MIST's own ``phase == 9`` flag is not used (it is not defined in the EEP files'
  documentation and marks very massive stars as WR while still on the H-burning sequence).
  Note: seed 001 Sec. IV.1 uses a *different* split (WR when X_H < 0.1) for its Table 3 source
  classes; :func:`is_wr_table3` gives that one.
* **WN / WC**: the seed describes WN winds as He dominated and WC winds as C/O dominated, without
  a number.  Default: WC when the surface carbon mass fraction exceeds the nitrogen mass
  fraction (``wc_c_over_n = 1``; the He-burning products have reached the surface, the
  usual "C > N" criterion of evolutionary models, e.g. Georgy et al. 2012).  Setting
  ``wc_c_over_n = 10 * 12/14`` gives the number-ratio criterion C/N > 10 of Smith & Maeder
  (1991, A&A 241, 77).  Because surface C rises by three orders of magnitude within a few
  kyr at the WN -> WC transition, the result depends only weakly on this threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEAD, O_TYPE, RSG, WN, WC = 0, 1, 2, 3, 4
PHASE_NAMES = {DEAD: "dead", O_TYPE: "O", RSG: "RSG", WN: "WN", WC: "WC"}
WR_PHASES = (WN, WC)


@dataclass(frozen=True)
class PhaseCriteria:
    """Thresholds of :func:`classify_phase` (see module docstring for sources)."""

    teff_o_min: float = 1.1e4  # K, seed 001 Sec. II.1
    x_h_o_min: float = 0.4  # surface H mass fraction, seed 001 Sec. II.1
    teff_wr_min: float = 1.0e4  # K, log Teff > 4.0 (Meynet & Maeder 2003; Georgy+2012)
    wc_c_over_n: float = 1.0  # WC when X_C > wc_c_over_n * X_N (mass fractions)


def classify_phase(teff, x_h, x_c, x_n, alive=True, criteria: PhaseCriteria = PhaseCriteria()):
    """Phase code (module table) for arrays of Teff [K], surface mass fractions X_H, X_C, X_N.

    ``alive`` (bool array or scalar) marks stars younger than their track end; others get DEAD.
    Criteria: seed 001 Sec. II.1 (O-type) and the choices in the module docstring.
    """
    teff, x_h, x_c, x_n = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                               for a in (teff, x_h, x_c, x_n)))
    alive = np.broadcast_to(np.asarray(alive, dtype=bool), teff.shape)
    hrich = x_h > criteria.x_h_o_min
    hot_o = teff > criteria.teff_o_min
    hot_wr = teff > criteria.teff_wr_min
    wc = x_c > criteria.wc_c_over_n * x_n
    out = np.full(teff.shape, RSG, dtype=np.int8)
    out[hrich & hot_o] = O_TYPE
    wr = ~hrich & hot_wr
    out[wr & ~wc] = WN
    out[wr & wc] = WC
    out[~alive] = DEAD
    return out


def is_wr(phase):
    """True where ``phase`` is WN or WC."""
    phase = np.asarray(phase)
    return (phase == WN) | (phase == WC)


def is_wr_table3(x_h, x_h_wr: float = 0.1):
    """Seed 001 Sec. IV.1 source split for Table 3: WR when surface X_H < 0.1, O-type otherwise."""
    return np.asarray(x_h, dtype=float) < x_h_wr
