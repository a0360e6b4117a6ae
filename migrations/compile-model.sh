#!/usr/bin/env bash
# Regenerates the SQLite model compiled ahead of time (the app starts on it; a test fails when it is out of step
# with the model). add-migration.sh runs this; run it alone after a model change that needs no migration.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
project=migrations/PyPyLeads.Migrations.Sqlite
rm -rf "$project/CompiledModel"
dotnet ef dbcontext optimize --project "$project" --startup-project "$project" \
  --output-dir CompiledModel --namespace PyPyLeads.Migrations.Sqlite.CompiledModel
