#!/usr/bin/env bash
# Generates a migration from the drizzle schema under a lock, so parallel work cannot interleave
# journal entries. Usage: npm run db:generate -- <name>   (add --custom for a hand-written SQL file)
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?migration name}"
shift
exec flock /tmp/extramile-migrations.lock npx drizzle-kit generate --name "$name" "$@"
