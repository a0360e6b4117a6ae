#!/usr/bin/env bash
# The benchmark command: from nothing to tests/PyPyLeads.Benchmarks/results-<size>.md.
#   bash tests/PyPyLeads.Benchmarks/run.sh [base|stress] [--only data,startup,sql,pages,reminders]
# Needs two cores and wrk (Debian's package, installed here when running as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    # A fresh machine has no package lists yet: without the update, apt-get cannot find wrk.
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "Install wrk first: sudo apt-get install -y wrk" >&2; exit 2
  fi
fi
dotnet build -c Release tests/PyPyLeads.Benchmarks -v quiet -nologo
# The app runs as users run it in production (README "Running in production"): published (ReadyToRun), not the build output.
export PYPYLEADS_BENCHMARK_APP="$PWD/tests/PyPyLeads.Benchmarks/bin/published-app"
rm -rf "$PYPYLEADS_BENCHMARK_APP"
dotnet publish src/PyPyLeads.Web -c Release -o "$PYPYLEADS_BENCHMARK_APP" -v quiet -nologo
exec dotnet run -c Release --no-build --project tests/PyPyLeads.Benchmarks -- "$@"
