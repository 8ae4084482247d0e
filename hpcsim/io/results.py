"""Reading results.h5 files: summary for ``hpcsim info`` and a loader for post-processing."""

from __future__ import annotations

import os

import h5py
import numpy as np


class ResultsError(Exception):
    pass


def bit_identical(a, b) -> bool:
    """Same dtype, shape and bytes (NaN == NaN): the test of rank-count independence."""
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def load_results(path: str) -> tuple[dict[str, np.ndarray], dict[str, str], dict]:
    """(datasets, units, file attributes) of a results file."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"results file not found: {path}")
    data, units = {}, {}
    try:
        with h5py.File(path, "r") as f:
            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    data[name] = obj[()]
                    units[name] = obj.attrs.get("units", "")
            f.visititems(visit)
            attrs = dict(f.attrs)
    except OSError as exc:
        raise FileNotFoundError(f"{path}: not a readable HDF5 file ({exc})") from None
    return data, units, attrs


def _knee_lines(data) -> list[str]:
    """Headline of a knee results file: best transport point, class powers, the knee."""
    if "knee/fit/best_index" not in data:
        return []
    i = int(data["knee/fit/best_index"])
    keys = [k.split("/")[-1] for k in data if k.startswith("knee/fit/spread_1/")]
    unit = {"D0": " cm^2/s", "R_h": " GV", "v_alfven": " km/s", "halo_height": " kpc",
            "v_conv0": " km/s", "dv_conv_dz": " km/s/kpc"}
    pt = ", ".join(f"{k}={float(data[f'knee/fit/{k}'][i]):.4g}{unit.get(k, '')}"
                   for k in sorted(keys) if np.ptp(data[f"knee/fit/{k}"]) > 0)
    out = [f"  knee fit      chi2 {float(data['knee/fit/chi2'][i]):.1f} at point {i}: {pt}, "
           f"phi {float(data['knee/phi']):.2f} GV"]
    for tag in ("budget", "fit"):
        pw = data.get(f"knee/weights_{tag}/power")
        if pw is not None:
            out.append(f"  class powers  ({tag}) SNR, O-type, WR, MSC: "
                       + ", ".join(f"{x:.2g}" for x in pw)
                       + f" erg/yr; flux chi2 {float(data[f'knee/weights_{tag}/chi2']):.1f}")
    if "knee/claims/knee_rigidity" in data:
        out.append(f"  knee of p     {float(data['knee/claims/knee_rigidity']):.3g} GV; p/He "
                   f"there {float(data['knee/claims/h_he_at_knee']):.2f}")
    return out


def describe_results(path: str, verbose: bool = False) -> str:
    data, units, attrs = load_results(path)
    lines = [f"{path}", f"  scenario      {attrs.get('scenario', '?')}",
             f"  code version  {attrs.get('code_version', '?')}",
             f"  config hash   {str(attrs.get('config_hash', '?'))[:12]}",
             f"  created       {attrs.get('provenance/created', '?')}",
             f"  last run      {attrs.get('provenance/n_ranks_last_invocation', '?')} rank(s), "
             f"{float(attrs.get('provenance/wall_time_last_invocation_s', float('nan'))):.1f} s"]
    if "provenance/rank_busy_fraction" in attrs:
        busy = np.atleast_1d(attrs["provenance/rank_busy_fraction"])
        lines.append(f"  timing        task phase {float(attrs['provenance/task_phase_s']):.1f} s, "
                     f"reduction {float(attrs['provenance/reduction_s']):.1f} s; busy fraction "
                     "per rank " + " ".join(f"{b:.2f}" for b in busy))
    if "population/n_clusters" in data:
        n = data["population/n_clusters"]
        lines.append(f"  realisations  {n.size}; clusters per realisation mean {n.mean():.1f} "
                     f"(expected {float(data['population/n_mean_expected']):.1f})")
    pts = sorted({k.split("/")[1] for k in data if k.startswith("propagation/point_")})
    for pt in pts:
        h = f"propagation/{pt}/headline"
        if f"{h}/p_flux" not in data:
            continue
        lines.append(f"  {pt}: LIS at the Sun, (GeV/n)^-1 m^-2 s^-1 sr^-1")
        lines.append("    p   (10, 100, 1000 GeV/n)     " + "  ".join(
            f"{x:.4g}" for x in data[f"{h}/p_flux"]))
        lines.append("    He  (10, 100, 1000 GeV/n)     " + "  ".join(
            f"{x:.4g}" for x in data[f"{h}/he_flux"]))
        lines.append("    B/C (1, 10, 100, 1000 GeV/n)  " + "  ".join(
            f"{x:.4g}" for x in data[f"{h}/b_over_c"]))
        steps = data.get(f"propagation/{pt}/solver/steps")
        conv = data.get(f"propagation/{pt}/solver/converged")
        if steps is not None:
            lines.append(f"    solver: {int(np.sum(steps))} steps over {steps.size} species, "
                         f"{int(np.sum(conv))}/{conv.size} converged")
    lines += _knee_lines(data)
    for name in sorted(k for k in data if k.startswith("emission/ratios/")):
        lines.append(f"  {name[len('emission/ratios/'):]:40s} {np.ravel(data[name])} "
                     f"{units[name]}")
    if "variants/names" in data:
        names = [n.decode() for n in data["variants/names"]]
        regimes = [g for g in ("kolmogorov", "kraichnan", "bohm")
                   if f"variants/table/{names[0]}/{g}/n_resolved" in data]
        lines.append("  variant table (medians over realisations, lower CR sea; nu 10 TeV |b|<5 / "
                     "gamma 1 TeV LHAASO inner masked / double = gamma/nu / resolved clusters)")
        for v in names:
            cells = []
            for g in regimes:
                b = f"variants/table/{v}/{g}"
                cells.append("{:.3g}/{:.3g}/{:.3g}/{:.1f}".format(
                    *(float(data[f"{b}/{q}/lower/median"]) for q in
                      ("nu_ratio", "gamma_ratio", "double_ratio")),
                    float(np.mean(data[f"{b}/n_resolved"]))))
            lines.append(f"    {v:22s} " + "  ".join(f"{g[:4]} {c:24s}" for g, c in
                                                     zip(regimes, cells)))
    if verbose:
        for name in sorted(data):
            lines.append(f"    {name:60s} {str(data[name].shape):>14s}  [{units[name]}]")
    else:
        groups = sorted({k.split('/')[0] for k in data})
        lines.append(f"  groups        {', '.join(groups)} ({len(data)} datasets; -v lists them)")
    return "\n".join(lines)
