"""Configuration validation and the CLI's handling of bad input."""

import os
import subprocess
import sys

import pytest

from hpcsim.config import Config, ConfigError, config_from_dict, load_config

from conftest import ROOT, write_config


def test_defaults_and_hash_stable():
    a, b = config_from_dict({}), Config()
    assert a.physics_hash() == b.physics_hash()
    c = config_from_dict({"run": {"n_realisations": 17}})
    assert c.physics_hash() != a.physics_hash()  # task ids depend on it: resuming is refused
    d = config_from_dict({"bubble": {"eta_m": 0.2}})
    assert d.physics_hash() != a.physics_hash()
    # round trip through the stored TOML text
    from hpcsim.config import config_from_toml_text
    assert config_from_toml_text(d.to_toml()).physics_hash() == d.physics_hash()


@pytest.mark.parametrize("data, key, words", [
    ({"run": {"n_realisatons": 3}}, "run.n_realisatons", "unknown key"),
    ({"wind": {}}, "wind", "unknown section"),
    ({"run": {"n_sectors": 2.5}}, "run.n_sectors", "integer"),
    ({"run": {"seed": True}}, "run.seed", "integer"),
    ({"bubble": {"eta_m": "0.1"}}, "bubble.eta_m", "number"),
    ({"bubble": {"eta_m": 0.0}}, "bubble.eta_m", "out of range"),
    ({"bubble": {"eta_m": 1.5}}, "bubble.eta_m", "out of range"),
    ({"population": {"mass_min": 7e4}}, "population.mass_min", "mass_max"),
    ({"galaxy": {"gas_model": "magic"}}, "galaxy.gas_model", "one of"),
    ({"run": []}, "run", "table"),
])
def test_bad_values_name_the_key(data, key, words):
    with pytest.raises(ConfigError) as err:
        config_from_dict(data)
    assert err.value.key == key
    assert words in str(err.value)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path / "nope.toml"))
    bad = write_config(tmp_path / "bad.toml", "[run\nseed = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hpcsim", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, timeout=120)


@pytest.mark.parametrize("text, key", [
    ("[run]\nn_sectors = 0\n", "run.n_sectors"),
    ("[run]\nfoo = 1\n", "run.foo"),
    ("[population]\nage_max = 'old'\n", "population.age_max"),
])
def test_cli_bad_config_exit_2_nothing_written(tmp_path, text, key):
    cfg = write_config(tmp_path / "c.toml", text)
    out = tmp_path / "run"
    for cmd in (["validate", cfg], ["run", cfg, "-o", str(out)]):
        res = _cli(*cmd)
        assert res.returncode == 2
        assert key in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1  # one clear message, no traceback
    assert not out.exists()


def test_cli_missing_config_and_results(tmp_path):
    res = _cli("run", str(tmp_path / "none.toml"), "-o", str(tmp_path / "r"))
    assert res.returncode == 2 and "not found" in res.stderr
    res = _cli("info", str(tmp_path / "none.h5"))
    assert res.returncode == 2 and "not found" in res.stderr


def test_validate_ok_and_shipped_configs_valid():
    for name in os.listdir(os.path.join(ROOT, "jobs", "configs")):
        res = _cli("validate", os.path.join("jobs", "configs", name))
        assert res.returncode == 0, (name, res.stderr)
        assert "valid" in res.stdout
