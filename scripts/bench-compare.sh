#!/usr/bin/env bash
# npm run bench:compare -- <base> [<head>]
#
# The benchmarks of two commits in one session, so their figures share the
# machine's state: each commit is exported (git archive) into a temporary
# directory under /tmp, gets its node_modules, and its own `npm run bench`
# (whatever that commit's build layout: the script builds what it needs) runs
# alternately, base, head, base, head…, for BENCH_COMPARE_ROUNDS rounds. Then
# a table of every figure per round, the medians, their spread and head/base.
#
# <head> defaults to HEAD. node_modules: when a commit's package-lock.json is
# byte for byte the one beside this checkout's node_modules, that directory is
# linked (read only in use; the commit's own postinstall then generates its
# Prisma client into its own tree); otherwise the commit gets its own `npm ci`.
#
# Environment: BENCH_COMPARE_ROUNDS (2), BENCH_COMPARE_ONLY (one benchmark name,
# passed to run.js), BENCH_COMPARE_TIMEOUT (seconds per run, 3600), and the
# benchmarks' own BENCH_* sizes, passed through to both sides alike.
# The temporary directory and any bench still running are removed on exit.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: npm run bench:compare -- <base> [<head>]" >&2
  exit 2
fi
repo=$(git rev-parse --show-toplevel)
base_sha=$(git -C "$repo" rev-parse --verify "$1^{commit}")
head_sha=$(git -C "$repo" rev-parse --verify "${2:-HEAD}^{commit}")
rounds=${BENCH_COMPARE_ROUNDS:-2}
only=${BENCH_COMPARE_ONLY:-}
run_timeout=${BENCH_COMPARE_TIMEOUT:-3600}

work=$(mktemp -d /tmp/ib-bench-compare.XXXXXX)
running=""
cleanup() {
  # Only the process group this script started for the bench in flight.
  if [[ -n "$running" ]]; then kill -TERM -- "-$running" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

modules=""
if [[ -e "$repo/node_modules" ]]; then modules=$(realpath "$repo/node_modules"); fi

prepare() { # side sha
  local dir="$work/$1"
  mkdir -p "$dir"
  git -C "$repo" archive "$2" | tar -x -C "$dir"
  if [[ -n "$modules" ]] && cmp -s "$dir/package-lock.json" "$(dirname "$modules")/package-lock.json"; then
    echo "$1 ${2:0:10}: package-lock.json identical to $(dirname "$modules")'s: reusing $modules"
    ln -s "$modules" "$dir/node_modules"
    (cd "$dir" && npm run --silent postinstall >"$work/$1.install.log" 2>&1) || {
      cat "$work/$1.install.log" >&2
      exit 1
    }
  else
    echo "$1 ${2:0:10}: package-lock.json differs: npm ci of its own"
    (cd "$dir" && npm ci --no-audit --no-fund >"$work/$1.install.log" 2>&1) || {
      tail -30 "$work/$1.install.log" >&2
      exit 1
    }
  fi
}

prepare base "$base_sha"
prepare head "$head_sha"
mkdir -p "$work/out"

failed=0
for ((round = 1; round <= rounds; round++)); do
  for side in base head; do
    log="$work/out/$side.$round.log"
    echo "round $round/$rounds: $side ($([[ $side == base ]] && echo "${base_sha:0:10}" || echo "${head_sha:0:10}"))…"
    started=$(date +%s)
    # Its own process group, so an interrupted comparison stops the whole bench and nothing else.
    (cd "$work/$side" && exec setsid timeout "$run_timeout" npm run bench -- $only) >"$log" 2>&1 &
    running=$!
    status=0
    wait "$running" || status=$?
    running=""
    echo "  $([[ $status -eq 0 ]] && echo ok || echo "exit $status") after $(($(date +%s) - started)) s"
    if [[ $status -ne 0 ]]; then
      failed=1
      tail -20 "$log" | sed 's/^/  | /'
    fi
  done
done

echo
node "$repo/scripts/bench-compare-table.mjs" "$work/out" "$rounds" "${base_sha:0:10}" "${head_sha:0:10}"
exit $failed
