# shellcheck shell=bash
# Shared by scripts/deploy.sh and scripts/rollback.sh (sourced, not run). The variables are documented
# in the header of scripts/deploy.sh and in docs/operations.md.

# shellcheck disable=SC2034 # the sourcing scripts use these
MEDISYS_HOME=${MEDISYS_HOME:-/opt/medisys}
RELEASES_DIR=${MEDISYS_RELEASES_DIR:-$MEDISYS_HOME/releases}
CURRENT_LINK=$MEDISYS_HOME/current
PREVIOUS_LINK=$RELEASES_DIR/previous
default_instances='1=http://localhost:8081 2=http://localhost:8083'
default_restart='systemctl restart medisys-app@{instance}'
INSTANCES_SPEC=${MEDISYS_INSTANCES:-$default_instances}
RESTART_COMMAND=${MEDISYS_RESTART_COMMAND:-$default_restart}
READY_TIMEOUT=${MEDISYS_READY_TIMEOUT:-120}
SETTLE_SECONDS=${MEDISYS_SETTLE_SECONDS:-10}
if [ -z "${MEDISYS_CONFIG:-}" ] && [ -f "$MEDISYS_HOME/config/production.properties" ]; then
  export MEDISYS_CONFIG=$MEDISYS_HOME/config/production.properties
fi

# shellcheck disable=SC2034 # used by the sourcing scripts
{
  EXIT_FAILED=1
  EXIT_USAGE=2
  EXIT_ROLLBACK_FAILED=3
}

say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
usage_error() {
  warn "$*"
  exit "$EXIT_USAGE"
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || usage_error "$tool is not installed: run scripts/setup.sh."
  done
}

# MEDISYS_INSTANCES: "NAME=MANAGEMENT_URL ..." (space- or comma-separated) into two arrays.
INSTANCE_NAMES=()
INSTANCE_URLS=()
parse_instances() {
  local item name url
  for item in ${INSTANCES_SPEC//,/ }; do
    name=${item%%=*}
    url=${item#*=}
    if [[ $item != *=* || ! $name =~ ^[A-Za-z0-9_.@-]+$ || ! $url =~ ^https?:// ]]; then
      usage_error "MEDISYS_INSTANCES: \"$item\" is not NAME=MANAGEMENT_URL (e.g. 1=http://10.0.1.21:8081)."
    fi
    INSTANCE_NAMES+=("$name")
    INSTANCE_URLS+=("${url%/}")
  done
  [ ${#INSTANCE_NAMES[@]} -gt 0 ] || usage_error 'MEDISYS_INSTANCES lists no instance.'
  [[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || usage_error "MEDISYS_READY_TIMEOUT must be whole seconds, not \"$READY_TIMEOUT\"."
  [[ $SETTLE_SECONDS =~ ^[0-9]+$ ]] || usage_error "MEDISYS_SETTLE_SECONDS must be whole seconds, not \"$SETTLE_SECONDS\"."
}

# Only one deploy or rollback at a time. The restart command runs with fd 9 closed, so instances it
# starts do not inherit (and hold) the lock.
take_lock() {
  mkdir -p "$RELEASES_DIR"
  exec 9>"$RELEASES_DIR/.deploy.lock"
  flock -n 9 || usage_error "Another deploy.sh or rollback.sh is running (lock $RELEASES_DIR/.deploy.lock). Wait for it to finish."
}

# Runs a command without the scripts' own MEDISYS_* variables: a release's configuration loader refuses
# MEDISYS_ variables it does not know, and older releases know fewer of them.
run_clean() {
  local name unset=()
  for name in $(compgen -e); do
    case $name in
      MEDISYS_HOME | MEDISYS_RELEASES_DIR | MEDISYS_INSTANCES | MEDISYS_RESTART_COMMAND | MEDISYS_READY_TIMEOUT | \
        MEDISYS_SETTLE_SECONDS | MEDISYS_KEEP_RELEASES | MEDISYS_CHECK_TIMEOUT | MEDISYS_DEPLOY_* | MEDISYS_SMOKE_* | \
        MEDISYS_PERF_*) unset+=(-u "$name") ;;
    esac
  done
  env "${unset[@]}" "$@"
}

# `medisys ARGS` of the release in folder $1, run from MEDISYS_HOME (relative paths in the config resolve there).
medisys_of() {
  local release=$1
  shift
  (cd "$MEDISYS_HOME" && run_clean node "$release/bin/medisys.js" "$@")
}

version_of() {
  node -p 'require(process.argv[1]).version' "$1/package.json" 2>/dev/null || echo unknown
}

# Points symlink $1 at $2 in one rename(2): readers see the old target or the new one, never neither.
point_link() {
  local link=$1 target=$2 staged="$1.new.$$"
  ln -sfn "$target" "$staged" && mv -Tf "$staged" "$link"
}

restart_instance() {
  local name=$1 command=${RESTART_COMMAND//\{instance\}/$1}
  say "  instance $name: $command"
  run_clean bash -c "$command" 9>&-
}

# Waits until instance $1 (management URL $2) reports readiness UP and runs version $3.
wait_ready() {
  local name=$1 url=$2 version=$3 started=$SECONDS running='' info
  while ((SECONDS - started < READY_TIMEOUT)); do
    if curl -fsS --max-time 2 "$url/actuator/health/readiness" >/dev/null 2>&1; then
      info=$(curl -fsS --max-time 2 "$url/actuator/info" 2>/dev/null || true)
      running=$(node -e 'try { process.stdout.write(JSON.parse(process.argv[1]).build.version) } catch {}' "$info")
      if [ "$running" = "$version" ]; then
        say "  instance $name ready, version $running ($((SECONDS - started)) s)"
        return 0
      fi
    fi
    sleep 0.5
  done
  warn "  instance $name is not ready with version $version after ${READY_TIMEOUT} s ($url/actuator/health/readiness; running: ${running:-nothing}). See its log (journalctl -u medisys-app@$name)."
  return 1
}

# Restarts the instances at the given indexes one at a time onto version $1, each waited for until
# ready, then given MEDISYS_SETTLE_SECONDS for the load balancer to take it back before the next goes.
# RESTARTED collects the indexes that were touched.
RESTARTED=()
rolling_restart() {
  local version=$1 index count=0
  shift
  for index in "$@"; do
    count=$((count + 1))
    RESTARTED+=("$index")
    if ! restart_instance "${INSTANCE_NAMES[$index]}"; then
      warn "  the restart command failed for instance ${INSTANCE_NAMES[$index]}."
      return 1
    fi
    wait_ready "${INSTANCE_NAMES[$index]}" "${INSTANCE_URLS[$index]}" "$version" || return 1
    if [ "$count" -lt $# ] && [ "$SETTLE_SECONDS" -gt 0 ]; then
      say "  letting the load balancer take instance ${INSTANCE_NAMES[$index]} back (${SETTLE_SECONDS} s)"
      sleep "$SETTLE_SECONDS"
    fi
  done
}

all_ready() {
  local index ok=0
  for index in "${!INSTANCE_NAMES[@]}"; do
    if ! curl -fsS --max-time 3 "${INSTANCE_URLS[$index]}/actuator/health/readiness" >/dev/null 2>&1; then
      warn "  instance ${INSTANCE_NAMES[$index]} is not ready (${INSTANCE_URLS[$index]}/actuator/health/readiness)."
      ok=1
    fi
  done
  return $ok
}

health_check() {
  local release=$1
  MEDISYS_MANAGEMENT_URL="${INSTANCE_URLS[*]}" bash "$release/scripts/health-check.sh"
}
