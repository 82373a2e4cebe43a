#!/usr/bin/env bash
# scripts/deps.sh — installs the Debian 12 packages motcua builds and tests with (as root).
# One list, used by the demo and the test commands alike.
set -euo pipefail
packages=(build-essential cmake pkg-config libxml2-dev libsqlite3-dev sqlite3 libssl-dev
	libxml2-utils libpodofo-dev libcurl4-openssl-dev softhsm2 opensc libengine-pkcs11-openssl
	fonts-liberation2 poppler-utils qpdf openssl libpodofo-utils
	libtesseract-dev libleptonica-dev tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd
	liblcms2-dev libfreetype-dev ghostscript python3-img2pdf)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
