#!/usr/bin/env bash
# Make sure Debian's wrk (the compiled HTTP load generator `make bench` drives the web
# processes with) is installed. Idempotent: a no-op when wrk is already on the PATH.
set -euo pipefail

command -v wrk >/dev/null && exit 0

# apt needs root: scripts/apt-install.sh uses sudo when we are not root.
"$(dirname "$0")/apt-install.sh" wrk
command -v wrk >/dev/null || { echo "ensure-wrk: wrk is still missing after apt-get install" >&2; exit 1; }
echo "ensure-wrk: $(command -v wrk) is ready"
