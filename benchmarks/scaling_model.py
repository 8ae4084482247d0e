#!/usr/bin/env python
"""Scaling model of the task farm (issue 11): fit measured costs, predict 64-1024 ranks.

Wall time on P ranks of a ymsc_diffuse run with N = N_pop + N_sea tasks:

    T(P)      = S + T_farm(P) + R
    T_farm(P) = max( (N_pop c_pop + N_sea c_sea + N o) / P,   N o,   c_longest )

* S [s]: start-up of a rank (imports, scenario set-up); every rank pays it at the same time.
* c_pop, c_sea [s]: compute time of one population task (a realisation x sector) and of one
  gas-column chunk.  The first term spreads all work over P ranks (rank 0 computes between
  messages, so its spare time counts); it assumes tasks small enough to balance.
* o [s]: what rank 0 spends on every task besides computing: answering a request and
  recording the finished id (every rank writes its own task files, so no result travels to
  rank 0).  Rank 0 does it for every task, serially: T_farm >= N o, whatever P.
* c_longest: no run is shorter than its longest task.
* R [s]: the reduction: R_0 (CR-sea maps, population, storing; on every rank or on rank 0)
  plus the per-realisation part (masks, region spectra, variant table), spread over the ranks
  realisation by realisation: R(P) = R_0 + (R - R_0) / min(P, N_real).
  Efficiency E(P) = T(1) / (P T(P)).

Calibration (fit):
* From the benchmark JSON (``benchmarks/bench_scaling.py``): S = wall - task phase - reduction
  of the 1-rank run; o = (rank-0 wall - compute - wait) / N in the multi-rank run with the most
  ranks not exceeding the cores (oversubscribed runs time-share the cores), taken per message
  (it includes rank 0 writing its own tasks' files, an upper bound).  c_pop, c_sea, R from
  the 1-rank run.
* Target configurations: c_pop, c_sea and the result size per task from ``probe_tasks.py``
  (single tasks of the target configuration computed on this machine, variants included), or,
  without a probe, the benchmark's c_pop scaled with clusters per task and c_sea with
  pixels x line-of-sight steps.
* R = R_0 + r N_real N_pix, from two measurements: the benchmark's reduction (N_real, N_pix
  of its configuration) and a given one (``--given-reduction NREAL NSIDE SECONDS``, default the
  README's paper run: 100 realisations, NSIDE 128, 35 s, measured before the variant table was
  added; the variants' share of the reduction is therefore not included).

Assumptions: one core per rank, no other load; the network and the file system keep up with
rank 0 (o is measured on a local disk with fsync); the 10x configuration (1000 realisations,
NSIDE 512) keeps the paper's clusters per task, its population tasks cost what the NSIDE-512
probe measured (or the NSIDE-128 cost when no probe is given), and its gas-column chunks
(16, as the scenario splits any map into at most 16) scale with the number of pixels.

Usage: .venv/bin/python benchmarks/scaling_model.py BENCH.json [--probe NAME=PROBE.json ...]
       [--out FILE.json]
"""

import argparse
import json
import math
import os

RANKS = (1, 2, 8, 64, 256, 1024)
GIVEN_REDUCTION = (100, 128, 35.0)  # README "Benchmarks": paper run, realisations, NSIDE, s


def npix(nside: int) -> int:
    return 12 * nside * nside


def fit(bench: dict, given_reduction=GIVEN_REDUCTION) -> dict:
    """Per-task costs from a bench_scaling.py record (see the module docstring)."""
    cfg, runs = bench["configuration"], bench["runs"]
    cores = bench["machine"]["cores"]
    one = next(r for r in runs if r["n_ranks"] == 1)
    times = {int(t): s for t, s in one["task_compute_s"].items()}
    pop = [s for t, s in times.items() if t < cfg["n_pop_tasks"]]
    sea = [s for t, s in times.items() if t >= cfg["n_pop_tasks"]]
    multi = [r for r in runs if 1 < r["n_ranks"] <= cores] or [r for r in runs if r["n_ranks"] > 1]
    ref = max(multi, key=lambda r: r["n_ranks"])
    r0 = ref["ranks"][0]
    n = cfg["n_tasks"]
    o = (r0["wall_s"] - r0["compute_s"] - r0["wait_s"]) / n
    nbytes = sum(ref["task_file_bytes"].values())
    real, nside, red = given_reduction
    x_b, x_g = cfg["n_realisations"] * npix(cfg["nside"]), real * npix(nside)
    r_slope = (red - one["reduction_s"]) / (x_g - x_b)
    return {"startup_s": one["startup_s"], "c_pop_s": sum(pop) / len(pop),
            "c_sea_s": sum(sea) / max(len(sea), 1),
            "clusters_per_pop_task": cfg["n_clusters_mean"] / cfg["n_sectors"],
            "pix_steps_per_sea_chunk": npix(cfg["nside"]) * cfg["los_n_steps"]
            / max(cfg["n_sea_chunks"], 1),
            "o_per_task_s": o, "o_per_byte_s": o * n / nbytes, "bytes_per_task": nbytes / n,
            "o_from_n_ranks": ref["n_ranks"], "reduction_R0_s": one["reduction_s"] - r_slope * x_b,
            "reduction_per_real_pix_s": r_slope, "bench_reduction_s": one["reduction_s"],
            "given_reduction": list(given_reduction)}


