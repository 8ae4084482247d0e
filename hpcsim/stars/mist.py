"""Reader, writer and locator for MIST stellar evolution tracks in the official ASCII EEP format.

MIST: Dotter 2016 (ApJS 222, 8), Choi et al. 2016 (ApJ 823, 102), built on MESA (Paxton et al.
2011, 2013, 2015).  A ``.track.eep`` file has 11 header lines, a column-name line starting with
``#`` and one row per equivalent evolutionary point (EEP).  Primary EEPs (1-based rows) are
1 PMS start, 202 ZAMS, 353 IAMS (central X = 0.3), 454 TAMS, 605 RGB tip, 631 ZACHeB,
707 TACHeB, 808 end of core C burning (Dotter 2016, Table 2).

Files may be gzip-compressed.  Where MIST ships a complete ``_INTERP`` file next to a truncated
raw track (8, 38, 40, 50 Msun in the v1.0 rotating solar grid) the ``_INTERP`` file is used.

Where the tracks live
---------------------
Tracks are looked up in a cache directory: an explicit ``data_dir`` argument (the configuration),
else the environment variable ``HPCSIM_DATA_DIR``, else ``~/.cache/hpcsim``; inside it, in
``mist/<grid name>/`` (``<grid name>`` as the official tarball unpacks, e.g.
``MIST_v1.2_feh_p0.00_afe_p0.0_vvcrit0.4_EEPS``).  ``hpcsim data fetch mist`` (see
``hpcsim.stars.mist_fetch``) downloads the official archive there.
"""

from __future__ import annotations

import glob
import gzip
import os
import re

import numpy as np

EEP_ZAMS, EEP_IAMS, EEP_TAMS = 202, 353, 454  # 1-based row numbers (Dotter 2016, Table 2)

DATA_DIR_ENV = "HPCSIM_DATA_DIR"
DEFAULT_DATA_DIR = os.path.join("~", ".cache", "hpcsim")
#: The grid seed 001 describes (MIST solar, rotating v/vcrit = 0.4); v1.2 is what the official
#: download gives.  The development copy in ../shared/data/mist is v1.0 (see PROVENANCE.md there).
GRID_V12 = "MIST_v1.2_feh_p0.00_afe_p0.0_vvcrit0.4_EEPS"
GRID_V10 = "MIST_v1.0_feh_p0.00_afe_p0.0_vvcrit0.4_EEPS"
DEFAULT_GRIDS = (GRID_V12, GRID_V10)
N_HEADER = 11  # header lines before the column-name line


class TrackDataError(Exception):
    """Stellar-track files are missing or malformed."""


