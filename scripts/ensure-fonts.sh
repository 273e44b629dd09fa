#!/usr/bin/env bash
# Make sure DejaVu Sans exists for the printed contribution and sign-in sheets (PDF, written
# by engage/views/consultations/sheets.py from Debian's fonts-dejavu-core).
set -euo pipefail

FONT_DIR=/usr/share/fonts/truetype/dejavu
[ -f "$FONT_DIR/DejaVuSans.ttf" ] && [ -f "$FONT_DIR/DejaVuSans-Bold.ttf" ] && exit 0
exec "$(dirname "$0")/apt-install.sh" fonts-dejavu-core
