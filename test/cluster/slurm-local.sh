#!/usr/bin/env bash
# A one-node Slurm cluster on 127.0.0.1 for the explore job-array test: munge, slurmctld and
# slurmd started as root from a generated slurm.conf in a scratch folder, no cgroups, no
# accounting database. Usage:
#   slurm-local.sh start DIR   → prints SLURM_CONF=DIR/slurm.conf once the node is idle
#   slurm-local.sh stop DIR    → stops the daemons started by `start DIR`
set -euo pipefail
cmd=${1:?start|stop}
dir=$(realpath -m "${2:?scratch folder}")

stop() {
  for p in slurmd slurmctld munged; do
    if [[ -f "$dir/$p.pid" ]]; then kill "$(cat "$dir/$p.pid")" 2>/dev/null || true; fi
  done
  sleep 0.5
  for p in slurmd slurmctld munged; do
    if [[ -f "$dir/$p.pid" ]]; then kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null || true; rm -f "$dir/$p.pid"; fi
  done
}

if [[ $cmd == stop ]]; then stop; exit 0; fi
[[ $(id -u) == 0 ]] || { echo "slurm-local.sh: needs root (slurmd runs jobs as their user)" >&2; exit 2; }
for b in munged slurmctld slurmd sbatch; do command -v "$b" >/dev/null || { echo "slurm-local.sh: $b not installed (apt-get install -y slurm-wlm munge)" >&2; exit 2; }; done
mkdir -p "$dir"/{spool,state,munge}
chmod 700 "$dir/munge"
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
# Ports chosen from the pid so two test runs on one machine do not collide.
base=$(( 20000 + ($$ % 2000) * 2 ))

# munge: a private key and socket, so nothing system-wide is touched.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1 count=1024 status=none
chmod 400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munge/seed"

cat > "$dir/slurm.conf" <<CONF
ClusterName=dlplocal
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
ReturnToService=2
MpiDefault=none
SlurmctldParameters=enable_configless
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
  if sinfo -h -o %t 2>/dev/null | grep -qx idle; then echo "SLURM_CONF=$SLURM_CONF"; exit 0; fi
  sleep 0.2
done
echo "slurm-local.sh: the node did not come up; logs in $dir" >&2
tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
stop
exit 1
