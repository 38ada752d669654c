#!/usr/bin/env bash
# Checks every MediSys instance and each of its components (database, disk, Redis when configured).
# MEDISYS_URL and MEDISYS_MANAGEMENT_URL may each list several instances (space- or comma-separated).
# Exit 0 when everything is UP, 1 when anything is DOWN or does not answer.
set -uo pipefail

api_urls=${MEDISYS_URL:-http://localhost:8080}
management_urls=${MEDISYS_MANAGEMENT_URL:-http://localhost:8081}
timeout=${MEDISYS_CHECK_TIMEOUT:-5}
failed=0

for url in ${api_urls//,/ }; do
  if body=$(curl -fsS --max-time "$timeout" "$url/api/health" 2>&1); then
    echo "UP    $url/api/health $body"
  else
    echo "DOWN  $url/api/health ($body)"
    failed=1
  fi
done

for url in ${management_urls//,/ }; do
  if ! body=$(curl -sS --max-time "$timeout" "$url/actuator/health" 2>&1); then
    echo "DOWN  $url/actuator/health (no answer: $body)"
    failed=1
    continue
  fi
  # Prints the overall status and each component; exits 1 unless all are UP.
  if ! node -e '
    let report;
    try { report = JSON.parse(process.argv[1]); } catch { console.log("DOWN  " + process.argv[2] + " (not a health report)"); process.exit(1); }
    console.log((report.status === "UP" ? "UP    " : "DOWN  ") + process.argv[2]);
    let ok = report.status === "UP";
    for (const [name, component] of Object.entries(report.components ?? {})) {
      console.log("        " + name.padEnd(10) + " " + component.status);
      if (component.status !== "UP") ok = false;
    }
    process.exit(ok ? 0 : 1);
  ' "$body" "$url/actuator/health"; then
    failed=1
  fi
  if ! readiness=$(curl -fsS --max-time "$timeout" "$url/actuator/health/readiness" 2>&1); then
    echo "        readiness  DOWN"
    failed=1
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "Health check FAILED: see the DOWN lines above; logs are in /var/log/medisys/application.log." >&2
  exit 1
fi
echo "All MediSys instances and components are UP."
