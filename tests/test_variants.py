"""Named physics variants of the seed-000 main job: configuration checks, the same clusters for
every variant, a variant equal to the baseline reproducing it exactly, the variant table."""

import subprocess
import sys

import numpy as np
import pytest

from hpcsim.config import ConfigError, config_from_dict, config_from_toml_text
from hpcsim.driver import run
from hpcsim.io.results import bit_identical, load_results
from hpcsim.parallel.farm import SerialComm
from hpcsim.scenarios.ymsc_diffuse import BASELINE, DiffuseScenario

from conftest import ROOT, write_config

BASE = {"run": {"seed": 3, "n_realisations": 3, "n_sectors": 2, "scenario": "ymsc_diffuse"},
        "population": {"n_mean_override": 250.0},
        "sky": {"nside": 8, "los_n_steps": 200}}
VARIANTS = {
    "same_sn": {"cosmic_rays": {"xi_sn": 0.1}},          # equal to the baseline (source stage)
    "same_sky": {"sky": {"inner_l_max": 70.0}},          # equal to the baseline (sky stage)
    "sn_off": {"cosmic_rays": {"xi_sn": 0.0}},
    "sn_diffusive": {"cosmic_rays": {"sn_rule": "diffusion"}},
    "no_inner": {"sky": {"inner_b_max": 0.0}},
    "shells_out": {"sky": {"sea_exclude_shells": True}},
    "eta_m": {"bubble": {"eta_m": 0.3}},
    "fewer": {"population": {"n_mean_override": 150.0}},
    "more": {"population": {"n_mean_override": 320.0}},
    "thick": {"population": {"z_sigma": 0.1}},
}


def _cfg(variants=VARIANTS):
    return config_from_dict({**BASE, "variants": variants})


# ----------------------------------------------------------------------------- configuration

@pytest.mark.parametrize("variants, key, words", [
    ({"x": {"population": {"mass_min": 2e3}}}, "variants.x.population.mass_min",
     "changes the cluster population"),
    ({"x": {"stars": {"wr_vinf": 2000.0}}}, "variants.x.stars.wr_vinf", "separate configuration"),
    ({"x": {"sky": {"nside": 16}}}, "variants.x.sky.nside", "separate configuration"),
    ({"x": {"cosmic_rays": {"regimes": ["bohm"]}}}, "variants.x.cosmic_rays.regimes", "columns"),
    ({"x": {"cosmic_rays": {"xi_snn": 0.0}}}, "variants.x.cosmic_rays.xi_snn", "unknown key"),
    ({"x": {"cosmic_rays": {"sn_rule": "magic"}}}, "variants.x.cosmic_rays.sn_rule", "one of"),
    ({"x": {"bubble": {"eta_m": 0.0}}}, "variants.x.bubble.eta_m", "out of range"),
    ({"x": {}}, "variants.x", "non-empty"),
    ({"baseline": {"bubble": {"eta_m": 0.2}}}, "variants.baseline", "not 'baseline'"),
    ({"x": {"wind": {"a": 1}}}, "variants.x.wind.a", "unknown section"),
    ({"eta_0": {"3": {"bubble": {"eta_m": 0.3}}}}, "variants.eta_0.3", "cannot contain '.'"),
])
def test_bad_variants_name_the_key(variants, key, words):
    with pytest.raises(ConfigError) as err:
        _cfg(variants)
    assert err.value.key == key
    assert words in str(err.value)


def test_variants_round_trip_and_hash():
    cfg = _cfg()
    assert cfg.variant_names == list(VARIANTS)
    again = config_from_toml_text(cfg.to_toml())
    assert again.variants == cfg.variants and again.physics_hash() == cfg.physics_hash()
    assert _cfg({"a": {"bubble": {"eta_m": 0.2}}}).physics_hash() != cfg.physics_hash()
    assert config_from_dict(BASE).physics_hash() != cfg.physics_hash()
    assert cfg.variant("eta_m").bubble.eta_m == 0.3 and cfg.variant("eta_m").variants == ()
    with pytest.raises(ConfigError, match="ymsc_diffuse"):
        config_from_dict({"run": {"scenario": "ymsc_population"},
                          "variants": {"x": {"bubble": {"eta_m": 0.2}}}})


