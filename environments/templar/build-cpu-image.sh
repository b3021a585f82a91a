#!/usr/bin/env bash
# Builds the CPU evaluation image crusades-eval-cpu:<VERSION> OFFLINE from Debian packages only
# (no Docker Hub): debootstrap a Debian minbase rootfs with python3, python3-torch and python3-numpy,
# add the OS users, the harness and a generated token corpus, then `docker import`. The suite is
# forky: its python3-torch (2.14, Python 3.14) has the DTensor and CPU FSDP that tensor_parallel and
# fsdp_tp need; bookworm's torch 1.13 has neither (docs/evaluation-protocol.md, section 8).
# Idempotent: exits early when the tag exists with the same harness hash. Needs root, debootstrap
# and a running dockerd (scripts/docker.sh provides both). docs/evaluation-protocol.md, section 1.
#
# Environment: CRUSADES_CPU_IMAGE (default crusades-eval-cpu), CRUSADES_BUILD_CACHE (default
# /var/cache/crusades: the cached base rootfs), DEBIAN_MIRROR (default: the host's apt mirror),
# CRUSADES_CPU_SUITE (default forky; bookworm builds the torch 1.13 image of earlier versions),
# FORCE=1 to rebuild.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
IMAGE="${CRUSADES_CPU_IMAGE:-crusades-eval-cpu}"
CACHE="${CRUSADES_BUILD_CACHE:-/var/cache/crusades}"
SUITE="${CRUSADES_CPU_SUITE:-forky}"
VERSION="$(head -n1 "$HERE/VERSION" | tr -d '[:space:]')"
TAG="$IMAGE:$VERSION"
log() { echo "build-cpu-image: $*"; }

# Harness hash (evaluation-protocol.md 1.1): sha256 of "<sha256>  <relative path>" lines, sorted.
HASH="$(cd "$HERE" && { find crusades_env -name '*.py' -not -path '*/tests/*'; echo scan_facts.py; echo VERSION; } \
  | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
# The recipe: this script, the tests and the examples copied in; a change rebuilds.
RECIPE="$(cd "$HERE" && { echo "$SUITE"; cat build-cpu-image.sh test_scan_facts.py tests/*; find "$REPO/local_test" -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -d' ' -f1)"
if [ "${FORCE:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  have="$(docker image inspect -f '{{ index .Config.Labels "org.crusades.harness_hash" }}' "$TAG" 2>/dev/null || true)"
  recipe="$(docker image inspect -f '{{ index .Config.Labels "org.crusades.build_recipe" }}' "$TAG" 2>/dev/null || true)"
  if [ "$have" = "$HASH" ] && [ "$recipe" = "$RECIPE" ]; then
    log "$TAG is up to date (harness $HASH)"
    exit 0
  fi
  log "$TAG exists with harness ${have:-?}; rebuilding for $HASH"
fi
[ "$(id -u)" -eq 0 ] || { echo "build-cpu-image: must run as root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-cpu-image: debootstrap missing (scripts/docker.sh)" >&2; exit 1; }

MIRROR="$(bash "$HERE/../debian-mirror.sh")"
BASE="$CACHE/$SUITE-base"
# A debootstrap older than the suite has no script for it; Debian's testing suites use sid's.
SCRIPT=""
[ -e "/usr/share/debootstrap/scripts/$SUITE" ] || SCRIPT=/usr/share/debootstrap/scripts/sid
mkdir -p "$CACHE"
if [ ! -x "$BASE/usr/bin/python3" ] || ! chroot "$BASE" python3 -c "import torch, numpy" 2>/dev/null; then
  log "debootstrap $SUITE (minbase + python3-torch) from $MIRROR into $BASE (a few minutes)"
  rm -rf "$BASE.tmp"
  debootstrap --variant=minbase --include=python3,python3-torch,python3-numpy \
    "$SUITE" "$BASE.tmp" "$MIRROR" $SCRIPT >"$CACHE/debootstrap-$SUITE.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap-$SUITE.log" >&2; exit 1; }
  rm -rf "$BASE" && mv "$BASE.tmp" "$BASE"
