#!/usr/bin/env bash
# A stand-in for `systemctl restart medisys-app@N` in tests (deploy.sh's MEDISYS_RESTART_COMMAND):
# stops instance N (SIGTERM, then waits for it to exit, as systemd does), starts
# `node $MEDISYS_TEST_HOME/current/bin/medisys.js serve` in the background with the variables of
# $MEDISYS_TEST_STATE_DIR/instance-N.env (its ports, like the unit's EnvironmentFile), and records its PID
# in instance-N.pid and in all.pids (so the test can stop every process it ever started by PID).
set -euo pipefail

instance=${1:?usage: restart-instance.sh N}
state=${MEDISYS_TEST_STATE_DIR:?MEDISYS_TEST_STATE_DIR is not set}
home=${MEDISYS_TEST_HOME:?MEDISYS_TEST_HOME is not set}
pidfile=$state/instance-$instance.pid

# Running means: the process exists and is not a zombie waiting to be reaped.
running() {
  local status
  status=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$status" ] && [ "$status" != Z ]
}

if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if running "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do
      running "$pid" || break
      sleep 0.1
    done
    if running "$pid"; then kill -KILL "$pid"; fi
  fi
fi

set -a
# shellcheck disable=SC1090
source "$state/instance-$instance.env"
set +a
cd "$home/current"
nohup node bin/medisys.js serve >>"$state/instance-$instance.log" 2>&1 </dev/null &
echo $! >"$pidfile"
echo $! >>"$state/all.pids"
