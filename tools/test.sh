#!/usr/bin/env bash
# Set up (if needed) and run every test: serially, then the MPI tests under mpiexec -n 2, then
# jobs/slurm_*.sh under a real single-node Slurm (when root and apt-get allow it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
echo "== serial tests =="
.venv/bin/python -m pytest -q -p no:cacheprovider tests
echo "== MPI tests (mpiexec -n 2) =="
set +e
timeout 900 .venv/bin/mpiexec -n 2 .venv/bin/python -m pytest --with-mpi -q -p no:cacheprovider -m mpi tests
rc=$?
set -e
if [ $rc -ne 0 ]; then echo "MPI tests failed (exit $rc)" >&2; exit $rc; fi
echo "== Slurm test (a private single-node Slurm; skipped with the reason without root/apt-get) =="
HPCSIM_SLURM_TEST=1 timeout 900 .venv/bin/python -m pytest -q -rs -p no:cacheprovider tests/test_slurm.py
