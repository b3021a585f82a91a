#!/usr/bin/env bash
# Makes a Docker daemon available on a Debian machine, for CI and for building the CPU evaluation
# image (environments/templar/build-cpu-image.sh). Idempotent:
#   1. installs docker.io and debootstrap from the configured Debian mirror when missing;
#   2. starts dockerd in the background (as root) when `docker info` fails;
#   3. waits until `docker info` answers (60 s at most).
# Logs of a dockerd started here go to /var/log/crusades-dockerd.log.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ "${#need[@]}" -gt 0 ]; then
  echo "docker.sh: installing ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "docker.sh: dockerd already running"
  exit 0
fi

echo "docker.sh: starting dockerd"
# Without systemd (containers, CI runners) start it directly; nohup keeps it alive after this shell.
as_root sh -c 'nohup dockerd >/var/log/crusades-dockerd.log 2>&1 &'
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker.sh: dockerd ready ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
echo "docker.sh: dockerd did not come up in 60 s; see /var/log/crusades-dockerd.log" >&2
exit 1
