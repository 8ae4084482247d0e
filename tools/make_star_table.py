#!/usr/bin/env python
"""Derive hpcsim's main-sequence star table from MIST v1.0 EEP tracks.

Usage: python tools/make_star_table.py MIST_EEP_DIRECTORY [OUT.csv]

For every initial mass in the grid it records the age at the TAMS EEP (turn-off time), the age
at the end of the track (taken as the supernova time), and the star at the IAMS EEP (central
X = 0.3, the middle of the main sequence): log L, log Teff, log R and current mass, plus L and
mass at the TAMS (used for the Wolf-Rayet phase).  Data: Choi et al. 2016 (ApJ 823, 102),
Dotter 2016 (ApJS 222, 8); grid MIST v1.0, [Fe/H] = 0, v/vcrit = 0.4.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from hpcsim.stars.mist import EEP_IAMS, EEP_TAMS, find_tracks, read_eep  # noqa: E402


def main(argv):
    src = argv[1]
    out = argv[2] if len(argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "hpcsim",
                                                     "data", "mist_v1.0_ms_table.csv")
    rows = []
    for mass, path in find_tracks(src).items():
        t = read_eep(path)
        i, j = EEP_IAMS - 1, EEP_TAMS - 1
        rows.append((mass, t["star_age"][j] / 1e6, t["star_age"][-1] / 1e6, t["log_L"][i],
                     t["log_Teff"][i], t["log_R"][i], t["star_mass"][i], t["log_L"][j],
                     t["star_mass"][j]))
    with open(out, "w") as fh:
        fh.write("# Main-sequence properties of massive stars from MIST v1.0 EEP tracks\n"
                 "# ([Fe/H]=0, v/vcrit=0.4; Choi et al. 2016 ApJ 823 102; Dotter 2016 ApJS 222 8)\n"
                 "# made by tools/make_star_table.py; IAMS = EEP 353, TAMS = EEP 454\n"
                 "# m_ini[Msun],t_tams[Myr],t_end[Myr],logL_iams[Lsun],logTeff_iams[K],"
                 "logR_iams[Rsun],mass_iams[Msun],logL_tams[Lsun],mass_tams[Msun]\n")
        for r in rows:
            fh.write(",".join(f"{x:.6g}" for x in r) + "\n")
    print(f"wrote {len(rows)} masses to {out}")


if __name__ == "__main__":
    main(sys.argv)
