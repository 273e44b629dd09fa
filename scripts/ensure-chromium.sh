#!/usr/bin/env bash
# Make sure the system Chromium exists for the browser tests.  We never let
# playwright download its own browser: the tests drive /usr/bin/chromium.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0

# apt needs root; use sudo only when we are not root and it is available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "ensure-chromium: need root to install chromium" >&2; exit 1
    fi
}

# Another apt run may hold the dpkg lock (e.g. provisioning): wait for it.
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }
apt_get update
apt_get install -y chromium
