"""Download, verify and unpack the official MIST EEP track archive into the hpcsim data cache.

``hpcsim data fetch mist`` calls :func:`fetch_mist`.  The archive is the MIST v1.2 solar,
rotating (v/vcrit = 0.4) EEP tarball (Choi et al. 2016; Dotter 2016) from mist.science.  It
unpacks to ``MIST_v1.2_feh_p0.00_afe_p0.0_vvcrit0.4_EEPS/NNNNNM.track.eep``, so fetching into
``<data dir>/mist`` gives the layout :func:`hpcsim.stars.mist.locate_tracks` expects.

Steps: stream the URL (``urllib``; ``file://`` URLs work too) into a temporary file inside
``dest_dir`` while hashing it; compare the SHA-256 with ``sha256`` (user-given) or a recorded
value (``KNOWN_SHA256``); unpack into a temporary directory inside ``dest_dir`` refusing unsafe
members (absolute paths, ``..``, links, devices); check that EEP files are present; then move
the grid directory into place with ``os.replace`` (atomic on one file system) and remove the
temporaries.  Nothing is left half-written if any step fails.

No SHA-256 of the official v1.2 tarball is recorded yet (this code was written without network
access).  Without one, the archive's digest is computed, written next to the grid as
``<grid>.sha256`` and a warning asks the user to compare it with a trusted value; pass
``require_checksum=True`` to refuse unverified archives instead.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import warnings

MIST_V12_URL = ("https://mist.science/data/tarballs_v1.2/"
                "MIST_v1.2_feh_p0.00_afe_p0.0_vvcrit0.4_EEPS.txz")
#: url -> expected SHA-256 hex digest (None: not recorded yet, see module docstring).
KNOWN_SHA256: dict[str, str | None] = {MIST_V12_URL: None}
CHUNK = 1 << 20


class MistFetchError(Exception):
    """Download, verification or unpacking of the MIST archive failed."""


def sha256_file(path: str) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _download(url: str, dest: str, timeout: float) -> str:
    """Stream ``url`` into ``dest``; return its SHA-256."""
    h = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(dest, "wb") as out:
            for block in iter(lambda: resp.read(CHUNK), b""):
                h.update(block)
                out.write(block)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise MistFetchError(
            f"could not download {url}: {exc}.\nCheck the network connection (or proxy), or "
            "download the archive elsewhere and pass its local path as the URL "
            "(file:///path/to/archive.txz), or unpack the MIST EEP files by hand into the "
            "data directory (see `hpcsim.stars.mist.missing_tracks_message`).") from None
    return h.hexdigest()


def _safe_members(tar: tarfile.TarFile):
    """Members of a track archive, refusing anything that could escape the target directory."""
    members = tar.getmembers()
    for m in members:
        name = m.name
        if os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
            raise MistFetchError(f"unsafe path in archive: {name!r}")
        if not (m.isfile() or m.isdir()):
            raise MistFetchError(f"archive member {name!r} is not a regular file or directory")
    return members


def fetch_mist(dest_dir: str, url: str = MIST_V12_URL, sha256: str | None = None,
               force: bool = False, require_checksum: bool = False,
               timeout: float = 60.0) -> str:
    """Download the MIST EEP archive at ``url``, verify, and unpack it into ``dest_dir``.

    ``dest_dir`` is normally ``<data dir>/mist``.  ``sha256``: expected hex digest (else the
    recorded ``KNOWN_SHA256[url]``).  Returns the path of the unpacked grid directory.  If that
    directory already holds EEP files and ``force`` is false, nothing is downloaded.
    Raises :class:`MistFetchError` on network failure, checksum mismatch or a bad archive.
    """
    dest_dir = os.path.abspath(os.path.expanduser(dest_dir))
    os.makedirs(dest_dir, exist_ok=True)
    base = os.path.basename(url.split("?")[0])
    grid = base[:-4] if base.endswith(".txz") else base.split(".tar")[0]
    target = os.path.join(dest_dir, grid)
    if not force and glob.glob(os.path.join(target, "*M.track.eep*")):
        return target
    expected = (sha256 or KNOWN_SHA256.get(url) or "").lower() or None
    if expected is None and require_checksum:
        raise MistFetchError(f"no SHA-256 given or recorded for {url}; pass sha256=...")
    work = tempfile.mkdtemp(prefix=".mist-fetch-", dir=dest_dir)
    try:
        archive = os.path.join(work, base or "archive.txz")
        digest = _download(url, archive, timeout)
        if expected is not None and digest != expected:
            raise MistFetchError(f"SHA-256 mismatch for {url}: got {digest}, expected "
                                 f"{expected}. The download is corrupt or not the expected "
                                 "file; nothing was installed.")
        unpack = os.path.join(work, "unpacked")
        os.makedirs(unpack)
        try:
            with tarfile.open(archive, "r:*") as tar:
                members = _safe_members(tar)
                tar.extractall(unpack, members=members, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise MistFetchError(f"{url}: not a readable tar archive ({exc})") from None
        src = os.path.join(unpack, grid)
        if not os.path.isdir(src):  # archive without the top-level grid directory
            src = unpack
        if not glob.glob(os.path.join(src, "*M.track.eep*")):
            raise MistFetchError(f"{url}: archive holds no MIST EEP files (*M.track.eep)")
        if os.path.exists(target):
            old = os.path.join(work, "previous")
            os.replace(target, old)
        os.replace(src, target)
        if expected is None:
            with open(target + ".sha256", "w") as fh:
                fh.write(f"{digest}  {base}\n")
            warnings.warn(f"{url}: no SHA-256 to verify against; the archive's digest is "
                          f"{digest} (written to {target}.sha256). Compare it with a trusted "
                          "value.", stacklevel=2)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)
