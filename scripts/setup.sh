#!/usr/bin/env bash
# Install what the generator needs, skipping whatever is already there:
# Debian packages (LibreOffice, its Python UNO bridge, poppler, fontconfig, CJK fonts)
# and the pinned Python packages. Idempotent; `make setup` and .ci/run call it.
#
# Python: $PYTHON if set, else .venv/bin/python if present, else `python`/`python3` when it is
# 3.11+ and pip may install into it; otherwise (Debian's own python3 is "externally
# managed") a .venv is made from python3.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libreoffice-writer-nogui libreoffice-calc-nogui
  python3-uno         # the `uno` module generator/pdf_worker.py runs with (/usr/bin/python3)
  poppler-utils       # pdftotext, pdffonts, pdftoppm: checking PDFs
  fontconfig          # fc-match, fc-list: checking the font aliases
  fonts-noto-cjk      # Noto Serif/Sans CJK SC: 宋体, 小标宋, 黑体
  fonts-arphic-gkai00mp  # AR PL KaitiM GB: 楷体_GB2312
  fonts-arphic-gbsn00lp  # AR PL SungtiL GB: 仿宋_GB2312 substitute
  chromium            # the browser tests (Playwright drives /usr/bin/chromium; never `playwright install`)
  make
)

usable_python() {  # $1 is 3.11+ and not an externally managed (PEP 668) system Python
  command -v "$1" >/dev/null 2>&1 || return 1
  "$1" - <<'PY' 2>/dev/null
import sys, sysconfig, os
in_venv = sys.prefix != sys.base_prefix
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if sys.version_info >= (3, 11) and (in_venv or not managed) else 1)
PY
}

PY="${PYTHON:-}"
if [[ -z "$PY" && -x .venv/bin/python ]]; then PY=.venv/bin/python; fi
if [[ -z "$PY" ]]; then
  for candidate in python python3; do
    if usable_python "$candidate"; then PY="$candidate"; break; fi
  done
fi
if [[ -z "$PY" ]]; then APT_PACKAGES+=(python3 python3-venv); fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: not a Debian system; install these yourself: ${missing[*]}" >&2
    exit 1
  fi
  sudo=()
  if [[ "$(id -u)" != 0 ]]; then sudo=(sudo); fi
  echo "setup: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ -z "$PY" ]]; then
  echo "setup: making .venv from $(command -v python3)"
  python3 -m venv .venv
  PY=.venv/bin/python
fi
"$PY" -m pip install -q --disable-pip-version-check -r requirements.txt
echo "setup: done; Python is $PY"
