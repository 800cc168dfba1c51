#!/usr/bin/env bash
# Nightly suite from cron: runs `aibench suite run profiles/nightly.yaml`, logs to a dated file,
# and exits with aibench's own code (0 ok, 1 failed, 2 invalid suite, 3 thresholds, 4 already running).
# The suite lock makes an overlapping run exit 4 at once, so a slow night never collides with the next.
#
# crontab -e:
#   30 1 * * * /path/to/aibench/scripts/cron-nightly.sh >/dev/null 2>&1
#
# Environment (all optional): AIBENCH_SUITE (suite file, default profiles/nightly.yaml),
# AIBENCH_RESULTS (results root, default ./results), AIBENCH_LOG_DIR (default ./logs),
# AIBENCH_CONFIG (cluster config), AIBENCH_BIN (default: this checkout's bin/aibench.js).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
# cron starts with a minimal PATH; make node and Slurm's client tools findable.
export PATH="/usr/local/bin:/usr/bin:/bin:${PATH:-}"

day=$(date +%F)
suite=${AIBENCH_SUITE:-profiles/nightly.yaml}
results=${AIBENCH_RESULTS:-results}/nightly-$day
log_dir=${AIBENCH_LOG_DIR:-logs}
bin=${AIBENCH_BIN:-bin/aibench.js}
mkdir -p "$log_dir" "$(dirname "$results")" || exit 1
log="$log_dir/nightly-$day.log"

# --resume: a second start on the same day (after a crash or reboot) redoes only what is missing and
# reuses a service the crashed run left READY (any other it left is stopped).
{
  echo "=== $(date -Is) start: $suite -> $results"
  node "$bin" suite run "$suite" --out "$results" --resume
  code=$?
  echo "=== $(date -Is) end: exit $code"
  exit "$code"
} >>"$log" 2>&1
