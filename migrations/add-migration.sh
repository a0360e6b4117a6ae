#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migrations assemblies, then regenerates the compiled model.
# Usage: migrations/add-migration.sh NameOfTheChange
set -euo pipefail
name=${1:?usage: migrations/add-migration.sh NameOfTheChange}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
# The compiled model may no longer build against the changed entities; it is regenerated below.
rm -rf migrations/PyPyLeads.Migrations.Sqlite/CompiledModel
for provider in Sqlite SqlServer; do
  project=migrations/PyPyLeads.Migrations.$provider
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --output-dir Migrations
done
bash migrations/compile-model.sh
