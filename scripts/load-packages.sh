#!/usr/bin/env bash
# Installs wrk (the HTTP load generator `make load` drives the app with) from Debian when missing.
set -euo pipefail
command -v wrk >/dev/null 2>&1 && exit 0
echo "Installing system package: wrk"
if [ "$(id -u)" -ne 0 ]; then
  echo "Not root: install it with: sudo apt-get install wrk" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
