#!/usr/bin/env bash
# Deploys a MediSys release package without downtime: the manual's Production Deployment Steps.
#
#   scripts/deploy.sh /path/to/medisys-v2.0.0.tar.gz      (medisys-v2.0.0.tar.gz.sha256 beside it)
#
#   1. Preparation  a timestamped folder $MEDISYS_RELEASES_DIR/YYYYMMDD_HHMMSS, `sha256sum -c`, `tar -xzf`,
#                   `medisys release verify --platform` (complete, and built for this machine)
#   2. Database     `medisys backup create` (PostgreSQL), then `medisys migrate` (it prints the schema version)
#   3. Switch       `previous` -> the release being replaced, `current` -> the new one (atomic renames)
#   4. Restart      one instance at a time via MEDISYS_RESTART_COMMAND, each waited for until its
#                   /actuator/health/readiness is UP and /actuator/info reports the new version
#   5. Verify       scripts/health-check.sh and scripts/smoke-tests.sh of the new release
#   If 3-5 fail (or the script is interrupted) it rolls back by itself: `current` back to the previous
#   release and the instances it restarted restarted onto it. The database is never restored
#   automatically (that would lose the writes made since the backup): when this deploy applied
#   migrations that the previous release refuses, it stops and says what to do.
#
# Exit codes: 0 deployed; 1 failed, and nothing changed or it was rolled back (the previous release is
# serving); 2 bad usage or a precondition not met (nothing changed); 3 failed and the rollback failed
# too: act now, the output says what is in what state.
#
# Environment (every variable is optional):
#   MEDISYS_HOME               /opt/medisys; `current` is $MEDISYS_HOME/current
#   MEDISYS_RELEASES_DIR       $MEDISYS_HOME/releases: the release folders and the `previous` link
#   MEDISYS_CONFIG             the configuration medisys commands read (default
#                              $MEDISYS_HOME/config/production.properties when it exists)
#   MEDISYS_INSTANCES          "1=http://localhost:8081 2=http://localhost:8083": each instance's name (the
#                              {instance} of the restart command) and its management URL, in restart order
#   MEDISYS_RESTART_COMMAND    "systemctl restart medisys-app@{instance}" (run with bash -c; {instance} replaced)
#   MEDISYS_READY_TIMEOUT      120: seconds an instance may take to become ready after its restart (twice
#                              that when restarting it onto the previous release in a rollback)
#   MEDISYS_SETTLE_SECONDS     10: pause after an instance is ready before the next one restarts, so the
#                              load balancer has taken it back (HAProxy: inter 2s x rise 2, plus margin)
#   MEDISYS_DEPLOY_BACKUP      auto (back up when the datasource is PostgreSQL) | always | never
#   MEDISYS_DEPLOY_SKIP_SMOKE  1 to deploy without smoke tests (otherwise they are required)
#   MEDISYS_DEPLOY_FORCE       1 to deploy although an instance is not ready beforehand
#   MEDISYS_KEEP_RELEASES      5: release folders kept (current and previous are never removed)
#   MEDISYS_URL                the API the smoke tests and health check use (the load balancer or an instance;
#                              default http://localhost:8080)
#   MEDISYS_SMOKE_USERNAME, MEDISYS_SMOKE_PASSWORD or MEDISYS_SMOKE_PASSWORD_FILE: the smoke test account
#   MEDISYS_CHECK_TIMEOUT      seconds per request of the health check (default 5)
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/release-common.sh
source "$(dirname "$(readlink -f "$0")")/lib/release-common.sh"

if [ $# -ne 1 ] || [[ $1 == -* ]]; then
  usage_error "Usage: $0 /path/to/medisys-vX.Y.Z.tar.gz (with its .sha256 beside it)"
fi
require_tools curl sha256sum tar node flock
package=$(readlink -f "$1")
[ -f "$package" ] || usage_error "$1 does not exist."
[ -f "$package.sha256" ] || usage_error "$package.sha256 is missing: fetch the published checksum beside the package."
parse_instances
case ${MEDISYS_DEPLOY_BACKUP:=auto} in auto | always | never) ;; *) usage_error "MEDISYS_DEPLOY_BACKUP is auto, always or never." ;; esac
if [ "${MEDISYS_DEPLOY_SKIP_SMOKE:-0}" != 1 ] && { [ -z "${MEDISYS_SMOKE_USERNAME:-}" ] ||
  [ -z "${MEDISYS_SMOKE_PASSWORD:-}${MEDISYS_SMOKE_PASSWORD_FILE:-}" ]; }; then
  usage_error 'Set MEDISYS_SMOKE_USERNAME and MEDISYS_SMOKE_PASSWORD_FILE (a staff account) for the smoke tests, or MEDISYS_DEPLOY_SKIP_SMOKE=1.'
