#!/usr/bin/env bash
# Installs the machine packages MediSys's tools and tests use, from Debian's repositories.
# Idempotent: installs only what is missing, and runs `apt-get update` only when something is.
set -euo pipefail

declare -A wanted=(
  [psql]=postgresql-client
  [pg_dump]=postgresql-client
  [pg_restore]=postgresql-client
  [gpg]=gnupg
  [curl]=curl
  [redis-cli]=redis-tools
  [redis-server]=redis-server
  [promtool]=prometheus
  [haproxy]=haproxy
  # scripts/security-scan.sh: the manual's daily nmap -sV and testssl.sh (Debian installs it as testssl).
  [nmap]=nmap
  [testssl]=testssl.sh
  # The browser tests (tests/e2e) drive Debian's Chromium through playwright-core.
  [chromium]=chromium
)

missing=()
for command in "${!wanted[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${wanted[$command]}")
done
# initdb/pg_ctl for the tests that run a scratch PostgreSQL cluster.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
# DejaVu Sans, embedded in every PDF MediSys writes so that any patient's name shows (src/shared/pdf/fonts.ts).
for font in DejaVuSans.ttf DejaVuSans-Bold.ttf; do
  [ -f "/usr/share/fonts/truetype/dejavu/$font" ] || missing+=(fonts-dejavu-core)
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: machine packages present"
  exit 0
fi
mapfile -t unique < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "setup: installing ${unique[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (or with sudo) to install: ${unique[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${unique[@]}"
