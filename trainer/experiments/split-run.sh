#!/usr/bin/env bash
# One by-sequence split run (docs/model-experiments.md): trains on CamVid's train/ with one drive held out,
# scoring that drive and val/ every ten epochs. It runs from its own copy of the jars, so rebuilding the
# project cannot change or remove them under a run that lasts hours; the same command again resumes it
# from the checkpoint of its last epoch (train --resume: the run's saved options win).
#   trainer/experiments/split-run.sh NAME CAMVID_DIR [train options on top of train's defaults]
#   e.g. nohup trainer/experiments/split-run.sh split-hue camvid --hue 0.05 &
# Writes RUNS/NAME (the run), RUNS/NAME.log and RUNS/jars-NAME. Environment: RUNS (default: runs/ in
# the project, ignored by git), HOLD_OUT (the held-out prefix, default 0006R0), EPOCHS (default 300).
# Two runs at once on a 2-core machine: give each --threads 1 (also on --resume, where the thread count is
# still read from the command line); by their speeds beside each other, together they do
# ~1.2x the work of one after the other (an estimate, docs/model-experiments.md "Session 47").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/.ci/setup-common.sh"
if [ $# -lt 2 ]; then sed -n '6,7p' "$0" | cut -c3- >&2; exit 2; fi
name="$1"
[ -d "$2/train" ] && [ -d "$2/val" ] || { echo "split-run: $2 has no train/ and val/ folders" >&2; exit 2; }
data="$(cd "$2" && pwd)"
shift 2
runs="${RUNS:-$root/runs}"
jars="$runs/jars-$name"
mkdir -p "$runs"
if [ ! -f "$jars/segvid.jar" ]; then
  "$root/segvid" --version >/dev/null   # builds the project if it is missing or stale
  rm -rf "$jars.partial" && mkdir -p "$jars.partial"
  cp -r "$root/cli/target/segvid.jar" "$root/cli/target/lib" "$jars.partial/"
  mv "$jars.partial" "$jars"
fi
mapfile -t jvm_options < <(quiet_jvm_options "$(java_major)")
export TF_CPP_MIN_LOG_LEVEL=3 OPENCV_LOG_LEVEL=FATAL
echo "split-run: $name, log in $runs/$name.log" >&2
exec "$(segvid_java)" "${jvm_options[@]}" -Xmx8g -cp "$jars/segvid.jar:$jars/lib/*" io.segvid.cli.Segvid train \
  --data "$data/train" --val "$data/val" --val-by-prefix "${HOLD_OUT:-0006R0}" --epochs "${EPOCHS:-300}" \
  --val-every 10 --out "$runs/$name" --resume "$@" >> "$runs/$name.log" 2>&1
