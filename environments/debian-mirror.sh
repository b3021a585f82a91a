#!/usr/bin/env bash
# Prints the Debian mirror the image builds debootstrap from: $DEBIAN_MIRROR when set, else the
# first non-security Debian URI of the host's apt configuration, else deb.debian.org. Shared by
# environments/templar/build-cpu-image.sh and environments/compute/build-lease-image.sh.
set -euo pipefail
if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; exit 0; fi
uri="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
[ -n "$uri" ] || uri="$(grep -hsE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
echo "${uri:-http://deb.debian.org/debian}"
