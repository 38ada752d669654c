#!/usr/bin/env bash
# Security scan of a running MediSys: the manual's post-deployment "Security scan" and its daily scan.
#  1. HTTP checks: security headers, authentication on the API, error responses without internals,
#     an injection probe answered as bad input, management endpoints kept off the public port.
#  2. nmap -sV of the MediSys ports (API and management) on their host, plus MEDISYS_SCAN_PORTS
#     (e.g. "5432,6379" or "1-1024"); MEDISYS_SCAN_NMAP_ARGS adds options, e.g. "--script vuln" for
#     the manual's vulnerability scripts (slow). Any VULNERABLE line is a failure.
#  3. testssl.sh (Debian: testssl) when MEDISYS_URL is https://; a HIGH or CRITICAL finding fails,
#     except the ids listed in MEDISYS_SCAN_TLS_ACCEPT (comma-separated, e.g. a private CA's
#     "cert_chain_of_trust"); MEDISYS_SCAN_TESTSSL_ARGS adds options (e.g. "--fast"). testssl takes minutes.
#  4. npm audit --omit=dev of the installed release (MEDISYS_HOME, default this checkout): a high or
#     critical advisory fails; a registry that cannot be reached is a WARN (the scan cannot tell).
# Reports go to MEDISYS_SCAN_REPORT_DIR (default ./security-reports; /var/log/security in the manual):
# vuln_scan_DATE.log, ssl_check_DATE.json, npm_audit_DATE.json. Exit 1 when any check fails.
set -uo pipefail

url=${MEDISYS_URL:-http://localhost:8080}
management_url=${MEDISYS_MANAGEMENT_URL:-http://localhost:8081}
management_url=${management_url%%[ ,]*}
timeout=${MEDISYS_CHECK_TIMEOUT:-5}
report_dir=${MEDISYS_SCAN_REPORT_DIR:-./security-reports}
home=${MEDISYS_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
today=$(date +%Y%m%d)
failed=0
pass() { echo "PASS  $1"; }
fail() { echo "FAIL  $1"; failed=1; }
warn() { echo "WARN  $1"; }
mkdir -p "$report_dir" || { echo "FAIL  cannot create the report folder $report_dir"; exit 1; }

# --- 1. HTTP checks -------------------------------------------------------------------------------
headers=$(curl -ksS -D - -o /dev/null --max-time "$timeout" "$url/api/v1/patients" 2>&1) || { echo "FAIL  $url does not answer"; exit 1; }
status=$(printf '%s' "$headers" | head -n 1 | awk '{print $2}')
[ "$status" = "401" ] && pass "API refuses unauthenticated requests (401)" || fail "API answered $status without authentication"
printf '%s' "$headers" | grep -qi '^x-content-type-options: nosniff' && pass "X-Content-Type-Options: nosniff" || fail "X-Content-Type-Options missing"
printf '%s' "$headers" | grep -qi "^content-security-policy:.*object-src 'none'" && pass "Content-Security-Policy with object-src 'none'" || fail "Content-Security-Policy missing or without object-src 'none'"
printf '%s' "$headers" | grep -qi '^cache-control: no-store' && pass "API responses are not cached (Cache-Control: no-store)" || fail "Cache-Control: no-store missing"
printf '%s' "$headers" | grep -qi '^x-request-id:' && pass "responses carry x-request-id" || fail "x-request-id missing"
printf '%s' "$headers" | grep -qiE '^(server|x-powered-by):.*[0-9]' && fail "a header reveals server software versions" || pass "no server version in headers"

body=$(curl -ksS --max-time "$timeout" -H 'content-type: application/json' -d '{"username": "x",' "$url/api/v1/auth/login")
printf '%s' "$body" | grep -q '"status":400' && pass "malformed JSON answered 400 problem+json" || fail "malformed JSON not answered 400: $body"
printf '%s' "$body" | grep -qiE 'at .*\.(js|ts):[0-9]+|stack|SELECT |INSERT ' && fail "an error response shows internals" || pass "error responses show no stack or SQL"

probe=$(curl -ksS -o /dev/null -w '%{http_code}' --max-time "$timeout" -H 'content-type: application/json' \
  -d "{\"username\":\"admin' OR '1'='1\",\"password\":\"x' OR '1'='1\"}" "$url/api/v1/auth/login")
case "$probe" in
  401|429) pass "SQL injection probe on sign-in refused ($probe)" ;;
  *) fail "SQL injection probe on sign-in answered $probe" ;;
esac

# The web UI may answer unknown paths with its page: what matters is that no metrics come back.
actuator=$(curl -ksS --max-time "$timeout" "$url/actuator/prometheus")
printf '%s' "$actuator" | grep -qE '^# (HELP|TYPE) |hikaricp' && fail "/actuator/prometheus serves metrics on the API port" || pass "management endpoints are not on the API port"

case "$url" in
  https://*)
    hsts=$(curl -ksS -D - -o /dev/null --max-time "$timeout" "$url/api/health" | grep -i '^strict-transport-security' || true)
    [ -n "$hsts" ] && pass "HSTS is set" || fail "Strict-Transport-Security missing on HTTPS"
    ;;
  *) echo "INFO  $url is plain HTTP: serve TLS with server.ssl.* or at HAProxy (deploy/haproxy/haproxy-tls.cfg) in production" ;;
