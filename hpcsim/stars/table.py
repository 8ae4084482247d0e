"""Main-sequence properties of massive stars vs initial mass, from MIST v1.0 tracks.

The table ``hpcsim/data/mist_v1.0_ms_table.csv`` is derived from the MIST v1.0 rotating
(v/vcrit = 0.4) solar-metallicity EEP tracks (Choi et al. 2016, ApJ 823, 102; Dotter 2016,
ApJS 222, 8) by ``tools/make_star_table.py``: per initial mass, the turn-off time (age at the
TAMS EEP), the age at the end of the track, and the star at the IAMS EEP (central X = 0.3),
which stands for the whole main sequence in the wind calculation (seed 000 Sec. 2 neglects
post-main-sequence evolution except the Wolf-Rayet phase).  Values between grid masses are
interpolated linearly in log(initial mass).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

TABLE_PATH = os.path.join(os.path.dirname(__file__), "..", "data", "mist_v1.0_ms_table.csv")


@dataclass(frozen=True)
class StarTable:
    log_m: np.ndarray  # log10 initial mass [Msun]
    t_tams: np.ndarray  # turn-off (TAMS) age [Myr]
    t_end: np.ndarray  # end of track [Myr]
    log_l: np.ndarray  # log10 L/Lsun at IAMS
    log_teff: np.ndarray  # log10 Teff/K at IAMS
    log_r: np.ndarray  # log10 R/Rsun at IAMS
    mass: np.ndarray  # current mass at IAMS [Msun]
    log_l_tams: np.ndarray  # log10 L/Lsun at TAMS (Wolf-Rayet luminosity)
    mass_tams: np.ndarray  # current mass at TAMS [Msun]

    def interp(self, name: str, m_ini):
        """Column ``name`` at initial masses ``m_ini`` [Msun] (linear in log m, clamped)."""
        return np.interp(np.log10(m_ini), self.log_m, getattr(self, name))


def load_star_table(path: str = TABLE_PATH) -> StarTable:
    data = np.loadtxt(path, delimiter=",", comments="#")
    return StarTable(np.log10(data[:, 0]), *(np.ascontiguousarray(data[:, i]) for i in range(1, 9)))