def _sea_chunk(probes, nside, los_n_steps, n_sea, costs):
    """(seconds, file bytes) of one gas-column chunk: the first probe that timed one, else the
    benchmark, scaled with pixels x line-of-sight steps per chunk (8 bytes per pixel)."""
    steps = npix(nside) * los_n_steps / n_sea
    for p in probes:
        sea = [t for t in p["tasks"] if t["kind"] == "sea"]
        if sea:
            ref = npix(p["nside"]) * p["los_n_steps"] / p["n_sea_chunks"]
            return sea[0]["compute_s"] * steps / ref, sea[0]["file_bytes"] * steps / ref
    return costs["c_sea_s"] * steps / costs["pix_steps_per_sea_chunk"], 8.0 * npix(nside) / n_sea


def target(name, n_real, n_sectors, nside, n_clusters, los_n_steps, costs, probe=None,
           sea_probes=()) -> dict:
    """Task counts and per-task costs of a configuration (probe measurements if given)."""
    n_sea = max(1, min(16, npix(nside) // 3072))
    c_sea, bytes_sea = _sea_chunk([p for p in (probe, *sea_probes) if p], nside, los_n_steps,
                                  n_sea, costs)
    if probe is not None:
        pop = [t for t in probe["tasks"] if t["kind"] == "pop"]
        c_pop = sum(t["compute_s"] for t in pop) / len(pop)
        bytes_pop = sum(t["file_bytes"] for t in pop) / len(pop)
        source = f"probe ({os.path.basename(probe['config'])}, NSIDE {probe['nside']})"
    else:
        k = (n_clusters / n_sectors) / costs["clusters_per_pop_task"]
        c_pop, bytes_pop = costs["c_pop_s"] * k, costs["bytes_per_task"] * k
        source = "benchmark, scaled with clusters per task"
    n_pop = n_real * n_sectors
    # every rank writes its own task files (in the parallel work); rank 0 only answers a
    # request and records an id per task: a cost per message, not per byte
    o_total = costs["o_per_task_s"] * (n_pop + n_sea)
    red = costs["reduction_R0_s"] + costs["reduction_per_real_pix_s"] * n_real * npix(nside)
    return {"name": name, "n_realisations": n_real, "n_sectors": n_sectors, "nside": nside,
            "n_pop_tasks": n_pop, "n_sea_chunks": n_sea, "c_pop_s": c_pop, "c_sea_s": c_sea,
            "rank0_overhead_total_s": o_total, "rank0_overhead_per_task_s": o_total / (n_pop + n_sea),
            "cost_source": source, "reduction_s": red, "reduction_per_task_s": red / (n_pop + n_sea),
            # the per-realisation part of the reduction is spread over the ranks (realisation
            # k on rank k mod P); the rest (R_0: CR-sea maps, population, storing) stays serial
            "reduction_serial_s": min(max(costs["reduction_R0_s"], 0.0), red)}


def predict(t: dict, costs: dict, ranks=RANKS) -> list[dict]:
    work = t["n_pop_tasks"] * t["c_pop_s"] + t["n_sea_chunks"] * t["c_sea_s"]
    o_tot = t["rank0_overhead_total_s"]
    longest = max(t["c_pop_s"], t["c_sea_s"])
    rows, t1 = [], None
    for p in ranks:
        farm = max((work + o_tot) / p, o_tot, longest)
        ser = t.get("reduction_serial_s", t["reduction_s"])
        red = ser + (t["reduction_s"] - ser) / min(p, t.get("n_realisations", 1))
        wall = costs["startup_s"] + farm + red
        t1 = wall if p == 1 else t1
        bound = ("rank-0 overhead" if farm == o_tot else "longest task" if farm == longest
                 else "compute")
        rows.append({"n_ranks": p, "farm_s": farm, "wall_s": wall,
                     "efficiency": t1 / (p * wall) if t1 else math.nan,
                     "farm_bound_by": bound,
                     "reduction_s": red, "reduction_share": red / wall})
    return rows


def check_against_bench(bench: dict, costs: dict) -> list[dict]:
    """The model on the benchmark's own configuration, with P limited to the cores."""
    cfg, cores = bench["configuration"], bench["machine"]["cores"]
    n = cfg["n_tasks"]
    t = {"n_pop_tasks": cfg["n_pop_tasks"], "n_sea_chunks": cfg["n_sea_chunks"],
         "c_pop_s": costs["c_pop_s"], "c_sea_s": costs["c_sea_s"],
         "rank0_overhead_total_s": costs["o_per_task_s"] * n,
         "reduction_s": costs["bench_reduction_s"]}
    out = []
    for r in bench["runs"]:
        pred = predict(t, costs, ranks=(min(r["n_ranks"], cores),))[0]
        out.append({"n_ranks": r["n_ranks"], "measured_farm_s": r["task_phase_s"],
                    "model_farm_s": pred["farm_s"], "measured_wall_s": r["wall_s"],
                    "model_wall_s": pred["wall_s"],
                    "busy_fraction": [x["busy_fraction"] for x in r["ranks"]]})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--probe", action="append", default=[],
                    help="paper=FILE.json or paper10x=FILE.json (from probe_tasks.py)")
    ap.add_argument("--given-reduction", nargs=3, type=float, metavar=("NREAL", "NSIDE", "S"),
                    default=GIVEN_REDUCTION)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    with open(a.bench) as fh:
        bench = json.load(fh)
    probes = {}
    for item in a.probe:
        key, path = item.split("=", 1)
        with open(path) as fh:
            probes[key] = json.load(fh)
    costs = fit(bench, tuple(a.given_reduction))
    paper_cl = 2243.0  # paper.toml: population.n_mean_override
    targets = [target("paper", 100, 8, 128, paper_cl, 3000, costs, probes.get("paper")),
               target("paper10x", 1000, 8, 512, paper_cl, 3000, costs,
                      probes.get("paper10x", probes.get("paper")), list(probes.values()))]
    if "paper10x" not in probes and "paper" in probes:
        targets[1]["cost_source"] += ", population tasks at NSIDE 128 cost"
    print("fitted costs (bench %s, %d cores):" % (bench["configuration"]["config"],
                                                  bench["machine"]["cores"]))
    for k, v in costs.items():
        print(f"  {k:28s} {v}")
    print("\nmodel vs measured (this machine, P limited to the cores):")
    print(f"  {'ranks':>5s} {'farm meas':>10s} {'farm model':>10s} {'wall meas':>10s} "
          f"{'wall model':>10s}  busy fraction per rank")
    check = check_against_bench(bench, costs)
    for c in check:
        print(f"  {c['n_ranks']:5d} {c['measured_farm_s']:10.2f} {c['model_farm_s']:10.2f} "
              f"{c['measured_wall_s']:10.2f} {c['model_wall_s']:10.2f}  "
              + " ".join(f"{b:.2f}" for b in c["busy_fraction"]))
    out = {"costs": costs, "check": check, "targets": []}
    for t in targets:
        rows = predict(t, costs)
        out["targets"].append({**t, "prediction": rows})
        print(f"\n{t['name']}: {t['n_pop_tasks']} population tasks (c = {t['c_pop_s']:.2f} s) + "
              f"{t['n_sea_chunks']} gas chunks (c = {t['c_sea_s']:.1f} s) [{t['cost_source']}]; "
              f"rank-0 overhead {t['rank0_overhead_total_s']:.0f} s in all; reduction "
              f"{t['reduction_s']:.0f} s on 1 rank, of which {t['reduction_serial_s']:.1f} s serial")
        print(f"  {'ranks':>5s} {'farm [s]':>10s} {'wall [s]':>10s} {'efficiency':>10s} "
              f"{'reduction share':>15s}  farm bound by")
        for r in rows:
            print(f"  {r['n_ranks']:5d} {r['farm_s']:10.1f} {r['wall_s']:10.1f} "
                  f"{r['efficiency']:10.1%} {r['reduction_share']:15.1%}  {r['farm_bound_by']}")
    if a.out:
        with open(a.out, "w") as fh:
            json.dump(out, fh, indent=1)
        print(f"\nwrote {a.out}")


if __name__ == "__main__":
    main()
