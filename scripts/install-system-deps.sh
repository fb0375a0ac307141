#!/usr/bin/env bash
# Install the Debian packages the project needs (browser tests, CJK fonts, gettext, pg_dump/pg_restore for backups,
# Pango for PDF reports, wrk for bench/portal), if missing.
set -euo pipefail
packages=(chromium fonts-noto-cjk gettext postgresql-client libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
