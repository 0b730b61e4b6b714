#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A one-node SLURM cluster in a folder, for tests and benchmarks: munged,
# slurmctld and slurmd with a generated slurm.conf on ports of their own.
#
#   one-node-slurm.sh start DIR   # prints "export SLURM_CONF=DIR/slurm.conf"
#   one-node-slurm.sh stop DIR
#
# start fails with the reason on stderr where SLURM cannot run (its tools
# missing, not root, a daemon failing).

set -u
what=$1 work=$2

if [ "$what" = stop ]; then
  for pid in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  sleep 1
  exit 0
fi

fail () {
  echo "$1" >&2
  exit 1
}

for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo; do
  command -v "$tool" >/dev/null 2>&1 || fail "SLURM cannot start here: $tool is missing (Debian's slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || fail "SLURM cannot start here: its daemons need root"

mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/log"
chmod 700 "$work/munge"
mungekey -c -k "$work/munge/munge.key" -f >/dev/null 2>&1
munged --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/seed" --force || fail "SLURM cannot start here: munged failed"

host=$(hostname -s)
port=$((20000 + $$ % 20000))
cat > "$work/slurm.conf" <<CONF
ClusterName=sheath-test
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
PlugStackConfig=/dev/null
NodeName=$host CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "SLURM cannot start here: slurmctld failed"
slurmd -f "$SLURM_CONF" || fail "SLURM cannot start here: slurmd failed"
up=no
for i in $(seq 1 40); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then up=yes; break; fi
  sleep 0.5
done
[ $up = yes ] || fail "SLURM did not start: $(tail -n 2 "$work/log/slurmctld.log" "$work/log/slurmd.log" | tr '\n' ' ')"

echo "export SLURM_CONF=$SLURM_CONF"
