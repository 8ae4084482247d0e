"""``hpcsim export``: HEALPix maps as standard FITS files, spectra as CSV tables.

Maps (every dataset under ``maps/`` that is a HEALPix map) are written with
``healpy.write_map`` (RING ordering, Galactic coordinates, one value per row) into
``<name>.fits``, the dataset path below ``maps/`` with ``/`` replaced by ``_`` (e.g.
``gamma_kolmogorov_band_0.fits``). The header carries ``BUNIT`` (FITS unit string, e.g.
``GeV-1 cm-2 s-1 sr-1``; empty for dimensionless maps), ``ENERGY`` [GeV] for the energy
bands (from ``maps/band_energy``), ``HPCDSET`` (the dataset), ``HPCUNIT`` (its units as
stored), the scenario, configuration hash and code version.

Spectra: every dataset with an energy axis under ``emission/`` (axis ``emission/energy``,
GeV) and ``propagation/point_NNN/`` (axes ``energy_kn`` GeV/n, ``rigidity`` GV and
``total_energy`` GeV, chosen by the ``_ekn``, ``_rigidity``, ``_etot`` in the dataset name)
goes into one CSV table per group and axis: the axis in the first column, then one column per
1-D dataset (named by its leaf) and per row of a 2-D dataset (``leaf[label]``: realisation
index, element ``Z6``, isotope ``C12``). Comment lines (``#``) at the top give the units of
every column. Numbers are written with 17 significant digits (exact round trip).
"""

from __future__ import annotations

import os
import re

import h5py
import numpy as np

from .checkpoint import atomic_path

PROPAGATION_AXES = (("_ekn", "energy_kn"), ("_rigidity", "rigidity"), ("_etot", "total_energy"))


class ExportError(Exception):
    """Not a results file, or nothing of the asked kind in it (exit code 2)."""


def _read(path: str) -> tuple[dict, dict, dict]:
    """(datasets, units, attributes) of the maps/, emission/ and propagation/ groups."""
    if not os.path.isfile(path):
        raise ExportError(f"results file not found: {path}")
    data, units = {}, {}
    try:
        with h5py.File(path, "r") as f:
            attrs = dict(f.attrs)
            if not str(attrs.get("format", "")).startswith("hpcsim results"):
                raise ExportError(f"{path} is not an hpcsim results file (no 'format' "
                                  "attribute 'hpcsim results ...'; a run writes "
                                  "RUNDIR/results.h5)")

            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and name.split("/")[0] in (
                        "maps", "emission", "propagation"):
                    data[name] = obj[()]
                    units[name] = str(obj.attrs.get("units", ""))
            f.visititems(visit)
    except OSError as exc:
        raise ExportError(f"{path} is not a readable HDF5 file ({exc})") from None
    return data, units, attrs


def fits_unit(units: str) -> tuple[str, str]:
    """('GeV-1 cm-2 s-1 sr-1', 'per flavour ...') from 'GeV^-1 cm^-2 s^-1 sr^-1 (per flavour ...)'."""
    m = re.match(r"^\s*([^(\[;]*?)\s*(?:[(\[;]\s*(.*?)[)\]]?\s*)?$", units)
    base, comment = (m.group(1), m.group(2) or "") if m else (units, "")
    base = base.replace("^", "")
    return ("" if base in ("1", "") else base), comment


def _provenance(attrs: dict) -> list[tuple]:
    return [("SCENARIO", str(attrs.get("scenario", "?")), "hpcsim scenario"),
            ("CFGHASH", str(attrs.get("config_hash", "?"))[:16], "hpcsim configuration hash"),
            ("HPCSIMV", str(attrs.get("code_version", "?")))]


def export_maps(path: str, out_dir: str) -> list[str]:
    """Write every HEALPix map of a results file as FITS; returns the files written."""
    import healpy as hp
    data, units, attrs = _read(path)
    maps = {k: v for k, v in data.items() if k.startswith("maps/") and v.ndim == 1
            and v.size >= 12 and hp.isnpixok(v.size)}
    if not maps:
        raise ExportError(f"{path} holds no HEALPix maps (scenario "
                          f"{attrs.get('scenario', '?')}; maps come from ymsc_diffuse runs)")
    band_e = data.get("maps/band_energy")
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name in sorted(maps):
        m = np.asarray(maps[name])
        rel = name[len("maps/"):]
        unit, comment = fits_unit(units[name])
        header = [("BUNIT", unit, "unit of the map values")]
        band = re.search(r"band_(\d+)$", rel)
        if band is not None and band_e is not None and int(band.group(1)) < len(band_e):
            header.append(("ENERGY", float(band_e[int(band.group(1))]),
                           "[GeV] energy of the map"))
        header += [("HPCDSET", name), ("HPCUNIT", units[name])]  # long: no comment
        if rel.split("/")[0] in ("gamma", "nu") and rel.split("/")[1] != "cr_sea":
            header.append(("REALISAT", 0, "Monte Carlo realisation of the clusters"))
        header += _provenance(attrs)
        if comment:
            header.append(("COMMENT", comment))
        column = ("MASK" if rel.startswith("mask/") else "N_H" if rel == "N_H"
                  else "INTENSITY")
        dest = os.path.join(out_dir, rel.replace("/", "_") + ".fits")
        with atomic_path(dest) as tmp:
            hp.write_map(tmp, m, nest=False, coord="G", column_names=[column],
                         column_units=[unit] if unit else None, extra_header=header,
                         fits_IDL=False, overwrite=True, dtype=m.dtype)
        written.append(dest)
    return written


