"""Stellar-track grid with interpolation in initial mass: any 8-150 Msun star has a track.

Built from a directory of MIST EEP files (:mod:`hpcsim.stars.mist`).  Seed 001 Sec. II.1 uses
MIST (Choi et al. 2016, ApJ 823, 102; Dotter 2016, ApJS 222, 8) solar-metallicity rotating
tracks for 8-150 Msun.

Interpolation (standard MIST/isochrone practice, Dotter 2016 Sec. 4; PHYSICS-NOTES Sec. 1):

1. Every track is put on its EEP index.  Only EEPs from the ZAMS (EEP 202) on are kept: the MESA
   pre-main-sequence contraction of a fully formed massive star is not physical (massive stars
   form by accretion) and would show up as a spurious cool phase.  For ages before the ZAMS age
   of the track (1e4-3e5 yr for 150-8 Msun) the ZAMS values are used.  Ages are MIST's
   ``star_age`` (time since the start of the MESA run), i.e. the time since cluster formation.
2. For an initial mass M0 between grid masses Ma < Mb every column is interpolated at fixed EEP,
   linearly in log M0: weight w = log(M0/Ma) / log(Mb/Ma).  Columns that MIST gives as logs
   (log L, log Teff, log R, log Z_surf) are interpolated in the log; age, current mass and the
   mass-loss rate are interpolated in their logs; surface mass fractions linearly (this keeps
   sums of mass fractions exact).  M0 equal to a grid mass reproduces that track exactly.
3. At a given age, every column is interpolated linearly in log(age) between the two EEPs that
   bracket it.  Beyond the last EEP (end of core C burning) the star is dead: zero wind.

Known property of the data (MIST v1.0 rotating, solar; checked here): the lifetime (age at the
last EEP) falls monotonically with mass from 8 to 80 Msun (43.2 -> 3.69 Myr), but not above:
85-100 Msun live 3.9-4.0 Myr and the decline resumes above 100 Msun (150 Msun: 3.22 Myr).  The
grid is used as it is; interpolated lifetimes always lie between those of the two neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..constants import MSUN_PER_YR
from .mist import EEP_ZAMS, TrackDataError, find_tracks, read_eep
from .phases import PhaseCriteria, classify_phase

#: Elements whose surface mass fractions are carried (seed 001 Table 3 species + N);
#: value = MIST columns summed (isotopes carried by the MIST network).
ELEMENT_COLUMNS = {
    "H": ("surface_h1",),
    "He": ("surface_he3", "surface_he4"),
    "C": ("surface_c12", "surface_c13"),
    "N": ("surface_n14",),
    "O": ("surface_o16",),
    "Ne": ("surface_ne20",),
    "Mg": ("surface_mg24",),
    "Si": ("surface_si28",),
    "S": ("surface_s32",),
    "Fe": ("surface_fe56",),
}
ELEMENTS = tuple(ELEMENT_COLUMNS)
LOG_FLOOR_MDOT = 1.0e-30  # Msun/yr floor before taking the log of the mass-loss rate

# Internal column layout of the grid array (all interpolated linearly in these variables).
_LOG_COLS = ("log_age", "log_mass", "log_mdot", "log_L", "log_Teff", "log_R", "log_Z_surf")
_LIN_COLS = tuple(f"X_{e}" for e in ELEMENTS)
COLUMNS = _LOG_COLS + _LIN_COLS
_IDX = {n: i for i, n in enumerate(COLUMNS)}


def _track_columns(raw: dict[str, np.ndarray], first_row: int) -> np.ndarray:
    """(n_eep, n_col) array of the interpolation variables from one MIST track."""
    s = slice(first_row, None)
    cols = [
        np.log10(raw["star_age"][s]),
        np.log10(raw["star_mass"][s]),
        np.log10(np.maximum(-raw["star_mdot"][s], LOG_FLOOR_MDOT)),
        raw["log_L"][s], raw["log_Teff"][s], raw["log_R"][s], raw["log_surf_z"][s],
    ]
    for e in ELEMENTS:
        cols.append(sum(raw[c][s] for c in ELEMENT_COLUMNS[e]))
    return np.column_stack(cols)


@dataclass
class TrackGrid:
    """MIST tracks on their EEPs (from the ZAMS on) for a set of initial masses.

    ``masses`` [Msun] ascending; ``data[i, k, c]`` column ``COLUMNS[c]`` of track ``i`` at EEP
    ``EEP_ZAMS + k`` (NaN-padded beyond ``n_eep[i]``).
    """

    masses: np.ndarray
    data: np.ndarray
    n_eep: np.ndarray
    source: str = ""
    files: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_directory(cls, directory: str, m_min: float = 0.0, m_max: float = np.inf,
                       first_eep: int = EEP_ZAMS) -> "TrackGrid":
        """Load all MIST EEP tracks in ``directory`` with m_min <= M0 <= m_max [Msun]."""
        files = {m: f for m, f in find_tracks(directory).items() if m_min <= m <= m_max}
        if len(files) < 2:
            raise TrackDataError(f"{directory}: need at least two MIST tracks in "
                                 f"[{m_min}, {m_max}] Msun, found {len(files)}")
        tracks = []
        for m, f in files.items():
            raw = read_eep(f)
            if len(raw["star_age"]) <= first_eep:
                raise TrackDataError(f"{f}: track ends before EEP {first_eep} (ZAMS)")
            tracks.append(_track_columns(raw, first_eep - 1))
        n = np.array([t.shape[0] for t in tracks])
        data = np.full((len(tracks), n.max(), len(COLUMNS)), np.nan)
        for i, t in enumerate(tracks):
            data[i, :t.shape[0]] = t
        return cls(np.array(sorted(files)), data, n, source=directory, files=files)

    # ------------------------------------------------------------------ interpolation
    def _bracket(self, m0):
        """Indices i and weights w (linear in log M0) with masses[i] <= M0 <= masses[i+1]."""
        m0 = np.asarray(m0, dtype=float)
        if np.any(m0 < self.masses[0]) or np.any(m0 > self.masses[-1]):
            raise ValueError(f"initial mass outside the track grid "
                             f"[{self.masses[0]}, {self.masses[-1]}] Msun")
        i = np.clip(np.searchsorted(self.masses, m0, side="right") - 1, 0, len(self.masses) - 2)
        lm = np.log10(self.masses)
        w = (np.log10(m0) - lm[i]) / (lm[i + 1] - lm[i])
        return i, w

    def track(self, m0: float) -> np.ndarray:
        """Interpolated track of initial mass ``m0`` [Msun]: (n_eep, n_col) array, COLUMNS order.

        At fixed EEP, linear in log M0 (module docstring).  Exact for a grid mass.
        """
        i, w = self._bracket(m0)
        i, w = int(i), float(w)
        if w == 0.0:
            return self.data[i, :self.n_eep[i]].copy()
        if w == 1.0:
            return self.data[i + 1, :self.n_eep[i + 1]].copy()
        n = min(self.n_eep[i], self.n_eep[i + 1])
        return (1.0 - w) * self.data[i, :n] + w * self.data[i + 1, :n]

    def lifetime(self, m0) -> np.ndarray:
        """Age at the last EEP (end of core C burning) [yr] for initial masses ``m0`` [Msun]."""
        m0 = np.atleast_1d(np.asarray(m0, dtype=float))
        return np.array([10.0 ** self.track(m)[-1, _IDX["log_age"]] for m in m0])

    def star_history(self, m0: float, t_yr, criteria: PhaseCriteria = PhaseCriteria()) -> dict:
        """Properties of a star of initial mass ``m0`` [Msun] at ages ``t_yr`` [yr] (array).

        Returns a dict of arrays (same shape as ``t_yr``):

        ``alive`` bool; ``mass`` current mass [Msun]; ``mdot`` mass-loss rate [g/s] (>= 0, from
        MIST ``-star_mdot``; 0 when dead); ``log_L`` [log10 Lsun]; ``log_Teff`` [log10 K];
        ``log_R`` [log10 Rsun]; ``Z_surf`` surface metal mass fraction; ``X_H, X_He, X_C, X_N,
        X_O, X_Ne, X_Mg, X_Si, X_S, X_Fe`` surface mass fractions; ``phase`` (int8 codes of
        :mod:`hpcsim.stars.phases`).  A dead star keeps its last-EEP values except mdot = 0
        and phase = DEAD.  Interpolation as in the module docstring.
        """
        t = np.asarray(t_yr, dtype=float)
        if np.any(t <= 0.0):
            raise ValueError("ages must be > 0 yr")
        tr = self.track(m0)
        la = tr[:, _IDX["log_age"]]
        lt = np.log10(t)
        col = {n: np.interp(lt, la, tr[:, _IDX[n]]) for n in COLUMNS if n != "log_age"}
        return self._assemble(col, lt <= la[-1], criteria)

    def evaluate(self, m0, t_yr: float, criteria: PhaseCriteria = PhaseCriteria(),
                 chunk: int = 20000) -> dict:
        """Same quantities as :meth:`star_history` for many initial masses ``m0`` at one age.

        Vectorised over stars (used for direct sums over IMF-sampled populations); gives the
        same numbers as :meth:`star_history` up to rounding.
        """
        m0 = np.atleast_1d(np.asarray(m0, dtype=float))
        lt = np.log10(float(t_yr))
        out = {n: np.empty(m0.shape) for n in COLUMNS if n != "log_age"}
        alive = np.empty(m0.shape, dtype=bool)
        ia = _IDX["log_age"]
        for s in range(0, m0.size, chunk):
            sl = slice(s, s + chunk)
            i, w = self._bracket(m0[sl])
            n_common = np.minimum(self.n_eep[i], self.n_eep[i + 1])
            a = self.data[i, :, ia]
            b = self.data[i + 1, :, ia]
            la = (1.0 - w)[:, None] * a + w[:, None] * b  # NaN beyond n_common
            last = la[np.arange(la.shape[0]), n_common - 1]
            alive[sl] = lt <= last
            # upper bracketing EEP k: first EEP with log age >= lt (clipped to [1, n_common-1])
            k = np.sum(np.nan_to_num(la, nan=np.inf) < lt, axis=1)
            k = np.clip(k, 1, n_common - 1)
            rows = np.arange(la.shape[0])
            x0, x1 = la[rows, k - 1], la[rows, k]
            f = np.clip((lt - x0) / (x1 - x0), 0.0, 1.0)
            for n in out:
                c = _IDX[n]
                v0 = (1.0 - w) * self.data[i, k - 1, c] + w * self.data[i + 1, k - 1, c]
                v1 = (1.0 - w) * self.data[i, k, c] + w * self.data[i + 1, k, c]
                out[n][sl] = v0 + f * (v1 - v0)
        return self._assemble(out, alive, criteria)

    @staticmethod
    def _assemble(col: dict, alive, criteria: PhaseCriteria) -> dict:
        """Physical-unit dict from interpolated columns (see :meth:`star_history`)."""
        alive = np.asarray(alive, dtype=bool)
        h = {"alive": alive,
             "mass": 10.0 ** col["log_mass"],
             "mdot": np.where(alive, 10.0 ** col["log_mdot"] * MSUN_PER_YR, 0.0),
             "log_L": col["log_L"], "log_Teff": col["log_Teff"], "log_R": col["log_R"],
             "Z_surf": 10.0 ** col["log_Z_surf"]}
        for e in ELEMENTS:
            h[f"X_{e}"] = col[f"X_{e}"]
        h["phase"] = classify_phase(10.0 ** h["log_Teff"], h["X_H"], h["X_C"], h["X_N"],
                                    alive, criteria)
        return h
