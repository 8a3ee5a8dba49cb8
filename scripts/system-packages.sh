#!/usr/bin/env bash
# Installs the Debian packages tracker needs when they are missing: Pango for WeasyPrint, fonts to
# embed in PDFs, poppler-utils to look at PDFs, LibreOffice Calc to open the exports as a person
# would, Chromium and its driver for the browser tests, and the PostgreSQL server for the second
# test pass. Does nothing when all are present.
set -euo pipefail

missing=()
need() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }
need libpango-1.0-0
need libpangoft2-1.0-0
need fonts-liberation2
need fonts-dejavu-core
need poppler-utils
need chromium
need chromium-driver
# LibreOffice Writer (headless) converts the Word copy of a response in the tests, as the PCC's office opens it.
need libreoffice-writer-nogui
# LibreOffice Calc (headless) opens the exports in a test, as a board member's spreadsheet would.
need libreoffice-calc-nogui
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# The PostgreSQL server (initdb, pg_ctl, postgres) and its client tools (pg_dump, pg_restore) for
# the second test pass and for backups; Debian keeps them in /usr/lib/postgresql/<version>/bin.
command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Not root: install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
