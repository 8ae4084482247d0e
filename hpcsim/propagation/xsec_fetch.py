"""Download DRAGON2's published cross-section tables into the hpcsim data cache.

``hpcsim data fetch xsec`` calls :func:`fetch_xsec`: for each file of
:data:`~.cross_sections.XSEC_SHA256` it streams
``<base>/<file>`` (default base: the raw files of github.com/cosmicrays/DRAGON2-Beta_version at
commit :data:`~.cross_sections.DRAGON2_COMMIT`, directory ``data/``; ``file://`` bases work
too), checks the SHA-256 against the recorded value and moves the file into place atomically.
A file already present with the right digest is not downloaded again.  Nothing is left
half-written when a step fails.  The tables are the data of Evoli et al. 2018 (JCAP 07, 006)
and Evoli, Aloisio & Blasi 2019 (PRD 99, 103023) and Barashenkov & Polanski (1994): cite them.
"""

from __future__ import annotations

import os

from ..stars.mist_fetch import MistFetchError, _download, sha256_file
from .cross_sections import DRAGON2_COMMIT, DRAGON2_REPO, XSEC_SHA256

DEFAULT_BASE = f"https://raw.githubusercontent.com/{DRAGON2_REPO}/{DRAGON2_COMMIT}/data"


class XsecFetchError(Exception):
    """Download or verification of a cross-section table failed."""


def fetch_xsec(dest_dir: str, base: str = DEFAULT_BASE, force: bool = False,
               timeout: float = 60.0) -> list[str]:
    """Fetch every table into ``dest_dir``; returns their paths.  Raises XsecFetchError."""
    dest_dir = os.path.abspath(os.path.expanduser(dest_dir))
    os.makedirs(dest_dir, exist_ok=True)
    paths = []
    for name, digest in XSEC_SHA256.items():
        final = os.path.join(dest_dir, name)
        paths.append(final)
        if not force and os.path.isfile(final) and sha256_file(final) == digest:
            continue
        tmp = os.path.join(dest_dir, f".{name}.part.{os.getpid()}")
        try:
            try:
                got = _download(f"{base.rstrip('/')}/{name}", tmp, timeout)
            except MistFetchError as exc:
                raise XsecFetchError(str(exc).replace("MIST", "cross-section")) from None
            if got != digest:
                raise XsecFetchError(f"SHA-256 mismatch for {name}: got {got}, expected "
                                     f"{digest}; nothing was installed")
            os.replace(tmp, final)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return paths
