#!/usr/bin/env bash
# A CI "heavy suite": start one vLLM service (with GPU telemetry), run each benchmark profile against
# it with assertions on the server's truth (field assertions and PromQL over each run's window),
# ALWAYS stop the service, keep every result and one HTML report as artifacts, and exit with
# aibench's code: 1 (a run failed or an assertion could not be evaluated) or 2 (invalid input)
# before 3 (an assertion or threshold breached), else 0.
#
#   CI_MODEL=meta-llama/Llama-3.1-8B-Instruct CI_CLUSTER=hpc CI_GPUS=1 \
#   CI_PROFILES="profiles/smoke-bench.yaml" CI_ARTIFACTS=artifacts scripts/ci-heavy-suite.sh
#
# Environment: CI_MODEL (required), CI_CLUSTER, CI_GPUS (default 1), CI_TIME (default 01:00:00),
# CI_PROFILES (space-separated benchmark profiles; their `assert:` / `assert_promql:` keys apply),
# CI_ASSERTS (newline-separated --assert expressions added to every run), CI_ASSERT_PROMQL (the
# same for --assert-promql; needs monitoring.prometheus_url in AIBENCH_CONFIG), CI_ARTIFACTS
# (default ./artifacts), AIBENCH_BIN (default: this checkout's bin/aibench.js).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
: "${CI_MODEL:?set CI_MODEL to the model to serve}"
bin=${AIBENCH_BIN:-bin/aibench.js}
artifacts=${CI_ARTIFACTS:-artifacts}
mkdir -p "$artifacts" || exit 1
aibench() { node "$bin" "$@"; }

cluster_args=()
[[ -n "${CI_CLUSTER:-}" ]] && cluster_args=(--cluster "$CI_CLUSTER")
service_json="$artifacts/service.json"
if ! aibench service start "${cluster_args[@]}" --model "$CI_MODEL" --gpus "${CI_GPUS:-1}" --time "${CI_TIME:-01:00:00}" --telemetry --json >"$service_json"; then
  code=$?
  echo "ci-heavy-suite: the service did not start (exit $code); see $service_json" >&2
  # A start that timed out leaves its job: stop it by the id the record holds, if any.
  id=$(node -e 'try { process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id ?? "") } catch {}' "$service_json")
  [[ -n "$id" ]] && aibench service stop "$id" >&2
  exit "$code"
fi
id=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id)' "$service_json")
# Whatever happens from here (a failed run, Ctrl-C, a killed step), the service is stopped.
trap 'aibench service stop "$id" >&2 || echo "ci-heavy-suite: could not stop service $id; stop it with: aibench service stop $id" >&2' EXIT

gates=()
while IFS= read -r expr; do [[ -n "$expr" ]] && gates+=(--assert "$expr"); done <<<"${CI_ASSERTS:-}"
while IFS= read -r expr; do [[ -n "$expr" ]] && gates+=(--assert-promql "$expr"); done <<<"${CI_ASSERT_PROMQL:-}"

worst=0
for profile in ${CI_PROFILES:-profiles/smoke-bench.yaml}; do
  name=$(basename "$profile" .yaml)
  aibench bench run --service "$id" --profile "$profile" "${gates[@]}" --out "$artifacts/$name.json"
  code=$?
  echo "ci-heavy-suite: $profile exited $code" >&2
  # 3 is a verdict on the server; anything else non-zero means the gate itself did not run right.
  if [[ $code -ne 0 && $code -ne 3 ]]; then worst=$code
  elif [[ $code -eq 3 && $worst -eq 0 ]]; then worst=3
  fi
  [[ $code -eq 130 ]] && break
done

aibench report "$artifacts" --out "$artifacts/report.html" --title "CI heavy suite: $CI_MODEL" >&2 || true
exit "$worst"
