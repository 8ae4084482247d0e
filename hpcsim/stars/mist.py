"""Reader for MIST stellar evolution tracks in the official ASCII EEP format.

MIST: Dotter 2016 (ApJS 222, 8), Choi et al. 2016 (ApJ 823, 102), built on MESA (Paxton et al.
2011, 2013, 2015).  A ``.track.eep`` file has 11 header lines, a column-name line starting with
``#`` and one row per equivalent evolutionary point (EEP).  Primary EEPs (1-based rows) are
1 PMS start, 202 ZAMS, 353 IAMS (central X = 0.3), 454 TAMS, 605 RGB tip, 631 ZACHeB,
707 TACHeB, 808 end of core C burning (Dotter 2016, Table 2).

Files may be gzip-compressed.  Where MIST ships a complete ``_INTERP`` file next to a truncated
raw track (8, 38, 40, 50 Msun in the v1.0 rotating solar grid) the ``_INTERP`` file is used.
"""

from __future__ import annotations

import glob
import gzip
import os
import re

import numpy as np

EEP_ZAMS, EEP_IAMS, EEP_TAMS = 202, 353, 454  # 1-based row numbers (Dotter 2016, Table 2)


class TrackDataError(Exception):
    """Stellar-track files are missing or malformed."""


def read_eep(path: str) -> dict[str, np.ndarray]:
    """Read one MIST EEP file into ``{column_name: array}`` plus ``initial_mass`` [Msun]."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt") as fh:
            header = [fh.readline() for _ in range(12)]
            data = np.loadtxt(fh)
    except (OSError, ValueError) as exc:
        raise TrackDataError(f"{path}: not a readable MIST EEP file ({exc})") from None
    if not header[0].startswith("# MIST version"):
        raise TrackDataError(f"{path}: not a MIST EEP file (first line {header[0][:40]!r})")
    names = header[11].lstrip("#").split()
    if data.ndim != 2 or data.shape[1] != len(names):
        raise TrackDataError(f"{path}: {data.shape} data do not match {len(names)} columns")
    out = {n: data[:, i] for i, n in enumerate(names)}
    out["initial_mass"] = np.array(float(header[7].lstrip("#").split()[0]))
    return out


def find_tracks(directory: str) -> dict[float, str]:
    """Map initial mass [Msun] -> track file in ``directory`` (``_INTERP`` preferred)."""
    files = glob.glob(os.path.join(directory, "*M.track.eep*"))
    if not files:
        raise TrackDataError(
            f"no MIST EEP tracks (*M.track.eep[.gz]) in {directory}. Download the official "
            "grid with `hpcsim data fetch mist` or point the configuration at a directory "
            "holding it")
    tracks: dict[float, str] = {}
    for f in sorted(files):
        m = re.match(r"(\d{5})M\.track\.eep(_INTERP)?(\.gz)?$", os.path.basename(f))
        if not m:
            continue
        mass = int(m.group(1)) / 100.0
        if mass not in tracks or m.group(2):
            tracks[mass] = f
    return dict(sorted(tracks.items()))
