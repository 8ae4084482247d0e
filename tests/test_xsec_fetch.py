"""`hpcsim data fetch xsec`: download, SHA-256 check, atomic install (on local file:// URLs)."""

import hashlib
import os
import subprocess
import sys

import pytest

import hpcsim.propagation.xsec_fetch as xf
from hpcsim.propagation.cross_sections import XSEC_SHA256

from conftest import ROOT


@pytest.fixture
def fake_tables(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    sums = {}
    for name in XSEC_SHA256:
        data = f"table {name}\n".encode()
        (src / name).write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    monkeypatch.setattr(xf, "XSEC_SHA256", sums)
    return src


def test_fetch_installs_verified_files_once(tmp_path, fake_tables):
    dest = tmp_path / "cache"
    paths = xf.fetch_xsec(str(dest), base=f"file://{fake_tables}")
    assert sorted(os.path.basename(p) for p in paths) == sorted(XSEC_SHA256)
    assert all(open(p).read().startswith("table") for p in paths)
    for f in fake_tables.iterdir():  # present and verified: nothing is downloaded again
        f.unlink()
    xf.fetch_xsec(str(dest), base=f"file://{fake_tables}")
    assert not [f for f in os.listdir(dest) if f.startswith(".")]


def test_fetch_refuses_a_wrong_checksum_and_installs_nothing(tmp_path, fake_tables):
    name = next(iter(XSEC_SHA256))
    (fake_tables / name).write_bytes(b"tampered\n")
    dest = tmp_path / "cache"
    with pytest.raises(xf.XsecFetchError, match="SHA-256 mismatch"):
        xf.fetch_xsec(str(dest), base=f"file://{fake_tables}")
    assert not (dest / name).exists()
    assert not [f for f in os.listdir(dest) if f.startswith(".")]


def test_cli_reports_download_failure_with_exit_2(tmp_path):
    res = subprocess.run([sys.executable, "-m", "hpcsim", "data", "fetch", "xsec", "--data-dir",
                          str(tmp_path), "--url", f"file://{tmp_path}/nowhere"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "could not download" in res.stderr
    assert "Traceback" not in res.stderr
