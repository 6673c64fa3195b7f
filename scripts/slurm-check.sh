#!/usr/bin/env bash
# Proves that a sweep, a sensitivity analysis and an ensemble, run as a Slurm job array of shards and merged, give exactly what
# one unsharded run gives: starts a one-node Slurm cluster on this machine, submits scripts/sweep-array.sbatch as
# an array of SLURM_CHECK_SHARDS tasks, waits for it, merges the shards with `backlog merge`, and compares the
# merged output byte for byte with the command run once without --shard.
#
#   scripts/slurm-check.sh [BACKLOG]        (default: target/release/backlog)
#
# Needs root on Debian: Slurm and MUNGE come from the distribution's packages (slurm-wlm, munge) and are installed
# when missing. Nothing outside a temporary directory is used: munged gets its own key and socket, and slurmctld
# and slurmd their own slurm.conf, state, spool and logs, on ports of their own. Every daemon started here is
# stopped when the script exits, whether the check passed or not; on a failure the daemons' logs are printed.
# Works without systemd or cgroups (process tracking by /proc, no task plugin, no accounting).
#
# Environment:
#   SLURM_CHECK_SWEEPS   the sweeps to check, one a line: the arguments of `backlog sweep` but --shard and --out
#   SLURM_CHECK_SENSITIVITY  the sensitivity analyses to check, one a line: the arguments of `backlog sensitivity`
#                        but --shard, --out and --plot (empty: none)
#   SLURM_CHECK_ENSEMBLES  the ensembles to check, one a line: the arguments of `backlog simulate` with --draws
#                        but --shard and --out (empty: none)
#   SLURM_CHECK_SHARDS   N, the number of array tasks and shards (default 3)
#   SLURM_CHECK_PORT     slurmctld's port; slurmd takes the next one (default 16817)
#   SLURM_CHECK_TIMEOUT  seconds to wait for the node to come up, and for each array to finish (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."

# A few grid points and replications: the point is the plumbing, not the numbers. The grid's 8 points do not
# divide evenly into 3 shards.
default_sweeps='scenarios/cph2020.toml --vary caseworkers=200..260:20 --vary phone_share=0.2,0.5 --reps 2'
sweeps=${SLURM_CHECK_SWEEPS:-$default_sweeps}
# The smallest Saltelli design over the scenario's ranges (189 points), one replication: about 10 s of runs on 2 cores.
default_sensitivity='scenarios/cph2020.toml --metric backlog_peak --n 2 --reps 1 --format json'
sensitivity=${SLURM_CHECK_SENSITIVITY-$default_sensitivity}
# 20 draws of the scenario's ranges, one replication each, and its central values' replications: about 1 s of runs.
default_ensembles='scenarios/cph2020.toml --draws 20 --reps 1'
ensembles=${SLURM_CHECK_ENSEMBLES-$default_ensembles}
shards=${SLURM_CHECK_SHARDS:-3}
port=${SLURM_CHECK_PORT:-16817}
timeout=${SLURM_CHECK_TIMEOUT:-300}
backlog=${1:-target/release/backlog}

fail() {
    echo "slurm-check: $*" >&2
    exit 1
}

[ -x "$backlog" ] || fail "no backlog binary at $backlog (build it with cargo build --release, or name it)"
backlog=$(realpath "$backlog")

# --- Slurm and MUNGE from the distribution's packages.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
    ! command -v munged >/dev/null; then
    [ "$(id -u)" -eq 0 ] || fail "Slurm or MUNGE is missing; as root: apt-get install -y slurm-wlm munge"
    command -v apt-get >/dev/null || fail "Slurm or MUNGE is missing and there is no apt-get to install them"
    echo "slurm-check: installing slurm-wlm and munge from the distribution's packages"
    apt_log=$(mktemp)
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge; } \
        >"$apt_log" 2>&1; then
        tail -n 30 "$apt_log" >&2
        rm -f "$apt_log"
        fail "apt-get update && apt-get install slurm-wlm munge failed"
    fi
    rm -f "$apt_log"
