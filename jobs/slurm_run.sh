#!/usr/bin/env bash
# Slurm batch script for an hpcsim run that survives time limits, preemption and requeues.
#
#   sbatch [-n NTASKS] [--time=D-HH:MM:SS] [-o LOGFILE] jobs/slurm_run.sh CONFIG RUNDIR
#
# Submit it from any directory: CONFIG and RUNDIR are taken relative to the directory sbatch
# was called from. hpcsim is found, in this order, in $HPCSIM_HOME/.venv, in the .venv of the
# project this script was submitted from (sbatch runs a copy in its spool directory, so the
# script asks Slurm for the path it was submitted as), or on PATH (a cluster installation
# without a venv).
#
# Ranks: 2 by default, which fits any node; ask for more on the command line, e.g.
#   sbatch -n 64 --time=12:00:00 jobs/slurm_run.sh jobs/configs/paper.toml runs/paper
# (OpenMP threads per rank: -c K, exported as OMP_NUM_THREADS.)
#
# Log: RUNDIR/logs/slurm-JOBID.out, appended to across requeues (until the run directory
# exists it is RUNDIR/.slurm-JOBID.out), or $HPCSIM_LOG_DIR/slurm-JOBID.out if that is set,
# or the file you give to sbatch with -o/--output.
#
# Every finished task is a checkpoint; a requeued job resumes where it stopped. The rule for
# signals (the batch shell gets them; the ranks get SIGTERM from Slurm directly as well):
#   USR1  the time-limit warning (--signal=B:USR1@90 below), or a checkpoint request from you
#         (scancel --batch --signal=USR1 JOBID): the run stops after the tasks in flight
#         (RUNDIR/STOP) and the script requeues the job, which then resumes.
#   TERM  scancel, preemption, `scontrol requeue`, or the time limit itself. The script asks
#         Slurm why (scontrol show job): if the job's restart count went up, Slurm is
#         requeueing it (preemption, external requeue) and does so by itself; if the reason is
#         TimeLimit (the warning came too late) the script requeues it; otherwise it was
#         cancelled (scancel) and the job ends. Finished tasks stay in RUNDIR: submit the same
#         command again to continue.
#   A STOP file you create yourself stops the run without a requeue (remove it to continue).
# Exit code: 0 done (RUNDIR/results.h5 written); 3 stopped before the end; otherwise hpcsim's.
#
# Job arrays (blocks of tasks merged afterwards) use this script through jobs/slurm_array.sh.
#SBATCH --job-name=hpcsim
#SBATCH --ntasks=2
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@90
#SBATCH --output=/dev/null
set -uo pipefail
# remember a signal that comes before the handlers below are in place (USR1 would kill bash)
EARLY=${HPCSIM_EARLY_SIGNALS:-}   # (caught by slurm_array.sh before it handed over)
trap 'EARLY="$EARLY usr1"' USR1
trap 'EARLY="$EARLY term"' TERM

MODE=${HPCSIM_SLURM_MODE:-run}   # run | block (array element) | merge; set by slurm_array.sh
say() { echo "[slurm $(date '+%F %T')] $*"; }
die() {
    say "error: $*" >&2
    # nothing reached a log yet: leave the message where the user submitted from
    if [ -z "${LOG:-}" ] && [ -n "${SLURM_SUBMIT_DIR:-}" ] && [ -n "${SLURM_JOB_ID:-}" ]; then
        say "error: $*" >>"$SLURM_SUBMIT_DIR/hpcsim-slurm-$SLURM_JOB_ID.err"
    fi
    exit 2
}

[ -n "${SLURM_JOB_ID:-}" ] || die "submit this script with sbatch (see its header)"
if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
    JOBREF="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
    [ "$MODE" = block ] || die "job arrays go through jobs/slurm_array.sh"
else
    JOBREF=$SLURM_JOB_ID
fi
cd "${SLURM_SUBMIT_DIR:-$PWD}" || die "cannot enter the submission directory $SLURM_SUBMIT_DIR"
# (scontrol show job ARRAYID lists every element: ask for this element only)
jobinfo() { scontrol show job "$JOBREF" 2>/dev/null; }
JOBINFO=$(jobinfo)