else
  log "reusing the base rootfs $BASE"
fi

WORK="$CACHE/rootfs-work"
log "assembling the rootfs"
rm -rf "$WORK" && cp -a "$BASE" "$WORK"
rm -rf "$WORK"/var/cache/apt/archives/*.deb "$WORK"/var/lib/apt/lists/* \
  "$WORK"/usr/share/doc "$WORK"/usr/share/man "$WORK"/usr/share/info
# Debian's torch 1.13 (bookworm) predates Python 3.11's dataclass check: FSDP cannot be imported.
# Upstream's fix (torch 2.0): a default_factory for the mutable default. Later torches have it.
sed -i 's/tensor_properties: TensorProperties = field(default=TensorProperties())/tensor_properties: TensorProperties = field(default_factory=TensorProperties)/' \
  "$WORK/usr/lib/python3/dist-packages/torch/distributed/_shard/sharded_tensor/metadata.py" 2>/dev/null || true
cat >>"$WORK/etc/passwd" <<'EOF'
crusades-ref:x:2001:2001:crusades reference:/tmp:/usr/sbin/nologin
crusades-sup:x:2002:2002:crusades supervisor:/tmp:/usr/sbin/nologin
crusades-miner:x:2003:2003:crusades miner code:/tmp:/usr/sbin/nologin
EOF
cat >>"$WORK/etc/group" <<'EOF'
crusades-ref:x:2001:
crusades-sup:x:2002:
crusades-miner:x:2003:
crusades-trusted:x:2100:crusades-ref,crusades-sup
EOF
OPT="$WORK/opt/crusades"
mkdir -p "$OPT/data" "$WORK/run/crusades" "$WORK/crusades"
cp -r "$HERE/crusades_env" "$HERE/tests" "$HERE/scan_facts.py" "$HERE/test_scan_facts.py" "$HERE/VERSION" "$OPT/"
cp -r "$REPO/local_test" "$OPT/local_test"
find "$OPT" -name '__pycache__' -prune -exec rm -rf {} +
PY="$(chroot "$WORK" python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')"
mkdir -p "$WORK/usr/local/lib/$PY/dist-packages"
echo /opt/crusades >"$WORK/usr/local/lib/$PY/dist-packages/crusades.pth"
TORCH="$(chroot "$WORK" python3 -c 'import torch; print(torch.__version__)' 2>/dev/null | tail -n1)"
log "generating the token corpus"
chroot "$WORK" env -i PATH=/usr/bin:/bin python3 -B -m crusades_env.data --generate /opt/crusades/data/corpus.safetensors
chroot "$WORK" python3 -m compileall -q /opt/crusades/crusades_env /opt/crusades/scan_facts.py >/dev/null
got="$(chroot "$WORK" env -i PATH=/usr/bin:/bin python3 -I -B -m crusades_env.hashing)"
[ "$got" = "$HASH" ] || { echo "build-cpu-image: harness hash mismatch ($got != $HASH)" >&2; exit 1; }
# The corpus is the timed data's source: the trusted users may read it, the miner user may not.
chown -R 0:2100 "$OPT/data" && chmod 0750 "$OPT/data" && chmod 0640 "$OPT/data/corpus.safetensors"

log "docker import $TAG"
tar --numeric-owner -C "$WORK" -c . | docker import \
  --change 'USER crusades-ref' --change 'WORKDIR /tmp' \
  --change 'ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 HOME=/tmp HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PATH=/usr/local/bin:/usr/bin:/bin' \
  --change "ENV CRUSADES_HARNESS_HASH=$HASH CRUSADES_HARNESS_VERSION=$VERSION" \
  --change "LABEL org.crusades.harness_hash=$HASH org.crusades.harness_version=$VERSION org.crusades.build_recipe=$RECIPE org.crusades.debian_suite=$SUITE org.crusades.torch=$TORCH org.crusades.python=$PY" \
  --change 'CMD ["python3","-I","-B","-m","crusades_env"]' \
  - "$TAG" >/dev/null
docker tag "$TAG" "$IMAGE:latest"
rm -rf "$WORK"
log "built $TAG ($(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}'), harness $HASH)"
