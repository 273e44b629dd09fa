#!/usr/bin/env bash
# Make sure DejaVu Sans exists for the printed contribution and sign-in sheets (PDF, written
# by engage/views/consultations/sheets.py from Debian's fonts-dejavu-core).
set -euo pipefail

FONT_DIR=/usr/share/fonts/truetype/dejavu
[ -f "$FONT_DIR/DejaVuSans.ttf" ] && [ -f "$FONT_DIR/DejaVuSans-Bold.ttf" ] && exit 0

# apt needs root; use sudo only when we are not root and it is available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "ensure-fonts: need root to install fonts-dejavu-core" >&2; exit 1
    fi
}

# Another apt run may hold the dpkg lock (e.g. provisioning): wait for it.
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }
apt_get update
apt_get install -y fonts-dejavu-core
