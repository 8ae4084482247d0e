"""jobs/slurm_run.sh and jobs/slurm_array.sh under a real single-node Slurm.

tools/test.sh runs this module with HPCSIM_SLURM_TEST=1; it needs root and apt-get (it installs
the Debian packages slurmctld, slurmd, slurm-client and munge if they are missing) and starts
its own munged, slurmctld and slurmd on free ports with a private configuration in a temporary
directory (SLURM_CONF; /etc is not touched), so a Slurm already on the machine is left alone.
The daemons are stopped at the end, also on failure. cred_expire=10 and sched_interval=1 make
a requeued job eligible again after ~10 s instead of ~2 min (HPC-NOTES.md).

Interruptions are made by progress, not by timers: once at least one task file exists and
before the last. "No finished task recomputed" = every task file present before the
interruption keeps its inode and modification time.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT, write_config
from hpcsim.io.results import bit_identical, load_results

# Opt-in: the test installs Debian packages and starts daemons, so only the Slurm phase of
# tools/test.sh (which sets HPCSIM_SLURM_TEST=1 and runs this file alone) runs it; the serial
# phase must not start a second private Slurm.
if os.environ.get("HPCSIM_SLURM_TEST") != "1":
    pytest.skip("real-Slurm test: tools/test.sh runs it (HPCSIM_SLURM_TEST=1; needs root and "
                "apt-get)", allow_module_level=True)

PACKAGES = ["slurmctld", "slurmd", "slurm-client", "munge"]
RUN_SH = os.path.join(ROOT, "jobs", "slurm_run.sh")
ARRAY_SH = os.path.join(ROOT, "jobs", "slurm_array.sh")
VENV = os.path.join(ROOT, ".venv", "bin")
# 6 realisations x 4 sectors + 1 gas-column chunk = 25 tasks of ~0.2 s (2 ranks: ~3 s): long
# enough for the signals below to arrive while tasks run (600 clusters per Galaxy sufficed
# before the emission kernel became 4x faster)
CONFIG = """
[run]
seed = 5
n_realisations = 6
n_sectors = 4
scenario = "ymsc_diffuse"
[population]
n_mean_override = 2400.0
[sky]
nside = 8
los_n_steps = 200
"""
N_TASKS = 25


def _why_not() -> str | None:
    if sys.platform != "linux":
        return "needs Linux"
    if os.geteuid() != 0:
        return "needs root (installs Debian packages and starts Slurm daemons)"
    if not os.path.exists(os.path.join(VENV, "mpiexec")):
        return "needs the mpich wheel in .venv (tools/bootstrap.sh)"
    if all(shutil.which(b, path="/usr/sbin:/usr/bin:/sbin:/bin")
           for b in ("slurmctld", "slurmd", "sbatch", "munged", "mungekey")):
        return None
    if not shutil.which("apt-get"):
        return "Slurm is not installed and there is no apt-get to install " + " ".join(PACKAGES)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", *PACKAGES]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["?"])[-1]
        return f"could not install {' '.join(PACKAGES)} with apt-get: {last}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(pred, timeout, what, interval=0.1):
    t0 = time.time()
    while time.time() - t0 < timeout:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Slurm:
    """A private single-node Slurm (munged, slurmctld, slurmd in the foreground)."""

    def __init__(self, base):
        self.base = str(base)
        self.procs: list[subprocess.Popen] = []
        self.conf = os.path.join(self.base, "slurm.conf")
        self.cpus = os.cpu_count() or 2
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("SLURM_", "HPCSIM_"))}
        self.env["SLURM_CONF"] = self.conf
        # the scripts must find the venv themselves, not through PATH
        self.env["PATH"] = ":".join(p for p in os.environ.get("PATH", "").split(":")
                                    if os.path.abspath(p) != VENV) or "/usr/bin:/bin"

    def _daemon(self, name, *args):
        log = open(os.path.join(self.base, f"{name}.out"), "w")
        self.procs.append(subprocess.Popen([name, *args], stdout=log, stderr=subprocess.STDOUT,
                                           env=self.env, start_new_session=True))

    def start(self):
        b = self.base
        os.chmod(b, 0o700)
        for d in ("state", "spool"):
            os.makedirs(os.path.join(b, d))
        key, sock = os.path.join(b, "munge.key"), os.path.join(b, "munge.sock")
        subprocess.run(["mungekey", "-c", "-k", key], check=True, capture_output=True)
        self._daemon("munged", "-F", "--force", f"--socket={sock}", f"--key-file={key}",
                     f"--log-file={b}/munged.log", f"--pid-file={b}/munged.pid",
                     f"--seed-file={b}/munged.seed")
        wait_for(lambda: os.path.exists(sock), 10, "munged")
        with open(self.conf, "w") as fh:
            fh.write(f"""ClusterName=hpcsimtest