fi
take_lock

if [ -e "$CURRENT_LINK" ] && [ ! -L "$CURRENT_LINK" ]; then
  usage_error "$CURRENT_LINK is a folder, not a link (the manual's copy-in-place layout). Once, by hand: mv $CURRENT_LINK $RELEASES_DIR/legacy && ln -s $RELEASES_DIR/legacy $CURRENT_LINK"
fi
old_current=$(readlink "$CURRENT_LINK" || true)
old_previous=$(readlink "$PREVIOUS_LINK" || true)
old_version=''
if [ -n "$old_current" ]; then
  old_version=$(version_of "$old_current")
  say "Running now: $old_version ($old_current)"
  if ! all_ready; then
    [ "${MEDISYS_DEPLOY_FORCE:-0}" = 1 ] ||
      usage_error 'Not every instance is ready, so a rolling restart would leave nothing serving. Fix it first, or set MEDISYS_DEPLOY_FORCE=1.'
    warn 'MEDISYS_DEPLOY_FORCE=1: deploying although not every instance is ready.'
  fi
else
  say 'No current release: this is the first deployment.'
fi

release=''
switched=0
migrated=''
backup_file=''
failing=0

# Called on any failure: before the switch nothing needs undoing; after it, go back to the previous release.
fail() {
  local reason=$1
  trap - ERR
  trap '' INT TERM
  [ "$failing" = 1 ] && exit "$EXIT_ROLLBACK_FAILED"
  failing=1
  warn "DEPLOY FAILED: $reason"
  if [ "$switched" = 0 ]; then
    [ -n "$release" ] && rm -rf "$release" "$release.partial"
    if [ -n "$migrated" ]; then
      warn "The database was migrated ($migrated); the running instances were not touched."
    fi
    if [ -n "$old_version" ]; then
      warn "Nothing was switched: the instances still run $old_version."
    else
      warn 'Nothing was switched.'
    fi
    exit "$EXIT_FAILED"
  fi
  if [ -z "$old_current" ]; then
    warn "This was the first deployment: there is no previous release to return to. The failed release is $release."
    exit "$EXIT_FAILED"
  fi
  if [ -n "$migrated" ] && ! medisys_of "$old_current" migrate --status >/dev/null 2>&1; then
    warn "CANNOT ROLL BACK AUTOMATICALLY: this deploy applied migrations ($migrated) that $old_version refuses,"
    warn "and restoring the database would lose every write since the backup. Either fix forward (deploy a"
    warn "corrected release), or restore the backup taken before migrating (${backup_file:-none was taken}):"
    warn "stop every instance, \`medisys backup restore FILE --target medisys_recovery\`, point datasource.url"
    warn "at it, then scripts/rollback.sh. Instances restarted so far run $release."
    exit "$EXIT_ROLLBACK_FAILED"
  fi
  say "ROLLING BACK to $old_version ($old_current)"
  point_link "$CURRENT_LINK" "$old_current"
  if [ -n "$old_previous" ]; then point_link "$PREVIOUS_LINK" "$old_previous"; else rm -f "$PREVIOUS_LINK"; fi
  local touched=("${RESTARTED[@]}")
  RESTARTED=()
  # Giving up on a rollback leaves an instance down: wait longer for the release that worked before.
  READY_TIMEOUT=$((READY_TIMEOUT * 2))
  if ! rolling_restart "$old_version" "${touched[@]}"; then
    warn "ROLLBACK FAILED: instance(s) did not come back on $old_version. \`current\` points at $old_current;"
    warn "restart them by hand (MEDISYS_RESTART_COMMAND) and run scripts/health-check.sh."
    exit "$EXIT_ROLLBACK_FAILED"
  fi
  if ! health_check "$old_current"; then
    warn "ROLLBACK INCOMPLETE: $old_version is back on every instance that was restarted, but the health check fails."
    exit "$EXIT_ROLLBACK_FAILED"
  fi
  say "Rolled back: $old_version is serving again. The failed release stays in $release for diagnosis."
  exit "$EXIT_FAILED"
}
trap 'fail "a command failed at line $LINENO"' ERR
trap 'fail "interrupted"' INT TERM

