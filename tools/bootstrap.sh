#!/usr/bin/env bash
# Set up hpcsim on a fresh machine without root: a virtual environment in .venv with MPI from
# PyPI (the mpich wheel), mpi4py, the scientific stack, the test tools, and the Cython kernels
# built in place.  A second call reuses what is installed (it only rebuilds when pyproject.toml,
# setup.py or a kernel source changed).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "[bootstrap] creating .venv with $($PY --version)"
    "$PY" -m venv .venv
fi
stamp=.venv/.hpcsim-installed
want=$(cat pyproject.toml setup.py cython_kernels/*.pyx | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c "import hpcsim.kernels.stellar_winds" 2>/dev/null; then
    echo "[bootstrap] .venv is up to date"
    exit 0
fi
echo "[bootstrap] installing hpcsim and its dependencies (MPI from the mpich wheel) ..."
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q -e ".[test,mpich]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import hpcsim.kernels.stellar_winds, mpi4py, h5py, healpy" \
    || { echo "[bootstrap] installation failed" >&2; exit 1; }
echo "$want" > "$stamp"
echo "[bootstrap] done: $(.venv/bin/python -m mpi4py --mpi-library 2>/dev/null | head -1)"