fi
[ "$(id -u)" -eq 0 ] || fail "run as root: the one-node cluster runs its daemons and jobs as root (SlurmUser=root)"

# --- Everything the cluster keeps, in one temporary directory; cleaned up on exit with the daemons.
work=$(mktemp -d /tmp/slurm-check.XXXXXX)
chmod 700 "$work"
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log" "$work/jobs"
pids=()
names=()
jobids=()

daemon_running() {
    local i
    for i in "${!names[@]}"; do
        [ "${names[i]}" = "$1" ] && kill -0 "${pids[i]}" 2>/dev/null && return 0
    done
    return 1
}

stop_daemons() {
    local i pid waited
    # Jobs first: slurmstepd outlives slurmd, so a job still running when slurmd stops would be left behind.
    # Each step's slurmstepd keeps a socket in the spool directory until it has finished.
    if [ ${#jobids[@]} -gt 0 ] && daemon_running slurmctld; then
        scancel "${jobids[@]}" 2>/dev/null || true
        for ((waited = 0; waited < 100; waited++)); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && [ -z "$(find "$work/spool" -type s)" ] && break
            sleep 0.2
        done
    fi
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
    done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        pid=${pids[i]}
        for ((waited = 0; waited < 100; waited++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "slurm-check: ${names[i]} (pid $pid) did not stop in 10 s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # A signal can arrive while a wait's test runs with its output sent to /dev/null.
    exec 1>&3 2>&4
    if [ "$status" -ne 0 ]; then
        # A daemon's own log, or what it printed where it has none (or died before opening it); each task's output.
        for log in "$work"/log/* "$work"/jobs/*; do
            [ -s "$log" ] || continue
            [ "${log%.out}" != "$log" ] && [ -s "${log%.out}.log" ] && continue
            echo "--- ${log#"$work"/} (last 30 lines)" >&2
            tail -n 30 "$log" >&2
        done
    fi
    stop_daemons
    rm -rf "$work"
    exit "$status"
}
exec 3>&1 4>&2
trap cleanup EXIT
trap 'echo "slurm-check: interrupted" >&2; exit 130' INT
trap 'echo "slurm-check: terminated" >&2; exit 143' TERM

# Starts a daemon in the foreground of a background job, so its pid is known and it can be stopped by it.
start() {
    local name=$1
    shift
    "$@" >>"$work/log/$name.out" 2>&1 3>&- 4>&- &
    pids+=($!)
    names+=("$name")
}

# Waits until a command succeeds, at most SECONDS; fails naming WHAT if it does not, or if a daemon died.
wait_until() {
    local what=$1 seconds=$2 deadline i
    shift 2
    deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        for i in "${!pids[@]}"; do
            kill -0 "${pids[i]}" 2>/dev/null || fail "${names[i]} stopped while waiting for $what"
        done
        [ "$SECONDS" -lt "$deadline" ] || fail "timed out after $seconds s waiting for $what"
        sleep 0.5
    done
}

# --- MUNGE: a key of our own and a socket in the temporary directory.
if command -v mungekey >/dev/null; then
    mungekey --create --keyfile="$work/munge/munge.key" >/dev/null
else
    dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
start munged munged --foreground --force --key-file="$work/munge/munge.key" --socket="$socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/munged.seed"
munge_works() { munge -n -S "$socket" | unmunge -S "$socket"; }
wait_until "munged to answer on $socket" 30 munge_works

# --- A one-node cluster: this host, its CPUs and memory.
node=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
export SLURM_CONF=$work/slurm.conf
: >"$work/plugstack.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=backlog-check
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
PlugStackConfig=$work/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=check Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

start slurmctld slurmctld -D -i -f "$SLURM_CONF"
start slurmd slurmd -D -f "$SLURM_CONF" -N "$node"
node_idle() { [ "$(sinfo -h -N -n "$node" -o %t)" = idle ]; }
wait_until "node $node to be idle in sinfo" "$timeout" node_idle
echo "slurm-check: node $node is up ($cpus CPUs, $memory MiB), Slurm $(sinfo --version | awk '{ print $2 }')"

# --- Each run: as an array of shards through Slurm, merged, against one unsharded run.
array_done() { [ -z "$(squeue -h -j "$1" -o %i)" ]; }
checked=0

# check_array COMMAND ARGS...: runs `backlog COMMAND ARGS --shard K/N` as an array, merges the shards and compares
# the result with `backlog COMMAND ARGS` (its stdout for sensitivity, its --out for a sweep or an ensemble, whose
# --out is a directory).
check_array() {
    local command=$1 submitted jobid tasks count dir
    shift
    checked=$((checked + 1))
    dir=$work/$command-$checked
    mkdir -p "$dir/shards"
    echo "slurm-check: backlog $command $*: $shards shards as a job array"
    submitted=$(COMMAND=$command BACKLOG=$backlog SHARD_DIR=$dir/shards sbatch --parsable \
        --array=0-$((shards - 1)) --cpus-per-task=1 --time=00:30:00 --chdir="$PWD" \
        --output="$work/jobs/%A_%a.out" scripts/sweep-array.sbatch "$@") || fail "sbatch refused the array"
    jobid=${submitted%%;*}
    jobids+=("$jobid")
    wait_until "array job $jobid to finish" "$timeout" array_done "$jobid"
    # Every task must have completed with exit code 0 (finished jobs stay in the controller's memory for
    # MinJobAge, 300 s by default).
    tasks=$(scontrol -o show job "$jobid" | awk '{
        for (i = 1; i <= NF; i++) { key = $i; sub(/=.*/, "", key); value = $i; sub(/^[^=]*=/, "", value); f[key] = value }
        print "task " f["ArrayTaskId"] ": " f["JobState"] ", exit code " f["ExitCode"]
    }')
    [ "$(grep -c ': COMPLETED, exit code 0:0$' <<<"$tasks")" -eq "$shards" ] ||
        fail "array job $jobid: not every task completed with exit code 0:"$'\n'"$tasks"
    count=$(find "$dir/shards" -name 'shard-*' | wc -l)
    [ "$count" -eq "$shards" ] || fail "array job $jobid wrote $count shard files, not $shards"

    "$backlog" merge "$dir"/shards/shard-* --out "$dir/merged" || fail "backlog merge failed"
    case $command in
    sweep | simulate) "$backlog" "$command" "$@" --quiet --out "$dir/unsharded" || fail "the unsharded $command failed" ;;
    *) "$backlog" "$command" "$@" >"$dir/unsharded" 2>"$dir/unsharded.err" ||
        fail "the unsharded $command failed: $(cat "$dir/unsharded.err")" ;;
    esac
    if ! diff -r "$dir/merged" "$dir/unsharded" >"$dir/diff"; then
        head -n 20 "$dir/diff" >&2
        fail "the merged shards differ from the unsharded run: backlog $command $*"
    fi
    echo "slurm-check: merged $shards shards = unsharded run, byte for byte ($(du -sb "$dir/merged" | cut -f1) bytes)"
}

sweeps_checked=0
while IFS= read -r line; do
    read -r -a args <<<"$line"
    [ ${#args[@]} -gt 0 ] || continue
    sweeps_checked=$((sweeps_checked + 1))
    check_array sweep "${args[@]}"
done <<<"$sweeps"
[ "$sweeps_checked" -gt 0 ] || fail "SLURM_CHECK_SWEEPS names no sweep"
while IFS= read -r line; do
    read -r -a args <<<"$line"
    [ ${#args[@]} -gt 0 ] || continue
    check_array sensitivity "${args[@]}"
done <<<"$sensitivity"
sensitivity_checked=$((checked - sweeps_checked))
while IFS= read -r line; do
    read -r -a args <<<"$line"
    [ ${#args[@]} -gt 0 ] || continue
    check_array simulate "${args[@]}"
done <<<"$ensembles"
echo "slurm-check: passed ($sweeps_checked sweep(s), $sensitivity_checked sensitivity analysis(es)," \
    "$((checked - sweeps_checked - sensitivity_checked)) ensemble(s))"
