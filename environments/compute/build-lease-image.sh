#!/usr/bin/env bash
# Builds the SSH lease image crusades-lease-ssh:<VERSION> OFFLINE from Debian packages only (no
# Docker Hub): debootstrap a bookworm minbase rootfs with openssh-server, remove the host keys the
# package generated (every lease gets its own, delivered by the agent), then `docker import`.
# The agent starts /usr/sbin/sshd with its settings on the command line (key-only login), so the
# image carries no SSH policy of its own. docs/compute.md, "Leases".
#
# Also installs Debian's openssh-client on the host when `ssh` is missing (the lease tests log in
# with it). Idempotent: exits early when the tag exists with the same recipe. Needs root,
# debootstrap and a running dockerd (scripts/docker.sh provides both).
#
# Environment: CRUSADES_LEASE_IMAGE (default crusades-lease-ssh), CRUSADES_BUILD_CACHE (default
# /var/cache/crusades), DEBIAN_MIRROR (default: the host's apt mirror), FORCE=1 to rebuild.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
IMAGE="${CRUSADES_LEASE_IMAGE:-crusades-lease-ssh}"
CACHE="${CRUSADES_BUILD_CACHE:-/var/cache/crusades}"
VERSION=1.0.0
TAG="$IMAGE:$VERSION"
PACKAGES=openssh-server,ca-certificates,procps
log() { echo "build-lease-image: $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
  log "installing openssh-client (the lease tests log in with it)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends openssh-client >/dev/null
fi

RECIPE="$(sha256sum <"$HERE/build-lease-image.sh" | cut -d' ' -f1)"
if [ "${FORCE:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  have="$(docker image inspect -f '{{ index .Config.Labels "org.crusades.lease_recipe" }}' "$TAG" 2>/dev/null || true)"
  if [ "$have" = "$RECIPE" ]; then
    log "$TAG is up to date ($(docker image inspect -f '{{.Id}}' "$TAG"))"
    exit 0
  fi
  log "$TAG exists with recipe ${have:-?}; rebuilding for $RECIPE"
fi
[ "$(id -u)" -eq 0 ] || { echo "build-lease-image: must run as root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-lease-image: debootstrap missing (scripts/docker.sh)" >&2; exit 1; }

MIRROR="$(bash "$HERE/../debian-mirror.sh")"
BASE="$CACHE/bookworm-ssh-base"
mkdir -p "$CACHE"
if [ ! -x "$BASE/usr/sbin/sshd" ]; then
  log "debootstrap bookworm (minbase + $PACKAGES) from $MIRROR into $BASE"
  rm -rf "$BASE.tmp"
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$BASE.tmp" "$MIRROR" >"$CACHE/debootstrap-ssh.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap-ssh.log" >&2; exit 1; }
  rm -rf "$BASE" && mv "$BASE.tmp" "$BASE"
else
  log "reusing the base rootfs $BASE"
fi

WORK="$CACHE/ssh-rootfs-work"
log "assembling the rootfs"
rm -rf "$WORK" && cp -a "$BASE" "$WORK"
rm -rf "$WORK"/var/cache/apt/archives/*.deb "$WORK"/var/lib/apt/lists/* \
  "$WORK"/usr/share/doc "$WORK"/usr/share/man "$WORK"/usr/share/info
# The package's postinst generated host keys: an image must not carry a key shared by every lease.
rm -f "$WORK"/etc/ssh/ssh_host_*
# The root account stays locked (no password); sshd's privilege-separation directory exists.
mkdir -p "$WORK/run/sshd" && chmod 0755 "$WORK/run/sshd"
grep -q '^root:[*!]' "$WORK/etc/shadow" || { echo "build-lease-image: root has a password in the rootfs" >&2; exit 1; }

log "docker import $TAG"
tar --numeric-owner -C "$WORK" -c . | docker import \
  --change 'WORKDIR /root' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL org.crusades.lease_recipe=$RECIPE org.crusades.lease_image_version=$VERSION" \
  --change 'EXPOSE 22/tcp' \
  --change 'CMD ["/usr/sbin/sshd","-D","-e"]' \
  - "$TAG" >/dev/null
docker tag "$TAG" "$IMAGE:latest"
rm -rf "$WORK"
log "built $TAG ($(docker image inspect -f '{{.Id}}' "$TAG"), $(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}'))"
