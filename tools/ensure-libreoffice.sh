#!/bin/sh
# LibreOffice (soffice) converts legacy .doc, RTF and HTML reports to .docx.
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "jixiao: installing LibreOffice (libreoffice-writer-nogui) for .doc conversion…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui >/dev/null && exit 0
  echo "jixiao: apt-get could not install libreoffice-writer-nogui" >&2
fi
cat >&2 <<'MSG'
jixiao: LibreOffice is missing, so .doc/RTF/HTML reports will fail with a clear reason.
  Debian/Ubuntu:  sudo apt-get install libreoffice-writer-nogui
  Fedora/RHEL:    sudo dnf install libreoffice-writer
  macOS:          brew install --cask libreoffice
MSG
exit 0
