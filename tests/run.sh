#!/usr/bin/env bash
# Runs every test of PyPyLeads: unit, integration (HTTP against a real SQLite file) and browser (Debian's Chromium).
# On a fresh Debian machine it installs nginx, Dovecot and Chromium first when it can (as root); benchmarks are not part of this run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's nginx for the test of the production set-up (the tests start it themselves, never the system service).
if [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's nginx for the reverse-proxy tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  else
    echo "No nginx found: the reverse-proxy tests will be skipped. Install it with: sudo apt-get install -y nginx"
  fi
fi

# curl and jq for the README's API walk-through, which a test runs as written.
if ! command -v curl >/dev/null || ! command -v jq >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's curl and jq for the API walk-through test..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl jq >/dev/null
  else
    echo "No curl or jq found: the README's API walk-through test will fail. Install them with: sudo apt-get install -y curl jq"
  fi
fi

# Debian's Dovecot for the e-mail intake tests (each test starts its own on loopback, never the system service).
if [ ! -x /usr/sbin/dovecot ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Dovecot for the e-mail intake tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
  else
    echo "No Dovecot found: the e-mail intake tests will be skipped. Install it with: sudo apt-get install -y dovecot-imapd"
  fi
fi

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's Chromium for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "No Chromium found: the browser tests will be skipped. Install it with: sudo apt-get install -y chromium"
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test PyPyLeads.sln 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test projects.
awk '/(Passed|Failed)! +- +Failed: /{
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
