#!/usr/bin/env bash
# Smoke tests after a deployment: sign in, register, read and search a patient, book and cancel an
# appointment, clean up. Needs MEDISYS_SMOKE_USERNAME and MEDISYS_SMOKE_PASSWORD(_FILE) (staff or admin).
# MEDISYS_URL defaults to http://localhost:8080. Exit 0 when every step passed.
set -euo pipefail
exec node "$(dirname "$0")/lib/smoke-tests.mjs"
