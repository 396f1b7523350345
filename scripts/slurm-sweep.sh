#!/usr/bin/env bash
# Runs a remopt sweep on a Slurm cluster: a job array of N shards, then a
# dependent job that merges them.
#
#   scripts/slurm-sweep.sh N OUT_DIR SWEEP_ARGS...
#   scripts/slurm-sweep.sh 8 out/cn inputs/japan.toml --vary 'countries.CN.max_share=0.3:0.9:0.01'
#
# Task I of the array (sbatch --array=1-N) runs
#   remopt sweep SWEEP_ARGS... --shard I/N --out OUT_DIR/shard-I --jobs C
# (C: the task's CPUs, SLURM_CPUS_PER_TASK, else 1), and once every task has
# succeeded (--dependency=afterok) one job runs
#   remopt merge OUT_DIR/shard-1 ... OUT_DIR/shard-N --out OUT_DIR/sweep
# The jobs' logs go to OUT_DIR/logs/. The remopt binary is $REMOPT, else the
# remopt on PATH, resolved now: the nodes must see it at that path, and see
# OUT_DIR and the scenario (a shared file system). Jobs run in the current
# folder. Anything else for sbatch (partition, time limit, CPUs per task,
# account) is given through sbatch's own environment variables, e.g.
# SBATCH_PARTITION=short SBATCH_TIMELIMIT=30 SBATCH_CPUS_PER_TASK=4.
#
# Prints the array's job id and the merge job's id, as
#   array <id>
#   merge <id>
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 N OUT_DIR SWEEP_ARGS...  (e.g. $0 4 out/cn inputs/japan.toml --vary policy.max_avg_risk=0.5:0.7:0.01)" >&2
  exit 2
fi
count="$1"
out="$2"
shift 2
case "$count" in
  '' | *[!0-9]* | 0) echo "slurm-sweep: N must be a whole number of shards, at least 1 (got '$count')" >&2; exit 2 ;;
esac
for arg in "$@"; do
  case "$arg" in
    --shard | --shard=* | --out | --out=*) echo "slurm-sweep: $arg is set by this script" >&2; exit 2 ;;
  esac
done

remopt="${REMOPT:-remopt}"
if ! remopt="$(command -v "$remopt")"; then
  echo "slurm-sweep: no remopt binary (${REMOPT:-remopt}): set REMOPT or put remopt on PATH (cargo install --path .)" >&2
  exit 2
fi
command -v sbatch >/dev/null 2>&1 || { echo "slurm-sweep: sbatch is not on PATH" >&2; exit 2; }

mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"

# The job scripts, with every argument quoted for the shell.
sweep_args=""
for arg in "$@"; do sweep_args+=" $(printf '%q' "$arg")"; done
q_remopt="$(printf '%q' "$remopt")"
q_out="$(printf '%q' "$out")"

cat >"$out/logs/shard.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
exec $q_remopt --quiet sweep$sweep_args \\
  --shard "\$SLURM_ARRAY_TASK_ID/\$SLURM_ARRAY_TASK_COUNT" \\
  --out $q_out/shard-"\$SLURM_ARRAY_TASK_ID" \\
  --jobs "\${SLURM_CPUS_PER_TASK:-1}"
EOF

shards=""
for i in $(seq 1 "$count"); do shards+=" $q_out/shard-$i"; done
cat >"$out/logs/merge.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
exec $q_remopt merge$shards --out $q_out/sweep
EOF

array="$(sbatch --parsable --array="1-$count" --job-name=remopt-sweep \
  --output="$out/logs/shard-%a.out" "$out/logs/shard.sh")"
array="${array%%;*}"
merge="$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --job-name=remopt-merge --output="$out/logs/merge.out" "$out/logs/merge.sh")"
merge="${merge%%;*}"
echo "array $array"
echo "merge $merge"
echo "slurm-sweep: $count shards (job $array), then the merge (job $merge) into $out/sweep/" >&2
