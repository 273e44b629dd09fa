#!/usr/bin/env bash
# Install Debian packages: scripts/apt-install.sh PACKAGE...  (the ensure-*.sh scripts call it
# only when what they need is missing).
set -euo pipefail

# apt needs root; use sudo only when we are not root and it is available.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "apt-install: need root to install $*" >&2; exit 1
    fi
}

# Another apt run may hold the dpkg lock (e.g. provisioning): wait for it.
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }
apt_get update
apt_get install -y "$@"
