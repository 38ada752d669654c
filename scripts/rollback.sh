#!/usr/bin/env bash
# Returns MediSys to the previous release: the manual's Rollback Procedures, without downtime.
#
#   scripts/rollback.sh
#
#   1. Check    the `previous` link ($MEDISYS_RELEASES_DIR/previous, kept by deploy.sh) names a release, and
#               that release accepts the database's schema (`medisys migrate --status` of that release)
#   2. Switch   `current` -> the previous release, `previous` -> the one being left (so running this
#               again goes forward again); both are atomic renames
#   3. Database not restored by this script. When the release being left applied migrations that the
#               previous one refuses, the script stops at step 1 and prints the manual's restore steps
#   4. Restart  one instance at a time via MEDISYS_RESTART_COMMAND, each waited for until ready and
#               reporting the previous version (the manual stops them all; one at a time keeps serving)
#   5. Verify   scripts/health-check.sh
#
# Exit codes: 0 rolled back; 1 failed (the output says which instances run what); 2 bad usage or nothing
# to roll back to (nothing changed).
#
# Environment: the same as scripts/deploy.sh (MEDISYS_HOME, MEDISYS_RELEASES_DIR, MEDISYS_CONFIG,
# MEDISYS_INSTANCES, MEDISYS_RESTART_COMMAND, MEDISYS_READY_TIMEOUT, MEDISYS_SETTLE_SECONDS, MEDISYS_URL,
# MEDISYS_CHECK_TIMEOUT); see the header of deploy.sh and docs/operations.md.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/release-common.sh
source "$(dirname "$(readlink -f "$0")")/lib/release-common.sh"

[ $# -eq 0 ] || usage_error "Usage: $0 (no arguments: it returns to $PREVIOUS_LINK)"
require_tools curl node flock
parse_instances
take_lock

current=$(readlink "$CURRENT_LINK" || true)
previous=$(readlink "$PREVIOUS_LINK" || true)
[ -n "$current" ] || usage_error "$CURRENT_LINK is not a link to a release: nothing is deployed."
if [ -z "$previous" ] || [ ! -f "$previous/bin/medisys.js" ]; then
  usage_error "$PREVIOUS_LINK does not name a release folder: there is nothing to roll back to."
fi
current_version=$(version_of "$current")
previous_version=$(version_of "$previous")

say "1/4 Rolling back from $current_version ($current) to $previous_version ($previous)"
if ! status=$(medisys_of "$previous" migrate --status 2>&1); then
  printf '%s\n' "$status" | sed 's/^/  /' >&2
  warn "$previous_version does not accept the database's schema (see above): $current_version applied migrations"
  warn 'it does not know. Restore the backup deploy.sh took before migrating (the manual'"'"'s step 3):'
  warn "  1. stop every instance (systemctl stop 'medisys-app@*')"
  warn "  2. node $previous/bin/medisys.js backup list, then: node $previous/bin/medisys.js backup restore FILE --target medisys_recovery"
  warn '  3. point datasource.url in production.properties at medisys_recovery'
  warn "  4. run $0 again. Writes made since that backup are lost: decide with the data owners first."
  exit "$EXIT_FAILED"
fi
printf '%s\n' "$status" | tail -n 1 | sed 's/^/  /'

say "2/4 Switching current to $previous"
point_link "$CURRENT_LINK" "$previous"
point_link "$PREVIOUS_LINK" "$current"

say "3/4 Restarting ${#INSTANCE_NAMES[@]} instance(s) one at a time"
if ! rolling_restart "$previous_version" "${!INSTANCE_NAMES[@]}"; then
  warn "ROLLBACK FAILED: \`current\` points at $previous ($previous_version); instances restarted so far:"
  for index in "${RESTARTED[@]}"; do warn "  ${INSTANCE_NAMES[$index]}"; done
  warn 'The others still run the release being left. Look at the failing instance'"'"'s log, then restart it by hand.'
  exit "$EXIT_FAILED"
fi

say "4/4 Verifying"
if ! health_check "$previous"; then
  warn "The health check fails after rolling back to $previous_version."
  exit "$EXIT_FAILED"
fi
say "Rolled back to $previous_version. scripts/rollback.sh again returns to $current_version."