# -- arguments ---------------------------------------------------------------------------------
if [ "$MODE" = merge ]; then
    [ $# -ge 1 ] && [ $# -le 2 ] || die "usage: sbatch jobs/slurm_array.sh --merge WORKDIR [RUNDIR]"
    WORKDIR=$1
    RUN_DIR=${2:-$WORKDIR/merged}
    LOGBASE=$WORKDIR
elif [ "$MODE" = block ]; then
    [ $# -ge 2 ] && [ $# -le 3 ] || die "usage: sbatch --array=0-N jobs/slurm_array.sh CONFIG WORKDIR [NBLOCKS]"
    [ -n "${SLURM_ARRAY_TASK_ID:-}" ] || die "submit jobs/slurm_array.sh with --array (or use --merge)"
    CONFIG=$1
    WORKDIR=$2
    NBLOCKS=${3:-${HPCSIM_BLOCKS:-$((SLURM_ARRAY_TASK_MAX + 1))}}
    BLOCK=$SLURM_ARRAY_TASK_ID
    [ "$BLOCK" -lt "$NBLOCKS" ] || die "array index $BLOCK >= number of blocks $NBLOCKS"
    RUN_DIR=$(printf '%s/block_%03d' "$WORKDIR" "$BLOCK")
    LOGBASE=$WORKDIR
else
    [ $# -eq 2 ] || die "usage: sbatch [-n NTASKS] jobs/slurm_run.sh CONFIG RUNDIR"
    CONFIG=$1
    RUN_DIR=$2
    LOGBASE=""
fi

# -- log: never in the submission (e.g. repository) directory ----------------------------------
LOGNAME_="slurm-$JOBREF.out"
STDOUT_PATH=$(sed -n 's/^ *StdOut=//p' <<<"$JOBINFO" | head -n 1)
LOG=""
log_to() { LOG=$1; exec >>"$LOG" 2>&1; }
if [ -n "$STDOUT_PATH" ] && [ "$STDOUT_PATH" != /dev/null ]; then
    LOG=$STDOUT_PATH  # the user chose it with sbatch -o
elif [ -n "${HPCSIM_LOG_DIR:-}" ]; then
    mkdir -p "$HPCSIM_LOG_DIR" && log_to "$HPCSIM_LOG_DIR/$LOGNAME_"
elif [ -n "$LOGBASE" ]; then
    mkdir -p "$LOGBASE/logs" && log_to "$LOGBASE/logs/$LOGNAME_"
else
    # RUNDIR/logs/ may only appear once the run directory holds a run (hpcsim refuses to start
    # a run in a non-empty directory); until then the log is a hidden file it tolerates
    mkdir -p "$RUN_DIR" || die "cannot create $RUN_DIR"
    if [ -f "$RUN_DIR/run.json" ]; then
        mkdir -p "$RUN_DIR/logs" && log_to "$RUN_DIR/logs/$LOGNAME_"
    else
        log_to "$RUN_DIR/.$LOGNAME_"
    fi
fi
settle_log() {  # move the hidden early log into RUNDIR/logs/ once the run directory exists
    if [ "$LOG" = "$RUN_DIR/.$LOGNAME_" ] && [ -f "$RUN_DIR/run.json" ]; then
        mkdir -p "$RUN_DIR/logs" && mv -f "$LOG" "$RUN_DIR/logs/$LOGNAME_" \
            && LOG="$RUN_DIR/logs/$LOGNAME_"   # open descriptors follow the file
    fi
}

# -- find hpcsim -------------------------------------------------------------------------------
find_hpcsim() {
    local homes=() script h
    if [ -n "${HPCSIM_HOME:-}" ]; then
        [ -x "$HPCSIM_HOME/.venv/bin/hpcsim" ] \
            || die "HPCSIM_HOME=$HPCSIM_HOME has no .venv/bin/hpcsim (run tools/bootstrap.sh there)"
        homes+=("$HPCSIM_HOME")
    fi
    # the script as submitted ("Command=PATH ARGS", PATH relative to the submission directory)
    script=$(sed -n 's/^ *Command=//p' <<<"$JOBINFO" | head -n 1)
    [ $# -gt 0 ] && script=${script% "$*"}
    if [ -n "$script" ]; then
        case $script in /*) ;; *) script="$SLURM_SUBMIT_DIR/$script" ;; esac
        homes+=("$(dirname "$script")/..")
    fi
    homes+=("$(dirname "${BASH_SOURCE[0]}")/..")
    for h in "${homes[@]}"; do
        if [ -x "$h/.venv/bin/hpcsim" ]; then
            HPCSIM=$(cd "$h" && pwd)/.venv/bin/hpcsim
            return
        fi
    done
    HPCSIM=$(command -v hpcsim) \
        || die "hpcsim not found: set HPCSIM_HOME to the project directory (with .venv) or put hpcsim on PATH"
}
find_hpcsim "$@"
PYTHON=$(dirname "$HPCSIM")/python
say "job $JOBREF (restart ${SLURM_RESTART_COUNT:-0}) on $(hostname), $SLURM_NTASKS task(s), mode $MODE, hpcsim $HPCSIM"

if [ "$MODE" = merge ]; then
    shopt -s nullglob
    blocks=("$WORKDIR"/block_*)
    [ ${#blocks[@]} -gt 0 ] || die "no block directories in $WORKDIR"
    say "merging ${#blocks[@]} block(s) into $RUN_DIR"
    "$HPCSIM" merge "${blocks[@]}" -o "$RUN_DIR"
    rc=$?
    say "merge exit code $rc"
    [ $rc -eq 3 ] || exit $rc
    # tasks missing after the merge (a scenario's later phases): compute them in this job
    say "computing the missing tasks in $RUN_DIR"
    CONFIG=$RUN_DIR/config.toml
    MODE=run
fi

# -- signals -----------------------------------------------------------------------------------
STOP_PENDING=0     # a stop was asked before the run directory existed
GOT_USR1=0
GOT_TERM=0
TERM_WHY=""        # requeue (Slurm requeues) | timelimit | cancel
FINISHING=0
request_stop() {  # $1 = announce: say so when the STOP file has to wait
    if [ -f "$RUN_DIR/run.json" ]; then
        touch "$RUN_DIR/STOP"
        OWN_STOP=1
        STOP_PENDING=0
    else
        STOP_PENDING=1   # touched as soon as the run directory holds a run
        [ -n "${1:-}" ] && say "$RUN_DIR holds no run yet: STOP follows as soon as it does"
    fi
}
restarts_now() { jobinfo | grep -o 'Restarts=[0-9]*' | head -n 1 | cut -d= -f2; }
on_usr1() {
    [ $FINISHING = 1 ] && return
    GOT_USR1=1
    say "USR1 (time-limit warning or checkpoint request): stopping after the tasks in flight"
    request_stop announce
}
on_term() {
    [ $FINISHING = 1 ] && return
    GOT_TERM=1
    local info restarts reason
    info=$(jobinfo)
    restarts=$(grep -o 'Restarts=[0-9]*' <<<"$info" | head -n 1 | cut -d= -f2)
    reason=$(grep -o 'Reason=[^ ]*' <<<"$info" | head -n 1 | cut -d= -f2)
    if [ -n "$restarts" ] && [ "$restarts" -gt "${SLURM_RESTART_COUNT:-0}" ]; then
        TERM_WHY=requeue
    elif [ "$reason" = TimeLimit ]; then
        TERM_WHY=timelimit
    else
        TERM_WHY=cancel
    fi
    say "TERM ($TERM_WHY: restarts ${restarts:-?}, reason ${reason:-?}): stopping after the tasks in flight"
    request_stop announce
}
OWN_STOP=0
trap on_usr1 USR1
trap on_term TERM
case $EARLY in *usr1*) on_usr1 ;; esac
case $EARLY in *term*) on_term ;; esac
[ -f "$RUN_DIR/STOP" ] && say "warning: $RUN_DIR/STOP exists: the run stops at once; remove it to let it proceed"

# -- run ---------------------------------------------------------------------------------------
RESUME=()
[ -f "$RUN_DIR/run.json" ] && RESUME=(--resume)
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
if [ "$MODE" = block ]; then
    say "block $BLOCK of $NBLOCKS -> $RUN_DIR"
    CMD=("$PYTHON" -m hpcsim.io.merge block "$CONFIG" -o "$RUN_DIR" --block "$BLOCK" --blocks "$NBLOCKS")
else
    CMD=("$HPCSIM" run "$CONFIG" -o "$RUN_DIR")
fi
# pin the PMI flavour: a plain srun with MpiDefault=none starts N independent copies
srun --mpi=pmi2 -n "$SLURM_NTASKS" "${CMD[@]}" ${RESUME[@]+"${RESUME[@]}"} &
pid=$!
while kill -0 $pid 2>/dev/null; do
    [ $STOP_PENDING = 1 ] && request_stop
    settle_log
    sleep 1 &
    wait $! 2>/dev/null   # a trapped signal ends the wait at once
done
wait $pid
rc=$?
FINISHING=1
settle_log
[ $OWN_STOP = 1 ] && rm -f "$RUN_DIR/STOP"

requeue() {
    local r
    r=$(restarts_now)
    if [ -n "$r" ] && [ "$r" -gt "${SLURM_RESTART_COUNT:-0}" ]; then
        say "Slurm is already requeueing job $JOBREF"
        return
    fi
    say "requeueing job $JOBREF: it resumes where it stopped"
    scontrol requeue "$JOBREF" || say "warning: scontrol requeue $JOBREF failed"
}
incomplete=0
{ [ $rc -eq 3 ] || [ $rc -gt 128 ]; } && incomplete=1
if [ $rc -eq 0 ]; then
    say "done"
elif [ $incomplete = 1 ] && [ $GOT_TERM = 1 ]; then
    case $TERM_WHY in
        requeue) say "stopped (exit $rc); Slurm requeues job $JOBREF (preemption or external requeue)" ;;
        timelimit) say "stopped at the time limit (exit $rc)"; requeue ;;
        *) say "cancelled (exit $rc): not requeueing; finished tasks are kept in $RUN_DIR," \
               "submit the same command again to continue" ;;
    esac
elif [ $incomplete = 1 ] && [ $GOT_USR1 = 1 ]; then
    say "stopped before the end (exit $rc)"
    requeue
elif [ $rc -eq 3 ]; then
    say "stopped by $RUN_DIR/STOP (exit 3): not requeueing; remove it and submit again to continue"
else
    say "hpcsim failed (exit $rc): not requeueing"
fi
exit $rc