esac

# --- 2. nmap -sV of the MediSys ports -------------------------------------------------------------
host_of() { local rest=${1#*://}; rest=${rest%%/*}; echo "${rest%:*}"; }
port_of() {
  local rest=${1#*://}; rest=${rest%%/*}
  case "$rest" in
    *:*) echo "${rest##*:}" ;;
    *) case "$1" in https://*) echo 443 ;; *) echo 80 ;; esac ;;
  esac
}
scan_host=$(host_of "$url")
ports=$(port_of "$url")
[ "$(host_of "$management_url")" = "$scan_host" ] && ports="$ports,$(port_of "$management_url")"
[ -n "${MEDISYS_SCAN_PORTS:-}" ] && ports="$ports,$MEDISYS_SCAN_PORTS"
nmap_log="$report_dir/vuln_scan_$today.log"
if command -v nmap >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  if nmap -sV -Pn --host-timeout 300s -p "$ports" ${MEDISYS_SCAN_NMAP_ARGS:-} -oN "$nmap_log" "$scan_host" >/dev/null 2>&1; then
    open=$(grep -E '^[0-9]+/tcp +open' "$nmap_log" | awk '{print $1 " " $3}' | paste -sd ',' -)
    echo "INFO  nmap -sV $scan_host -p $ports: open ${open:-none} (report $nmap_log)"
    if grep -q 'VULNERABLE' "$nmap_log"; then
      fail "nmap reports VULNERABLE services (see $nmap_log)"
    else
      pass "nmap found no vulnerable service on $scan_host ($ports)"
    fi
  else
    fail "nmap could not scan $scan_host (see $nmap_log)"
  fi
else
  fail "nmap is not installed: run scripts/setup.sh (Debian package nmap)"
fi

# --- 3. testssl.sh when TLS is on -----------------------------------------------------------------
case "$url" in
  https://*)
    testssl=$(command -v testssl.sh || command -v testssl || true)
    ssl_json="$report_dir/ssl_check_$today.json"
    if [ -z "$testssl" ]; then
      fail "testssl.sh is not installed: run scripts/setup.sh (Debian package testssl.sh)"
    else
      rm -f "$ssl_json"
      # shellcheck disable=SC2086
      "$testssl" --quiet --warnings batch --color 0 ${MEDISYS_SCAN_TESTSSL_ARGS:-} --jsonfile "$ssl_json" "$url" >"$report_dir/ssl_check_$today.log" 2>&1
      if [ ! -s "$ssl_json" ]; then
        fail "testssl produced no report (see $report_dir/ssl_check_$today.log)"
      else
        serious=$(MEDISYS_SCAN_TLS_ACCEPT="${MEDISYS_SCAN_TLS_ACCEPT:-}" node -e '
          const accepted = new Set((process.env.MEDISYS_SCAN_TLS_ACCEPT || "").split(",").filter(Boolean));
          const findings = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
          const list = Array.isArray(findings) ? findings : findings.scanResult ?? [];
          const serious = list.filter((f) => ["HIGH", "CRITICAL"].includes(f.severity) && !accepted.has(f.id));
          console.log(serious.map((f) => `${f.id} (${f.severity}): ${f.finding}`).join("\n"));
        ' "$ssl_json")
        if [ -n "$serious" ]; then
          fail "testssl reports HIGH/CRITICAL findings (see $ssl_json):"
          printf '%s\n' "$serious" | sed 's/^/      /'
        else
          pass "testssl found nothing HIGH or CRITICAL ($ssl_json)"
        fi
      fi
    fi
    ;;
esac

# --- 4. npm audit of the release's dependencies ---------------------------------------------------
audit_json="$report_dir/npm_audit_$today.json"
if ! command -v npm >/dev/null 2>&1; then
  warn "npm is not installed: dependencies not audited"
elif [ ! -f "$home/package-lock.json" ]; then
  warn "no package-lock.json in $home (set MEDISYS_HOME): dependencies not audited"
else
  (cd "$home" && timeout 120 npm audit --omit=dev --json >"$audit_json" 2>/dev/null)
  verdict=$(node -e '
    let report;
    try { report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); } catch { report = undefined; }
    if (!report || report.error || !report.metadata) {
      const why = report?.error?.summary || report?.message || "no answer";
      console.log(`unreachable ${String(why).split("\n")[0].slice(0, 160)}`);
    } else {
      const v = report.metadata.vulnerabilities;
      console.log(`counts ${v.critical} ${v.high} ${v.moderate} ${v.low}`);
    }' "$audit_json")
  case "$verdict" in
    unreachable*) warn "npm audit could not ask the registry (${verdict#unreachable }): dependencies not audited today" ;;
    counts*)
      read -r _ critical high moderate low <<<"$verdict"
      if [ "$critical" -gt 0 ] || [ "$high" -gt 0 ]; then
        fail "npm audit: $critical critical, $high high advisories in production dependencies (see $audit_json)"
      else
        pass "npm audit: no high or critical advisories ($moderate moderate, $low low)"
      fi
      ;;
  esac
fi

if [ "$failed" -ne 0 ]; then
  echo "Security scan FAILED." >&2
  exit 1
fi
echo "Security scan passed."