SlurmctldHost=localhost
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock},cred_expire=10
StateSaveLocation={b}/state
SlurmdSpoolDir={b}/spool
SlurmctldPidFile={b}/slurmctld.pid
SlurmdPidFile={b}/slurmd.pid
SlurmctldLogFile={b}/slurmctld.log
SlurmdLogFile={b}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerParameters=bf_interval=1,sched_interval=1
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
NodeName=localhost NodeAddr=127.0.0.1 CPUs={self.cpus} State=UNKNOWN
PartitionName=low Nodes=localhost Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=high Nodes=localhost MaxTime=INFINITE State=UP PriorityTier=2
""")
        self._daemon("slurmctld", "-D", "-f", self.conf)
        self._daemon("slurmd", "-D", "-N", "localhost", "-f", self.conf)
        wait_for(lambda: self.cmd("sinfo", "-h", "-o", "%T").stdout.strip() == "idle", 60,
                 "the Slurm node to become idle")

    def stop(self):
        if self.procs:
            self.cmd("scancel", "--user", "root", check=False)
            try:
                wait_for(lambda: not self.cmd("squeue", "-h", check=False).stdout.strip(), 40,
                         "the jobs to end")
            except AssertionError:
                pass
        for p in reversed(self.procs):  # slurmd, slurmctld, munged
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = []

    def cmd(self, *args, check=True, cwd=None):
        res = subprocess.run(list(args), env=self.env, capture_output=True, text=True,
                             timeout=60, cwd=cwd)
        if check and res.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed: {res.stderr}")
        return res

    def sbatch(self, *args, cwd):
        return self.cmd("sbatch", "--parsable", *args, cwd=cwd).stdout.strip().split(";")[0]

    def job(self, ref) -> dict:
        out = self.cmd("scontrol", "-o", "show", "job", str(ref), check=False).stdout
        fields = {}
        for tok in out.split():
            k, sep, v = tok.partition("=")
            if sep:
                fields.setdefault(k, v)
        return fields

    def wait_done(self, ref, timeout, log=None):
        """Wait for a final state; returns the job fields."""
        def final():
            j = self.job(ref)
            return j if j.get("JobState") in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT",
                                              "NODE_FAIL", "OUT_OF_MEMORY") else None
        try:
            return wait_for(final, timeout, f"job {ref} to end", interval=0.5)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; job {self.job(ref)}\nlog:\n{_read(log)}") from None


def _read(path) -> str:
    if not path:
        return ""
    try:
        with open(path) as fh:
            return fh.read()
    except OSError as exc:
        return f"({exc})"


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    why = _why_not()
    if why:  # no root, no apt-get or no network: a real Slurm cannot be set up here (-rs shows it)
        pytest.skip(why)
    cluster = Slurm(tmp_path_factory.mktemp("slurm"))

    def on_term(signum, frame):  # e.g. `timeout` in tools/test.sh: stop the daemons first
        cluster.stop()
        os._exit(128 + signum)
    previous = signal.signal(signal.SIGTERM, on_term)
    t0 = time.time()
    try:
        cluster.start()
        sys.stderr.write(f"\n[test_slurm] Slurm up in {time.time() - t0:.1f} s\n")
        yield cluster
    finally:
        cluster.stop()
        signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same configuration run with the venv's mpiexec on 2 ranks."""
    d = tmp_path_factory.mktemp("ref")
    cfg = write_config(d / "cfg.toml", CONFIG)
    res = subprocess.run([os.path.join(VENV, "mpiexec"), "-n", "2",
                          os.path.join(VENV, "hpcsim"), "run", cfg, "-o", str(d / "run"), "-q"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return load_results(str(d / "run" / "results.h5"))[0]


@pytest.fixture
def submit_dir(tmp_path, slurm):
    """A directory outside the project holding the configuration; jobs are submitted from it."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    write_config(d / "cfg.toml", CONFIG)
    yield d
    slurm.cmd("scancel", "--user", "root", check=False)


def _same_as_reference(reference, results):
    data = load_results(str(results))[0]
    assert data.keys() == reference.keys()
    bad = [k for k in data if not bit_identical(data[k], reference[k])]
    assert not bad, f"differs from the mpiexec run: {bad[:5]}"


def _tasks(rundir) -> dict[str, tuple[int, int]]:
    out = {}
    for p in glob.glob(os.path.join(str(rundir), "tasks", "task_*.h5")):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            continue
        out[os.path.basename(p)] = (st.st_ino, st.st_mtime_ns)
    return out


def _interrupt_when_running(rundir, n_total, action, timeout=120):
    """Once 1 <= task files < n_total: snapshot them, run ``action``; returns the snapshot."""
    def ready():
        n = len(_tasks(rundir))
        return 1 <= n < n_total - 2
    wait_for(ready, timeout, f"the first task files in {rundir}", interval=0.05)
    snap = _tasks(rundir)
    action()
    return snap


def _not_recomputed(snap, rundir):
    now = _tasks(rundir)
    changed = [n for n, v in snap.items() if now.get(n) != v]
    assert not changed, f"finished tasks were recomputed or lost: {changed}"


def _no_stray_logs(*dirs):
    for d in dirs:
        stray = [p for pat in ("slurm-*.out", "hpcsim-*.out", "hpcsim-slurm-*.err")
                 for p in glob.glob(os.path.join(str(d), pat))]
        assert not stray, f"log files outside the run directory: {stray}"


def test_sbatch_default_ntasks_from_elsewhere_matches_mpiexec(slurm, reference, submit_dir):
    """No -n: the default (2 tasks) starts on a small node; relative paths from the submission
    directory; the log goes into RUNDIR/logs/; results identical to mpiexec -n 2."""
    t0 = time.time()
    jid = slurm.sbatch(RUN_SH, "cfg.toml", "runs/a", cwd=submit_dir)
    rundir = submit_dir / "runs" / "a"
    log = rundir / "logs" / f"slurm-{jid}.out"
    job = slurm.wait_done(jid, 180, log)
    text = _read(log)
    assert job["JobState"] == "COMPLETED", text
    assert job["NumTasks"] == "2"
    assert "2 task(s)" in text and "2 rank(s)" in text, text
    _same_as_reference(reference, rundir / "results.h5")
    assert sorted(os.listdir(submit_dir)) == ["cfg.toml", "runs"]
    assert not os.path.exists(rundir / "STOP")
    assert not glob.glob(str(rundir / ".slurm-*"))  # the early log was moved into logs/
    _no_stray_logs(submit_dir, ROOT)
    sys.stderr.write(f"[test_slurm] plain sbatch run: {time.time() - t0:.1f} s\n")


def test_external_requeue_resumes_identical(slurm, reference, submit_dir):
    """scontrol requeue (what preemption with PreemptMode=REQUEUE does): Slurm requeues the
    job itself, the script does not requeue it again, the run resumes without recomputing."""
    t0 = time.time()
    jid = slurm.sbatch("-n", "2", RUN_SH, "cfg.toml", "runs/b", cwd=submit_dir)
    rundir = submit_dir / "runs" / "b"
    snap = _interrupt_when_running(rundir, N_TASKS,
                                   lambda: slurm.cmd("scontrol", "requeue", jid))
    t1 = time.time()
    log = rundir / "logs" / f"slurm-{jid}.out"
    job = slurm.wait_done(jid, 240, log)
    text = _read(log)
    assert job["JobState"] == "COMPLETED" and job["Restarts"] == "1", (job, text)
    assert "TERM (requeue" in text and "Slurm requeues job" in text, text
    assert "scontrol requeue" not in text and "warning" not in text, text
    _not_recomputed(snap, rundir)
    _same_as_reference(reference, rundir / "results.h5")
    assert not os.path.exists(rundir / "STOP")
    sys.stderr.write(f"[test_slurm] external requeue: {len(snap)} tasks done before, "
                     f"requeue -> done {time.time() - t1:.1f} s (total {time.time() - t0:.1f} s)\n")


def test_warning_before_run_directory_exists_is_kept(slurm, reference, submit_dir):
    """USR1 to the batch shell (what --signal=B:USR1@90 sends before the time limit) as soon
    as the job starts, before hpcsim has created the run directory: the stop is applied once
    it exists, the script requeues the job, and it ends identical."""
    t0 = time.time()
    jid = slurm.sbatch(RUN_SH, "cfg.toml", "runs/c", cwd=submit_dir)
    rundir = submit_dir / "runs" / "c"
    wait_for(lambda: slurm.job(jid).get("JobState") == "RUNNING", 60, "the job to start",
             interval=0.05)
    wait_for(lambda: glob.glob(str(rundir / ".slurm-*.out")), 30, "the job's early log",
             interval=0.02)
    early = not os.path.exists(rundir / "run.json")
    slurm.cmd("scancel", "--batch", "--signal=USR1", jid)
    log = rundir / "logs" / f"slurm-{jid}.out"
    job = slurm.wait_done(jid, 240, log)
    text = _read(log)
    assert job["JobState"] == "COMPLETED" and job["Restarts"] == "1", (job, text)
    assert "USR1" in text and f"requeueing job {jid}" in text, text
    if early:
        assert "STOP follows" in text, text
    _same_as_reference(reference, rundir / "results.h5")
    assert not os.path.exists(rundir / "STOP")
    sys.stderr.write(f"[test_slurm] early warning (run directory absent: {early}) -> "
                     f"requeue -> done: {time.time() - t0:.1f} s\n")


def test_time_limit_warning_mid_run_resumes_identical(slurm, reference, submit_dir):
    """The time-limit warning while tasks run: the run checkpoints and stops, the script
    requeues the job, no finished task is recomputed."""
    jid = slurm.sbatch(RUN_SH, "cfg.toml", "runs/d", cwd=submit_dir)
    rundir = submit_dir / "runs" / "d"
    snap = _interrupt_when_running(
        rundir, N_TASKS, lambda: slurm.cmd("scancel", "--batch", "--signal=USR1", jid))
    log = rundir / "logs" / f"slurm-{jid}.out"
    job = slurm.wait_done(jid, 240, log)
    text = _read(log)
    assert job["JobState"] == "COMPLETED" and job["Restarts"] == "1", (job, text)
    assert "stopped before the end (exit 3)" in text, text
    _not_recomputed(snap, rundir)
    _same_as_reference(reference, rundir / "results.h5")


def test_scancel_ends_the_job(slurm, submit_dir):
    """A user's scancel ends the job: no requeue, finished tasks kept, no STOP left."""
    jid = slurm.sbatch(RUN_SH, "cfg.toml", "runs/e", cwd=submit_dir)
    rundir = submit_dir / "runs" / "e"
    snap = _interrupt_when_running(rundir, N_TASKS, lambda: slurm.cmd("scancel", jid))
    log = rundir / "logs" / f"slurm-{jid}.out"
    wait_for(lambda: "cancelled (exit" in _read(log), 60, "the script's last word",
             interval=0.2)
    time.sleep(3)  # a requeue by the script would show now
    job = slurm.job(jid)
    text = _read(log)
    assert job["JobState"] == "CANCELLED" and job["Restarts"] == "0", (job, text)
    assert "not requeueing" in text and "requeueing job" not in text, text
    assert not os.path.exists(rundir / "results.h5")
    assert not os.path.exists(rundir / "STOP")
    _not_recomputed(snap, rundir)  # kept for a later resubmission


def test_job_array_blocks_preempted_then_merge(slurm, reference, submit_dir):
    """Three array elements (one block of tasks each, 1 rank), preempted by a job of a
    higher-priority partition while they run (PreemptMode=REQUEUE), then a merge job with
    --dependency=afterok: results identical to mpiexec, block files hard-linked (not copied,
    not recomputed)."""
    t0 = time.time()
    arr = slurm.sbatch("--array=0-2", ARRAY_SH, "cfg.toml", "work", cwd=submit_dir)
    work = submit_dir / "work"
    blocks = [work / f"block_{k:03d}" for k in range(3)]
    sizes = [len(range(N_TASKS * k // 3, N_TASKS * (k + 1) // 3)) for k in range(3)]

    def running_mid_block():
        return any(1 <= len(_tasks(b)) < n - 2 for b, n in zip(blocks, sizes))
    wait_for(running_mid_block, 120, "a block in progress", interval=0.05)
    snaps = [_tasks(b) for b in blocks]
    # a job that needs every CPU of the node in the high-priority partition preempts them
    slurm.sbatch("-p", "high", "-n", str(slurm.cpus), "-o", "/dev/null", "--wrap", "true",
                 cwd=submit_dir)
    merge = slurm.sbatch(f"--dependency=afterok:{arr}", ARRAY_SH, "--merge", "work",
                         cwd=submit_dir)
    log = work / "logs" / f"slurm-{merge}.out"
    job = slurm.wait_done(merge, 300, log)
    assert job["JobState"] == "COMPLETED", _read(log)
    restarts = []
    for k in range(3):
        j = slurm.job(f"{arr}_{k}")
        text = _read(work / "logs" / f"slurm-{arr}_{k}.out")
        assert j["JobState"] == "COMPLETED", (k, j, text)
        restarts.append(int(j["Restarts"]))
        if restarts[-1]:
            assert "TERM (requeue" in text and "Slurm requeues job" in text, text
    assert sum(restarts) >= 1, restarts  # at least one element was preempted and resumed
    for snap, b in zip(snaps, blocks):
        _not_recomputed(snap, b)
    merged = work / "merged"
    _same_as_reference(reference, merged / "results.h5")
    for name, (ino, _) in _tasks(merged).items():
        owners = [b for b in blocks if os.path.exists(b / "tasks" / name)]
        assert len(owners) == 1 and os.stat(owners[0] / "tasks" / name).st_ino == ino
    assert len(_tasks(merged)) == N_TASKS
    assert sorted(os.listdir(submit_dir)) == ["cfg.toml", "work"]
    _no_stray_logs(submit_dir, ROOT)
    sys.stderr.write(f"[test_slurm] array of 3 (restarts {restarts}) + merge: "
                     f"{time.time() - t0:.1f} s\n")


@pytest.mark.skipif(os.environ.get("HPCSIM_SLURM_SLOW") != "1",
                    reason="real time limits take minutes (set HPCSIM_SLURM_SLOW=1)")
def test_real_time_limits(slurm, submit_dir):
    """Slurm's own timer (checked every 30 s), two 1-rank jobs side by side: (a) --time=2
    with the default warning 90 s ahead (Slurm may send it up to 60 s earlier): USR1 while
    tasks run, the script requeues; (b) --time=1 and no USR1 warning: TERM with
    Reason=TimeLimit, the script requeues. After the requeue each gets a longer limit and finishes; both end identical, no
    task finished before the limit is recomputed. The run is sized from a measured task rate
    so that it outlasts the limits."""
    probe = submit_dir / "probe"
    cfg = write_config(submit_dir / "probe.toml", CONFIG)
    t0 = time.time()
    assert subprocess.run([os.path.join(VENV, "hpcsim"), "run", cfg, "-o", str(probe), "-q"],
                          timeout=600).returncode == 0
    per_task = (time.time() - t0) / N_TASKS  # 1 rank, start-up and reduction included
    n_real = max(6, int(240.0 / per_task / 4) + 1)  # > 4 min of work on 1 rank
    n_total = 4 * n_real + 1
    write_config(submit_dir / "long.toml", CONFIG.replace("n_realisations = 6",
                                                          f"n_realisations = {n_real}"))
    jobs = {"warn": slurm.sbatch("-n", "1", "--time=2", RUN_SH, "long.toml", "runs/warn",
                                 cwd=submit_dir),
            # the warning replaced by SIGURG (ignored): only the time limit's TERM arrives
            "limit": slurm.sbatch("-n", "1", "--time=1", "--signal=B:URG@1", RUN_SH,
                                  "long.toml", "runs/limit", cwd=submit_dir)}
    snaps = {}
    for name, jid in jobs.items():
        wait_for(lambda: slurm.job(jid).get("Restarts") == "1", 300, f"{name} requeued",
                 interval=0.5)
        snaps[name] = _tasks(submit_dir / "runs" / name)
        slurm.cmd("scontrol", "update", f"JobId={jid}", "TimeLimit=60")
    for name, jid in jobs.items():
        rundir = submit_dir / "runs" / name
        log = rundir / "logs" / f"slurm-{jid}.out"
        job = slurm.wait_done(jid, 900, log)
        text = _read(log)
        assert job["JobState"] == "COMPLETED" and job["Restarts"] == "1", (job, text)
        assert 0 < len(snaps[name]) < n_total, (name, len(snaps[name]))
        assert f"requeueing job {jid}" in text, text
        if name == "warn":
            assert "USR1" in text and "stopped before the end (exit 3)" in text, text
        else:
            assert "TERM (timelimit" in text and "stopped at the time limit" in text, text
        _not_recomputed(snaps[name], rundir)
    a = load_results(str(submit_dir / "runs" / "warn" / "results.h5"))[0]
    b = load_results(str(submit_dir / "runs" / "limit" / "results.h5"))[0]
    assert a.keys() == b.keys() and all(bit_identical(a[k], b[k]) for k in a)
