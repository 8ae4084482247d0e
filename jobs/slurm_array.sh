#!/usr/bin/env bash
# Slurm job array for an hpcsim configuration: element k computes block k of the task ids into
# its own run directory, and a merge job combines the blocks into one run directory with
# results.h5 (identical to a single run of the whole configuration).
#
#   jid=$(sbatch --parsable --array=0-7 jobs/slurm_array.sh CONFIG WORKDIR [NBLOCKS])
#   sbatch --dependency=afterok:$jid jobs/slurm_array.sh --merge WORKDIR [RUNDIR]
#
# Element k runs `python -m hpcsim.io.merge block CONFIG -o WORKDIR/block_00k --block k
# --blocks NBLOCKS` under srun: the task ids 0..n-1 are cut into NBLOCKS contiguous blocks
# (NBLOCKS defaults to the highest array index + 1, or $HPCSIM_BLOCKS; `hpcsim validate CONFIG`
# prints n). Task ids run realisation by realisation (ymsc scenarios) and parameter point by
# parameter point (propagation scans: NBLOCKS = number of points gives one point per element).
# The merge job runs `hpcsim merge WORKDIR/block_* -o RUNDIR` (RUNDIR defaults to
# WORKDIR/merged), which hard-links the task files (no copy, no recomputation) and reduces
# them into RUNDIR/results.h5. If tasks are still missing (a scenario whose later phases need
# all of the first one; or a block that did not finish), the merge job computes them itself
# with `hpcsim run RUNDIR/config.toml -o RUNDIR --resume` (give it ranks with -n). A single
# block can be rerun with `sbatch --array=K jobs/slurm_array.sh CONFIG WORKDIR NBLOCKS`.
#
# Each element behaves like jobs/slurm_run.sh (same signal rule: the time-limit warning
# requeues it, scancel ends it, preemption and `scontrol requeue` resume it). Ranks per
# element: 1 by default (-n N for more); limit concurrent elements with --array=0-99%10.
# Logs: WORKDIR/logs/slurm-ARRAYJOB_K.out and WORKDIR/logs/slurm-MERGEJOB.out.
#SBATCH --job-name=hpcsim-array
#SBATCH --ntasks=1
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@90
#SBATCH --output=/dev/null
set -uo pipefail
# a signal before the hand-over to slurm_run.sh is passed on to it (USR1 would kill bash)
export HPCSIM_EARLY_SIGNALS=""
trap 'HPCSIM_EARLY_SIGNALS="$HPCSIM_EARLY_SIGNALS usr1"' USR1
trap 'HPCSIM_EARLY_SIGNALS="$HPCSIM_EARLY_SIGNALS term"' TERM
# find jobs/slurm_run.sh next to the script as submitted (sbatch runs a spooled copy)
ref=${SLURM_JOB_ID:-0}
[ -n "${SLURM_ARRAY_TASK_ID:-}" ] && ref="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
script=$(scontrol show job "$ref" 2>/dev/null | sed -n 's/^ *Command=//p' | head -n 1)
[ $# -gt 0 ] && script=${script% "$*"}
case $script in /*|"") ;; *) script="${SLURM_SUBMIT_DIR:-$PWD}/$script" ;; esac
mode=block
if [ "${1:-}" = --merge ]; then
    mode=merge
    shift
fi
for home in "${HPCSIM_HOME:-}" "${script:+$(dirname "$script")/..}" "$(dirname "${BASH_SOURCE[0]}")/.."; do
    if [ -n "$home" ] && [ -f "$home/jobs/slurm_run.sh" ]; then
        export HPCSIM_SLURM_MODE=$mode
        exec bash "$home/jobs/slurm_run.sh" "$@"
    fi
done
msg="slurm_array.sh: cannot find jobs/slurm_run.sh; set HPCSIM_HOME to the project directory"
echo "$msg" >&2
[ -n "${SLURM_SUBMIT_DIR:-}" ] && echo "$msg" >>"$SLURM_SUBMIT_DIR/hpcsim-slurm-${SLURM_JOB_ID:-0}.err"
exit 2
