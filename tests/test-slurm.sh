#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# sheath-cli batch on a real SLURM: a one-node cluster started here in a
# temporary folder (munged, slurmctld, slurmd with a generated slurm.conf),
# a 4-image study run as a job array, collected, and compared with the same
# batch run locally; then resubmitting (nothing to do) and a missing sbatch.
# Where SLURM cannot start, the test says why as a skip. TAP output.
#
#   test-slurm.sh SHEATH_CLI SOURCE_DIR MODEL

cli=$1 src=$2 model=$3
tools=$src/tools

skip () {
  echo "1..0 # SKIP $1"
  exit 0
}

work=$(mktemp -d)
stop () {
  sh "$tools/one-node-slurm.sh" stop "$work"
  rm -rf "$work"
}
trap stop EXIT
conf=$(sh "$tools/one-node-slurm.sh" start "$work" 2>"$work/why") || skip "$(cat "$work/why")"
eval "$conf"

# the study: two subjects, two samples each, with their pixel size
for s in a b; do
  for n in 1 2; do
    d="$work/study/sub-$s/micr"
    mkdir -p "$d"
    cp "$src/data/demo/sem-spinal-cord-demo.png" "$d/sub-${s}_sample-${n}_SEM.png"
    echo '{"PixelSize": [0.13, 0.13], "PixelSizeUnits": "um"}' > "$d/sub-${s}_sample-${n}_SEM.json"
  done
done
printf 'participant_id\tgroup\nsub-a\tsham\nsub-b\tlesion\n' > "$work/study/participants.tsv"

echo "1..5"

"$cli" batch "$work/study" --output-dir "$work/local" --model "$model" --threads 1 >/dev/null 2>&1
submitted=$("$cli" batch "$work/study" --output-dir "$work/cluster" --model "$model" --slurm \
              --cpus-per-task 1 --mem 500M 2>&1)
case $submitted in
  *"Submitted job"*"4 tasks"*) echo "ok 1 - a 4-task job array is submitted" ;;
  *) echo "not ok 1 - a 4-task job array is submitted"; echo "$submitted" | sed 's/^/# /' ;;
esac

for i in $(seq 1 240); do
  [ -z "$(squeue -h 2>/dev/null)" ] && break
  sleep 0.5
done
"$cli" batch --collect "$work/cluster" >/dev/null 2>&1
if cmp -s "$work/local/study.csv" "$work/cluster/study.csv" && cmp -s "$work/local/subjects.csv" "$work/cluster/subjects.csv"; then
  echo "ok 2 - --collect gives the tables of a local batch"
else
  echo "not ok 2 - --collect gives the tables of a local batch"
  diff "$work/local/study.csv" "$work/cluster/study.csv" 2>&1 | sed 's/^/# /'
  cat "$work"/cluster/slurm/*.log 2>/dev/null | sed 's/^/# /'
fi

again=$("$cli" batch "$work/study" --output-dir "$work/cluster" --model "$model" --slurm 2>&1)
case $again in
  *"nothing to submit"*) echo "ok 3 - submitting again runs only what is missing: nothing" ;;
  *) echo "not ok 3 - submitting again runs only what is missing: nothing"; echo "$again" | sed 's/^/# /' ;;
esac

nosbatch=$(PATH=/nonexistent "$cli" batch "$work/study" --output-dir "$work/other" --model "$model" --slurm 2>&1)
status=$?
case $status:$nosbatch in
  1:*"cannot run sbatch"*) echo "ok 4 - without sbatch: a clear message, no job" ;;
  *) echo "not ok 4 - without sbatch: a clear message, no job"; echo "$nosbatch" | sed 's/^/# /' ;;
esac

refused=$("$cli" batch "$work/study" --output-dir "$work/refused" --model "$model" --slurm --partition nowhere 2>&1)
status=$?
case $status:$refused in
  1:*"the cluster refused the job"*) echo "ok 5 - a job the cluster refuses: said, the script kept" ;;
  *) echo "not ok 5 - a job the cluster refuses: said, the script kept"; echo "$refused" | sed 's/^/# /' ;;
esac