def test_validate_verbose_shows_the_files_values(tmp_path):
    path = write_config(tmp_path / "v.toml", """
[run]
n_realisations = 3
[bubble]
eta_m = 0.25
[variants.sn_off]
cosmic_rays.xi_sn = 0.0
""")
    res = subprocess.run([sys.executable, "-m", "hpcsim", "validate", "-v", path],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    row = next(line for line in lines if "bubble.eta_m" in line)
    assert "0.25" in row and row.lstrip().startswith("*")
    row = next(line for line in lines if "run.n_realisations" in line)
    assert " 3 " in row and row.lstrip().startswith("*")
    row = next(line for line in lines if "run.n_sectors" in line)
    assert not row.lstrip().startswith("*")
    assert any("sn_off" in line and "cosmic_rays.xi_sn = 0.0 [source]" in line for line in lines)


# ----------------------------------------------------------------------------- same clusters

CATALOGUE = ("mass", "age", "x", "y", "z", "arm", "n_massive", "n_sn", "L_w", "Mdot")


def test_variants_share_the_clusters():
    sc = DiffuseScenario(_cfg())
    for tid in (0, 3):
        d = sc.draw(tid, sc.task_rng(tid))
        cat, _ = sc.environment(d)
        for vp in sc.plan:
            dv, index = sc._variant_draw(tid, d, vp)
            vcat, _ = sc.environment(dv, vp["cfg"])
            if vp["name"] in ("fewer", "more"):  # thinned / extended: the shared ones identical
                k = index >= 0
                assert np.all(np.diff(index[k]) > 0)
                for f in CATALOGUE:
                    assert np.array_equal(vcat[f][k], cat[f][index[k]]), (vp["name"], f)
                n_v = {"fewer": 150.0, "more": 320.0}[vp["name"]]
                assert (k.sum() < index.size) == (n_v > 250.0)
                assert (k.sum() < cat["mass"].size) == (n_v < 250.0)
                continue
            assert np.array_equal(index, np.arange(cat["mass"].size))
            same = CATALOGUE if vp["name"] != "thick" else tuple(f for f in CATALOGUE if f != "z")
            for f in same:
                assert np.array_equal(vcat[f], cat[f]), (vp["name"], f)
            if vp["name"] == "thick":  # same draws, heights scaled by z_sigma'/z_sigma
                np.testing.assert_allclose(vcat["z"], 2.0 * cat["z"], rtol=1e-12)
            elif vp["name"] != "eta_m":
                for f in ("R_ts", "R_cd", "R_fs", "n_H"):
                    assert np.array_equal(vcat[f], cat[f])
    # thinning keeps each cluster with probability N'/N: about 60 % here
    d = sc.draw(0, sc.task_rng(0))
    _, index = sc._variant_draw(0, d, next(vp for vp in sc.plan if vp["name"] == "fewer"))
    assert 0.4 < index.size / d["c"]["mass"].size < 0.8


# ----------------------------------------------------------------------------- the table

@pytest.fixture(scope="module")
def variant_runs(tmp_path_factory):
    """The same configuration run with shared results (default) and with every variant
    recomputed from its own stage."""
    base = tmp_path_factory.mktemp("variants")
    outs = {}
    for share in (True, False):
        DiffuseScenario.share_identical = share
        try:
            assert run(_cfg(), str(base / f"share_{share}"), quiet=True, comm=SerialComm()) == 0
        finally:
            DiffuseScenario.share_identical = True
        path = str(base / f"share_{share}" / "results.h5")
        outs[share] = (*load_results(path), path)
    return outs


def _rows(data, name):
    return {k: v for k, v in data.items() if k.startswith(f"variants/table/{name}/")}


def test_variant_equal_to_baseline_reproduces_it_exactly(variant_runs):
    for share in (True, False):
        data, units, _, _ = variant_runs[share]
        base = _rows(data, BASELINE)
        assert base
        for name in ("same_sn", "same_sky"):
            rows = _rows(data, name)
            assert len(rows) == len(base)
            for k, v in base.items():
                assert bit_identical(rows[k.replace(f"/{BASELINE}/", f"/{name}/")], v), (name, k)
        # the baseline row's ratios of the medians are the run's Section-5 ratios
        for g in ("kolmogorov", "kraichnan", "bohm"):
            for sea in ("lower", "upper"):
                assert data[f"variants/table/{BASELINE}/{g}/nu_ratio/{sea}/of_medians"] == \
                    data[f"emission/ratios/nu_sc_over_sea_10TeV/{g}/icecube/{sea}"]
                assert data[f"variants/table/{BASELINE}/{g}/gamma_ratio/{sea}/of_medians"] == \
                    data[f"emission/ratios/gamma_sc_over_sea_1TeV/{g}/lhaaso_inner/{sea}"]
        assert all(units[k] for k in data)
    # recomputing every variant from its own stage gives the shared results bit for bit
    a, b = variant_runs[True][0], variant_runs[False][0]
    for k in a:
        if k.startswith("variants/") or k.startswith("emission/"):
            assert bit_identical(a[k], b[k]), k


def test_variant_table_physics(variant_runs):
    data = variant_runs[True][0]

    def med(v, g, q, sea="lower"):
        return float(data[f"variants/table/{v}/{g}/{q}/{sea}/median"])

    names = [n.decode() for n in data["variants/names"]]
    assert names == [BASELINE] + list(VARIANTS)
    for g in ("kolmogorov", "kraichnan", "bohm"):
        # without supernovae less emission; without the inner mask the same neutrinos
        assert med("sn_off", g, "nu_ratio") < med(BASELINE, g, "nu_ratio")
        assert med("no_inner", g, "nu_ratio") == med(BASELINE, g, "nu_ratio")
        # thinning to 60 % of the clusters lowers the neutrino ratio, adding raises it
        assert med("fewer", g, "nu_ratio") < med(BASELINE, g, "nu_ratio") < med("more", g,
                                                                                 "nu_ratio")
        # the shells' gas removed from the CR sea: the sea is smaller, the ratios larger
        assert med("shells_out", g, "nu_ratio") > med(BASELINE, g, "nu_ratio")
        per = data[f"variants/table/{BASELINE}/{g}/double_ratio/lower/per_realisation"]
        np.testing.assert_allclose(
            per, data[f"variants/table/{BASELINE}/{g}/gamma_ratio/lower/per_realisation"]
            / data[f"variants/table/{BASELINE}/{g}/nu_ratio/lower/per_realisation"], rtol=1e-15)
    frac = data["emission/shell_gas/column_fraction/icecube"]
    assert frac.shape == (3,) and np.all((frac > 0) & (frac < 1))


def test_plot_variants_and_info(variant_runs, tmp_path):
    from conftest import load_tool, png_size
    import os
    path = tmp_path / "r.h5"
    # the results file of the shared run (the fixture's directory)
    data, _, _, res_path = variant_runs[True]
    src = [res_path]
    tool = load_tool("plot_variants")
    names, regimes, table = tool.read_table(str(src[0]))
    assert names[0] == BASELINE and regimes == ["kolmogorov", "kraichnan", "bohm"]
    q1, q2, q3 = table[(BASELINE, "bohm", "nu_ratio")]
    assert q1 <= q2 <= q3 and q2 == float(data["variants/table/baseline/bohm/nu_ratio/lower/median"])
    out = tool.main([str(src[0]), "-o", str(path.with_suffix(".png")), "--dpi", "50"])
    w, h = png_size(out)
    assert w > 300 and h > 200 and os.path.getsize(out) > 10_000
    text = tool.format_table(names, regimes, table)
    assert len(text.splitlines()) == 2 + len(names) * 3
    res = subprocess.run([sys.executable, "-m", "hpcsim", "info", str(src[0])],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0 and "variant table" in res.stdout and "sn_diffusive" in res.stdout