def spectra_tables(data: dict, units: dict) -> list[dict]:
    """Tables {name, group, axis, columns: [(name, values, units)]} of every spectrum."""
    tables: dict[tuple[str, str], dict] = {}

    def add(group, axis_name, axis, axis_unit, leaf, arr, unit, labels=None):
        key = (group, axis_name)
        if key not in tables:
            suffix = "" if group.startswith("emission") else f"_{axis_name}"
            tables[key] = {"name": group.replace("/", "_") + suffix, "group": group,
                           "columns": [(axis_name, np.asarray(axis, float), axis_unit)]}
        cols = tables[key]["columns"]
        if arr.ndim == 1:
            cols.append((leaf, arr, unit))
        else:
            labels = labels if labels is not None and len(labels) == arr.shape[0] \
                else [str(i) for i in range(arr.shape[0])]
            cols += [(f"{leaf}[{lab}]", arr[i], unit) for i, lab in enumerate(labels)]

    e = data.get("emission/energy")
    if e is not None:
        for name in sorted(data):
            arr = data[name]
            if (name.split("/")[:2] in (["emission", "gamma"], ["emission", "nu"])
                    and arr.ndim in (1, 2) and arr.shape[-1] == e.size):
                group, leaf = name.rsplit("/", 1)
                add(group, "energy", e, units.get("emission/energy", "GeV"), leaf, arr,
                    units[name])
    for name in sorted(data):
        parts = name.split("/")
        if len(parts) < 3 or parts[0] != "propagation" or not parts[1].startswith("point_"):
            continue
        root = "/".join(parts[:2])
        leaf = parts[-1]
        arr = data[name]
        for tag, axis_name in PROPAGATION_AXES:
            axis = data.get(f"{root}/{axis_name}")
            if tag in leaf and axis is not None and arr.ndim in (1, 2) \
                    and arr.shape[-1] == axis.size:
                labels = None
                if leaf.startswith("isotope_") and f"{root}/isotopes" in data:
                    labels = [s.decode() if isinstance(s, bytes) else str(s)
                              for s in data[f"{root}/isotopes"]]
                elif leaf.startswith("element_") and f"{root}/elements" in data:
                    labels = [f"Z{int(z)}" for z in data[f"{root}/elements"]]
                add(name.rsplit("/", 1)[0], axis_name, axis,
                    units.get(f"{root}/{axis_name}", ""), leaf, arr, units[name], labels)
                break
    return list(tables.values())


def export_spectra(path: str, out_dir: str) -> list[str]:
    """Write every spectrum of a results file as CSV tables; returns the files written."""
    data, units, attrs = _read(path)
    tables = spectra_tables(data, units)
    if not tables:
        raise ExportError(f"{path} holds no spectra (emission/ or propagation/ datasets with "
                          f"an energy axis; scenario {attrs.get('scenario', '?')})")
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for t in tables:
        dest = os.path.join(out_dir, t["name"] + ".csv")
        cols = t["columns"]
        head = [f"# hpcsim spectra: {t['group']} from {os.path.abspath(path)}",
                f"# scenario {attrs.get('scenario', '?')}, config hash "
                f"{str(attrs.get('config_hash', '?'))[:16]}, code {attrs.get('code_version', '?')}",
                "# units of the columns:"]
        head += [f"#   {c[0]}: {c[2]}" for c in cols]
        block = np.column_stack([np.asarray(c[1], dtype=float) for c in cols])
        with atomic_path(dest) as tmp:
            with open(tmp, "w") as fh:
                fh.write("\n".join(head) + "\n")
                fh.write(",".join(c[0] for c in cols) + "\n")
                for row in block:
                    fh.write(",".join(f"{x:.17g}" for x in row) + "\n")
                fh.flush()
        written.append(dest)
    return written


def read_csv(path: str) -> tuple[list[str], np.ndarray, dict[str, str]]:
    """(column names, values [row x column], units by column) of a table written here."""
    units, names, rows = {}, None, []
    with open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#   ") and ": " in line:
                k, v = line[4:].split(": ", 1)
                units[k] = v
            elif line.startswith("#") or not line:
                continue
            elif names is None:
                names = line.split(",")
            else:
                rows.append([float(x) for x in line.split(",")])
    return names or [], np.array(rows, dtype=float), units
