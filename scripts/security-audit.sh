#!/usr/bin/env bash
# Application security audit of a running MediSys (the manual's "Application security scan"): probes for
# SQL injection, XSS reflection, missing security headers, authentication bypass, IDOR between roles and
# verbose errors. Writes a report folder (MEDISYS_AUDIT_REPORT_DIR, default ./security-audit-DATE) and
# exits 1 when anything is found, 2 on bad usage.
#   MEDISYS_URL (default http://localhost:8080), MEDISYS_MANAGEMENT_URL (default http://localhost:8081)
#   MEDISYS_AUDIT_USERNAME / MEDISYS_AUDIT_PASSWORD (or _FILE): an admin account, for the checks that need
#   one (IDOR, injection behind sign-in); MEDISYS_AUDIT_TOTP_SECRET (base32) when that admin uses MFA.
# The admin checks create three short-lived users (secaudit-*) and one patient ("Security Audit Probe"),
# and disable/archive them before exiting.
set -euo pipefail
exec node "$(dirname "$0")/lib/security-audit.mjs"
