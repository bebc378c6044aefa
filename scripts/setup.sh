#!/usr/bin/env bash
# Prepare this machine for Venture: system packages, the virtualenv, translations.
# Usage: scripts/setup.sh run|test   (test also installs the browser and PDF tools)
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-run}"
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "$purpose" = "test" ]; then
  packages+=(poppler-utils chromium zbar-tools libnss3-tools)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Venture needs these system packages. Run this once, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Venture needs Python 3.11 or newer; $python is $("$python" --version)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
quiet_pip() {
  # pip's output only when it fails (its warnings about this machine's extra indexes are noise)
  local log
  log="$(mktemp)"
  if ! .venv/bin/python -m pip "$@" -q >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}
# install the exact versions of requirements.lock (hashes checked; `make lock` regenerates it),
# again only when the lock or the project changed, so a second run is fast
stamp=.venv/.venture-deps
wanted="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  quiet_pip install --require-hashes --no-deps -r requirements.lock
  quiet_pip install --no-deps -e .
  .venv/bin/python -m pip check
  .venv/bin/python -c 'import venture, flask_babel, weasyprint, playwright'
  echo "$wanted" > "$stamp"
fi
.venv/bin/python -c 'from venture.core.i18n import compile_catalogues; compile_catalogues()'
