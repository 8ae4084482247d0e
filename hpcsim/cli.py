"""The ``hpcsim`` command: run, info, validate, status, export, merge.

Exit codes: 0 success; 2 bad input (configuration, run directory, results file); 3 run stopped
before the end (resume it with ``--resume``); 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import os
import sys

from .config import ConfigError, describe_fields, load_config


def _cmd_validate(args) -> int:
    cfg = load_config(args.config)
    if cfg.run.scenario == "stellar_injection":
        what = (f"{cfg.injection.n_masses} single-star masses (+ 40, 80, 120 Msun) and "
                f"{len(cfg.injection.m_up)} cluster winds")
    elif cfg.run.scenario == "knee":
        from dataclasses import replace
        from .scenarios.knee import KneeScenario
        from .stars.mist import TrackDataError
        try:
            k = KneeScenario(cfg)
            what = (f"{k.n_inj} injection + {k.n_fit} transport points + 4 source classes = "
                    f"{k.n_tasks} tasks")
        except TrackDataError:  # validating needs no data; only the injection count does
            k = KneeScenario(replace(cfg, knee=replace(cfg.knee, run_injection=False)))
            what = (f"{k.n_fit} transport points + 4 source classes + the injection tasks, "
                    "whose number needs the MIST tracks (not found: `hpcsim data fetch mist`)")
    elif cfg.run.scenario == "cocoons":
        c = cfg.cocoons
        what = (f"{len(c.chi_grid)} chi_c0 fits + {c.n_map_chunks} sky-map chunks + gas-column "
                f"chunks; {len(c.grammage_models)} grammage models")
    elif cfg.run.scenario == "propagation":
        from .propagation.sources import parse_spectra
        n_pts, n_cls = len(cfg.propagation.scan_points()), len(parse_spectra(cfg.sources.spectra))
        what = (f"{n_pts} parameter point(s) x {n_cls} source class(es) = {n_pts * n_cls} "
                f"tasks, Z = {cfg.propagation.z_min}..{cfg.propagation.z_max}")
    else:
        what = (f"{cfg.run.n_realisations} realisations x {cfg.run.n_sectors} sectors = "
                f"{cfg.run.n_realisations * cfg.run.n_sectors} tasks")
        if cfg.variants:
            what += f", {len(cfg.variants)} variants"
    print(f"{args.config}: valid ({cfg.run.scenario}: {what}; config hash "
          f"{cfg.physics_hash()[:12]})")
    if args.verbose:
        print("  values of this file (* = differs from the default):")
        for key, value, unit, doc, changed in describe_fields(cfg):
            print(f"  {'*' if changed else ' '} {key:34s} {value:>14s} {unit:>18s}  {doc}")
        if cfg.variants:
            from .config import variant_stage
            print("  variants (computed for the same clusters as the baseline):")
            for name, ov in cfg.variants:
                sets = ", ".join(f"{s}.{k} = {v!r} [{variant_stage(s, k)}]" for s, k, v in ov)
                print(f"    {name:24s} {sets}")
    return 0


def _cmd_run(args) -> int:
    from .driver import run
    cfg = load_config(args.config)
    out = args.output or os.path.join("runs", os.path.splitext(os.path.basename(args.config))[0])
    return run(cfg, out, resume=args.resume, quiet=args.quiet)


def _cmd_info(args) -> int:
    from .io.results import describe_results
    print(describe_results(args.results, verbose=args.verbose))
    return 0


def _cmd_data_fetch(args) -> int:
    from .stars.mist import data_dir
    if args.dataset == "xsec":
        from .propagation.xsec_fetch import DEFAULT_BASE, XsecFetchError, fetch_xsec
        dest = os.path.join(data_dir(args.data_dir), "xsec_dragon2")
        try:
            paths = fetch_xsec(dest, base=args.url or DEFAULT_BASE, force=args.force)
        except XsecFetchError as exc:
            sys.stderr.write(f"hpcsim: error: {exc}\n")
            return 2
        print(f"cross-section tables ready in {dest} ({len(paths)} files, SHA-256 verified)")
        return 0
    from .stars.mist_fetch import MIST_V12_URL, MistFetchError, fetch_mist
    dest = os.path.join(data_dir(args.data_dir), "mist")
    try:
        path = fetch_mist(dest, url=args.url or MIST_V12_URL, sha256=args.sha256,
                          force=args.force, require_checksum=args.require_checksum)
    except MistFetchError as exc:
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return 2
    print(f"MIST tracks ready in {path}")
    return 0


def _cmd_status(args) -> int:
    import json
    from .io.status import StatusError, format_status, run_status
    try:
        st = run_status(args.rundir, verify=args.verify)
    except StatusError as exc:
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return 2
    print(json.dumps(st, indent=1) if args.json else format_status(st))
    return 0


def _cmd_export(args) -> int:
    from .io.export import ExportError, export_maps, export_spectra
    csv_dir = args.fits if args.csv is True else args.csv
    if not args.fits and not csv_dir:
        sys.stderr.write("hpcsim: error: nothing to export: give --fits DIR and/or --csv DIR\n")
        return 2
    try:
        if args.fits:
            n = len(export_maps(args.results, args.fits))
            print(f"wrote {n} HEALPix map(s) as FITS into {args.fits}")
        if csv_dir:
            n = len(export_spectra(args.results, csv_dir))
            print(f"wrote {n} spectrum table(s) as CSV into {csv_dir}")
    except ExportError as exc:
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return 2
    return 0


def _cmd_merge(args) -> int:
    from .io.merge import MergeError, merge_rundirs
    try:
        return merge_rundirs(args.rundirs, args.output, copy=args.copy, quiet=args.quiet)
    except MergeError as exc:
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return 2


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hpcsim", description=(
        "Galactic cosmic rays from young massive star clusters: MPI task farm with "
        "checkpoints. Run under MPI with: mpiexec -n N hpcsim run CONFIG"))
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run (or resume) a job described by a TOML config")
    r.add_argument("config")
    r.add_argument("-o", "--output", help="run directory (default runs/<config name>)")
    r.add_argument("--resume", action="store_true",
                   help="continue an interrupted run in the run directory")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    r.set_defaults(func=_cmd_run)
    i = sub.add_parser("info", help="summarise a results.h5 file")
    i.add_argument("results")
    i.add_argument("-v", "--verbose", action="store_true", help="list every dataset")
    i.set_defaults(func=_cmd_info)
    d = sub.add_parser("data", help="obtain reference data (MIST tracks, cross sections)")
    dsub = d.add_subparsers(dest="what", required=True)
    f = dsub.add_parser("fetch", help="download and verify a data set into the cache")
    f.add_argument("dataset", choices=["mist", "xsec"],
                   help="mist: MIST stellar tracks; xsec: DRAGON2's cross-section tables")
    f.add_argument("--data-dir", help="cache directory (default $HPCSIM_DATA_DIR or "
                                      "~/.cache/hpcsim)")
    f.add_argument("--url", help="archive URL (mist; default: MIST v1.2 rotating solar EEP "
                                 "tracks) or base URL of the tables (xsec)")
    f.add_argument("--sha256", help="expected SHA-256 of the archive")
    f.add_argument("--require-checksum", action="store_true",
                   help="refuse an archive without a known checksum")
    f.add_argument("--force", action="store_true", help="download even if tracks are present")
    f.set_defaults(func=_cmd_data_fetch)
    v = sub.add_parser("validate", help="check a configuration file")
    v.add_argument("config")
    v.add_argument("-v", "--verbose", action="store_true", help="list every key and default")
    v.set_defaults(func=_cmd_validate)
    st = sub.add_parser("status", help="progress of a run directory (safe while a job runs)")
    st.add_argument("rundir")
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.add_argument("--verify", action="store_true",
                    help="also check every task file's checksum (reads them all)")
    st.set_defaults(func=_cmd_status)
    e = sub.add_parser("export", help="HEALPix maps as FITS, spectra as CSV")
    e.add_argument("results", help="a results.h5 file")
    e.add_argument("--fits", metavar="DIR", help="write the maps/ datasets as HEALPix FITS")
    e.add_argument("--csv", metavar="DIR", nargs="?", const=True,
                   help="write the spectra as CSV tables (default: the --fits directory)")
    e.set_defaults(func=_cmd_export)
    m = sub.add_parser("merge", help="combine run directories of one configuration (e.g. "
                                     "job-array blocks) and write results.h5")
    m.add_argument("rundirs", nargs="+", help="run directories with the same config hash")
    m.add_argument("-o", "--output", required=True, help="merged run directory")
    m.add_argument("--copy", action="store_true",
                   help="copy task files (default: hard links where possible)")
    m.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    m.set_defaults(func=_cmd_merge)
    return p


def main(argv=None) -> int:
    from .propagation.cross_sections import XsecDataError
    from .stars.mist import TrackDataError
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        sys.stderr.write(f"hpcsim: configuration error: {exc}\n")
        return 2
    except FileNotFoundError as exc:
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return 2
    except (TrackDataError, XsecDataError) as exc:  # their message says how to get the data
        sys.stderr.write(f"hpcsim: error: {exc}\n")
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`
        return 0


def entry():  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
