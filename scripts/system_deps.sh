#!/usr/bin/env bash
# Installs Debian's Tesseract with Vietnamese data (and fonts for rendering) when missing.
# Nothing downloads models at run time: the `vie` traineddata comes from this package.
set -u
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
# vie reads the pages; eng (a dependency of tesseract-ocr, named here in case it was removed) reads
# doubtful figures a second time, digits only (pipeline/ocrreread.py)
if command -v tesseract >/dev/null 2>&1; then
  langs=$(tesseract --list-langs 2>/dev/null)
  grep -qx vie <<<"$langs" || need+=(tesseract-ocr-vie)
  grep -qx eng <<<"$langs" || need+=(tesseract-ocr-eng)
else
  need+=(tesseract-ocr-vie tesseract-ocr-eng)
fi
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "warning: could not install ${need[*]}; OCR will be unavailable" >&2; exit 0; }
else
  echo "note: ${need[*]} missing; OCR is unavailable until you run: sudo apt-get install ${need[*]}" >&2
fi
