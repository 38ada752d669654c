#!/usr/bin/env bash
# A short load of MediSys's main read routes against the manual's targets (p95 < 500 ms,
# > 100 requests/minute, < 1% errors). Optional: MEDISYS_PERF_USERNAME/MEDISYS_PERF_PASSWORD(_FILE)
# to include authenticated routes, MEDISYS_PERF_SECONDS (20), MEDISYS_PERF_CONCURRENCY (8),
# MEDISYS_PERF_DATABASE_URL to list the slowest statements. Exit 1 when a target is missed.
set -euo pipefail
exec node "$(dirname "$0")/lib/performance-check.mjs"
