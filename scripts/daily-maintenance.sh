#!/usr/bin/env bash
# The manual's daily maintenance script (Maintenance Procedures > Maintenance Scripts), run by
# `medisys maintenance daily`: log files older than maintenance.log-retention-days removed (never the
# ones being written), unfinished uploads (uploads.dir/.incoming/*.part) older than
# maintenance.stale-upload-age removed, VACUUM ANALYZE, free disk space of every file system MediSys
# writes to against maintenance.disk-free-threshold-percent, and /actuator/health of every instance
# in MEDISYS_MANAGEMENT_URL (space- or comma-separated; default management.address:management.port).
# Each step is written to <maintenance.log-dir>/daily_YYYYMMDD.log (default /var/log/medisys/maintenance).
#
#   scripts/daily-maintenance.sh [--skip-health]        cron: 30 2 * * * medisys /opt/medisys/current/scripts/daily-maintenance.sh
#
# Configuration: MEDISYS_CONFIG, else /opt/medisys/config/production.properties when it exists.
# Exit 0 when every step is fine (warnings included), 1 when any step failed, 2 on bad usage.
set -uo pipefail

here=$(dirname "$(readlink -f "$0")")
MEDISYS_HOME=${MEDISYS_HOME:-/opt/medisys}
if [ -z "${MEDISYS_CONFIG:-}" ] && [ -f "$MEDISYS_HOME/config/production.properties" ]; then
  export MEDISYS_CONFIG=$MEDISYS_HOME/config/production.properties
fi
command -v node >/dev/null 2>&1 || {
  echo 'node is not installed: run scripts/setup.sh.' >&2
  exit 2
}
exec node "$here/../bin/medisys.js" maintenance daily "$@"
