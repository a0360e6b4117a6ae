#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migrations assemblies.
# Usage: migrations/add-migration.sh NameOfTheChange
set -euo pipefail
name=${1:?usage: migrations/add-migration.sh NameOfTheChange}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite SqlServer; do
  project=migrations/PyPyLeads.Migrations.$provider
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --output-dir Migrations
done
