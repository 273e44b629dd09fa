#!/usr/bin/env bash
# Make sure the system Chromium exists for the browser tests.  We never let
# playwright download its own browser: the tests drive /usr/bin/chromium.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0
exec "$(dirname "$0")/apt-install.sh" chromium