# 1. Preparation
stamp=$(date +%Y%m%d_%H%M%S)
release=$RELEASES_DIR/$stamp
suffix=1
while [ -e "$release" ] || [ -e "$release.partial" ]; do
  release=$RELEASES_DIR/${stamp}_$suffix
  suffix=$((suffix + 1))
done
say "1/5 Preparation: $release"
(cd "$(dirname "$package")" && sha256sum -c "$(basename "$package").sha256") || fail "the checksum of $package does not match: fetch the package again."
mkdir -p "$release.partial"
tar -xzf "$package" -C "$release.partial" --no-same-owner || fail "$package does not extract."
medisys_of "$release.partial" release verify --platform "$package" || fail "the release package does not verify."
mv -T "$release.partial" "$release"
new_version=$(version_of "$release")
say "  release $new_version ready in $release"

# 2. Database: backup, migrations, schema version
say "2/5 Database"
kind=$(cd "$MEDISYS_HOME" && run_clean node "$release/scripts/lib/datasource-kind.mjs") || fail "the configuration is invalid (see above)."
if [ "$MEDISYS_DEPLOY_BACKUP" = always ] || { [ "$MEDISYS_DEPLOY_BACKUP" = auto ] && [ "$kind" = postgresql ]; }; then
  backup_output=$(medisys_of "$release" backup create 2>&1) || {
    printf '%s\n' "$backup_output"
    fail 'the backup before migrating failed: not migrating without one.'
  }
  printf '%s\n' "$backup_output"
  backup_file=$(printf '%s\n' "$backup_output" | sed -n 's/^Backup written: \(.*\) (.*$/\1/p')
else
  say "  no backup (database: $kind, MEDISYS_DEPLOY_BACKUP=$MEDISYS_DEPLOY_BACKUP)"
fi
migrate_output=$(medisys_of "$release" migrate 2>&1) || {
  printf '%s\n' "$migrate_output"
  migrated=$(printf '%s\n' "$migrate_output" | sed -n 's/^applied //p' | paste -sd ' ' -)
  fail 'the migrations failed (each runs in its own transaction: the failed one left no trace).'
}
# migrate ends with the schema version ("Schema is up to date (version N)" or "...; schema version N"),
# the manual's "verify migration".
printf '%s\n' "$migrate_output" | sed 's/^/  /'
migrated=$(printf '%s\n' "$migrate_output" | sed -n 's/^applied //p' | paste -sd ' ' -)

# 3. Switch: previous -> the release being replaced, current -> the new one
say "3/5 Switching current to $release"
if [ -n "$old_current" ]; then
  point_link "$PREVIOUS_LINK" "$old_current" || fail "cannot point $PREVIOUS_LINK at $old_current."
fi
switched=1
point_link "$CURRENT_LINK" "$release" || fail "cannot point $CURRENT_LINK at $release."

# 4. Rolling restart
say "4/5 Restarting ${#INSTANCE_NAMES[@]} instance(s) one at a time"
rolling_restart "$new_version" "${!INSTANCE_NAMES[@]}" || fail "an instance did not come up on $new_version."

# 5. Verification
say "5/5 Verifying"
health_check "$release" || fail 'the health check failed.'
if [ "${MEDISYS_DEPLOY_SKIP_SMOKE:-0}" = 1 ]; then
  warn '  smoke tests skipped (MEDISYS_DEPLOY_SKIP_SMOKE=1)'
else
  bash "$release/scripts/smoke-tests.sh" || fail 'the smoke tests failed.'
fi
trap - ERR INT TERM

# Old release folders go; the current and previous ones stay whatever their age.
keep=${MEDISYS_KEEP_RELEASES:-5}
mapfile -t folders < <(find "$RELEASES_DIR" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
  -regex '.*/[0-9]{8}_[0-9]{6}(_[0-9]+)?' -printf '%f\n' | sort -r)
for folder in "${folders[@]:$keep}"; do
  target=$RELEASES_DIR/$folder
  [ "$target" = "$release" ] || [ "$target" = "$old_current" ] || rm -rf "$target"
done

say "Deployed $new_version (${old_version:-first deployment} before). Back out with scripts/rollback.sh."
