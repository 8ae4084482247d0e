#!/usr/bin/env bash
# SLURM batch script for an hpcsim run that survives preemption and node failure.
#   sbatch jobs/slurm_run.sh jobs/configs/paper.toml runs/paper
# The run checkpoints every finished task; on requeue it resumes where it stopped.
#SBATCH --job-name=hpcsim
#SBATCH --ntasks=64
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@90
#SBATCH --output=hpcsim-%j.out
set -uo pipefail
CONFIG=${1:?usage: sbatch jobs/slurm_run.sh CONFIG RUNDIR}
RUNDIR=${2:?usage: sbatch jobs/slurm_run.sh CONFIG RUNDIR}
cd "${SLURM_SUBMIT_DIR:-.}"
RESUME=""
[ -f "$RUNDIR/run.json" ] && RESUME="--resume"
# USR1 (90 s before the time limit) or a preemption: ask the run to stop after the tasks in
# flight (STOP file), then requeue this job.
trap 'touch "$RUNDIR/STOP"' USR1 TERM
# pin the PMI flavour: a plain srun with MpiDefault=none starts N independent copies
srun --mpi=pmi2 -n "$SLURM_NTASKS" .venv/bin/hpcsim run "$CONFIG" -o "$RUNDIR" $RESUME &
pid=$!
while true; do
    wait $pid; rc=$?
    # wait returns >128 when interrupted by the trapped signal: keep waiting for the step
    if [ $rc -gt 128 ] && kill -0 $pid 2>/dev/null; then continue; fi
    break
done
rm -f "$RUNDIR/STOP"
if [ $rc -eq 3 ]; then
    echo "hpcsim stopped before the end; requeueing job $SLURM_JOB_ID"
    scontrol requeue "$SLURM_JOB_ID"
fi
exit $rc