def read_eep_header(path: str) -> list[str]:
    """The 12 header lines (11 header + column names) of a MIST EEP file, newline-stripped."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt") as fh:
            return [fh.readline().rstrip("\n") for _ in range(N_HEADER + 1)]
    except OSError as exc:
        raise TrackDataError(f"{path}: not a readable MIST EEP file ({exc})") from None


def read_eep(path: str) -> dict[str, np.ndarray]:
    """Read one MIST EEP file into ``{column_name: array}`` plus ``initial_mass`` [Msun].

    Units are MIST's: ``star_age`` [yr], ``star_mass`` [Msun], ``star_mdot`` [Msun/yr, negative
    for mass loss], ``log_*`` decimal logs in solar units / K / cgs, ``surface_*`` mass fractions.
    """
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt") as fh:
            header = [fh.readline() for _ in range(N_HEADER + 1)]
            data = np.loadtxt(fh, ndmin=2)
    except (OSError, ValueError, EOFError) as exc:
        raise TrackDataError(f"{path}: not a readable MIST EEP file ({exc})") from None
    if not header[0].startswith("# MIST version"):
        raise TrackDataError(f"{path}: not a MIST EEP file (first line {header[0][:40]!r})")
    names = header[N_HEADER].lstrip("#").split()
    if data.ndim != 2 or data.shape[1] != len(names):
        raise TrackDataError(f"{path}: {data.shape} data do not match {len(names)} columns")
    out = {n: data[:, i] for i, n in enumerate(names)}
    out["initial_mass"] = np.array(float(header[7].lstrip("#").split()[0]))
    return out


def write_eep(path: str, track: dict[str, np.ndarray], header: list[str]) -> None:
    """Write a track (as returned by :func:`read_eep`) in the MIST ASCII EEP layout.

    ``header`` is the 12-line header of :func:`read_eep_header` (its last line, the column
    names, fixes the column order).  Numbers are written with 17 significant digits, so
    ``read_eep(write_eep(x))`` returns bit-identical floats.  A ``.gz`` path is gzip-compressed.
    """
    if len(header) != N_HEADER + 1:
        raise ValueError(f"header must have {N_HEADER + 1} lines, got {len(header)}")
    names = header[N_HEADER].lstrip("#").split()
    data = np.column_stack([np.asarray(track[n], dtype=float) for n in names])
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wt") as fh:
        for line in header:
            fh.write(line + "\n")
        np.savetxt(fh, data, fmt="%32.16E", delimiter="")


def find_tracks(directory: str) -> dict[float, str]:
    """Map initial mass [Msun] -> track file in ``directory`` (``_INTERP`` preferred)."""
    files = glob.glob(os.path.join(directory, "*M.track.eep*"))
    if not files:
        raise TrackDataError(missing_tracks_message([directory]))
    tracks: dict[float, str] = {}
    for f in sorted(files):
        m = re.match(r"(\d{5})M\.track\.eep(_INTERP)?(\.gz)?$", os.path.basename(f))
        if not m:
            continue
        mass = int(m.group(1)) / 100.0
        if mass not in tracks or m.group(2):
            tracks[mass] = f
    return dict(sorted(tracks.items()))


def data_dir(configured: str | None = None) -> str:
    """The hpcsim data cache: ``configured`` if given, else $HPCSIM_DATA_DIR, else ~/.cache/hpcsim."""
    d = configured or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    return os.path.abspath(os.path.expanduser(d))


def missing_tracks_message(looked_in: list[str]) -> str:
    """The one error text for absent MIST tracks: where we looked and how to get the files."""
    where = "\n".join(f"  - {p}" for p in looked_in)
    return (
        "MIST EEP track files (*M.track.eep or *M.track.eep.gz) not found. Looked in:\n"
        f"{where}\n"
        "To obtain them, either\n"
        "  * run `hpcsim data fetch mist` (downloads the official MIST v1.2 solar rotating EEP "
        "archive, verifies its SHA-256 and unpacks it into <data dir>/mist/), or\n"
        f"  * copy the MIST EEP files by hand into <data dir>/mist/{GRID_V12}/ "
        "(from https://mist.science/data/tarballs_v1.2/"
        f"{GRID_V12}.txz),\n"
        f"where <data dir> is the configured data directory, else ${DATA_DIR_ENV}, "
        f"else {DEFAULT_DATA_DIR}.\n"
        "If you already have a copy of the EEP files (e.g. ../shared/data/mist/"
        f"{GRID_V10}), point hpcsim at it instead:\n"
        '  * set  track_dir = "/path/to/the/directory/with/the/EEP/files"  in the [injection] '
        "section of the configuration, or\n"
        f"  * export {DATA_DIR_ENV}=/path/to/data  where /path/to/data/mist/<grid name>/ holds the "
        f"files (<grid name> = {GRID_V12} or {GRID_V10}).")


def locate_tracks(track_dir: str | None = None, data_dir_: str | None = None,
                  grids: tuple[str, ...] = DEFAULT_GRIDS) -> str:
    """Directory holding the MIST EEP tracks to use.

    ``track_dir`` (explicit) wins; otherwise ``<data dir>/mist/<grid>/`` for each grid name in
    ``grids`` (v1.2 first, then v1.0).  Raises :class:`TrackDataError` with
    :func:`missing_tracks_message` if nothing is found.
    """
    if track_dir is not None:
        candidates = [os.path.abspath(os.path.expanduser(track_dir))]
    else:
        base = os.path.join(data_dir(data_dir_), "mist")
        candidates = [os.path.join(base, g) for g in grids]
    for c in candidates:
        if glob.glob(os.path.join(c, "*M.track.eep*")):
            return c
    raise TrackDataError(missing_tracks_message(candidates))
