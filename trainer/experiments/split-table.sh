#!/usr/bin/env bash
# The evaluations of split runs side by side: held-out and val mIoU per evaluated epoch, then the mean
# of each run's last four evaluations (how docs/model.md compares recipes). A run's curves CSV (RUN/curves.csv,
# or one kept in docs/ such as curves-split-one-300.csv) stands for its log: its val_miou column is the score
# that selected, the held-out one in a split run; it holds no val score.
#   trainer/experiments/split-table.sh RUNS/NAME.log [RUNS/OTHER.log | CURVES.csv ...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: split-table.sh RUN.log|CURVES.csv [RUN.log|CURVES.csv ...]" >&2; exit 2; }
for log in "$@"; do [ -r "$log" ] || { echo "split-table: cannot read $log" >&2; exit 2; }; done
awk '
  function record(epoch, kind, value) { score[epoch, run, kind] = value; epochs[epoch] = 1 }
  FNR == 1 {
    run++; names[run] = FILENAME; sub(/\/curves\.csv$/, "", names[run])   # RUN/curves.csv is named RUN
    sub(/.*\//, "", names[run]); sub(/\.(log|csv)$/, "", names[run])
    csv = FILENAME ~ /\.csv$/; column = 0
    if (csv) {
      n = split($0, head, ","); for (i = 1; i <= n; i++) if (head[i] == "val_miou") column = i
      if (!column) { print "split-table: " FILENAME " has no val_miou column (not a curves CSV of train)" > "/dev/stderr"; failed = 1; exit 2 }
      next
    }
  }
  csv {
    split($0, f, ",")
    if (f[column] != "") record(f[1] + 0, "held-out", sprintf("%.4f", f[column]))
    next
  }
  match($0, /epoch [0-9]+ (held-out|val) mIoU [0-9.]+/) {
    split(substr($0, RSTART, RLENGTH), f, " ")
    record(f[2] + 0, f[3], f[5])
  }
  END {
    if (failed) exit 2
    printf "%-6s", "epoch"; for (r = 1; r <= run; r++) printf "  %-24s", names[r] " held-out / val"; print ""
    m = 0; for (e in epochs) sorted[++m] = e + 0
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
    for (i = 1; i <= m; i++) {
      e = sorted[i]; printf "%-6d", e
      for (r = 1; r <= run; r++) printf "  %-24s", ((e SUBSEP r SUBSEP "held-out") in score ? score[e, r, "held-out"] : "-") " / " ((e SUBSEP r SUBSEP "val") in score ? score[e, r, "val"] : "-")
      print ""
    }
    for (r = 1; r <= run; r++) {
      k = 0; s = 0
      for (i = m; i >= 1 && k < 4; i--) if ((sorted[i] SUBSEP r SUBSEP "held-out") in score) { s += score[sorted[i], r, "held-out"]; k++ }
      if (k > 0) printf "%s: mean of the last %d held-out evaluations %.3f\n", names[r], k, s / k
    }
  }' "$@"
