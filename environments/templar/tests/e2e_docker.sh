#!/usr/bin/env bash
# One evaluation run exactly as the host performs it (docs/evaluation-protocol.md sections 3, 7), with
# the docker CLI: reference container, candidate container, exec of the miner processes.
#   tests/e2e_docker.sh <train.py> <run dir> [num_gpus] [dp tp] [steps batch seq]
# Leaves the run directory for `node --import tsx environments/templar/tests/verify_run.ts <run>`.
set -euo pipefail
CODE="$(realpath "$1")"; RUN="$2"; N="${3:-1}"; DP="${4:-$N}"; TP="${5:-1}"
STEPS="${6:-2}"; BATCH="${7:-4}"; SEQ="${8:-64}"
IMAGE="${CRUSADES_CPU_IMAGE:-crusades-eval-cpu}:$(head -n1 "$(dirname "$0")/../VERSION")"
rm -rf "$RUN" && mkdir -p "$RUN"/{in-ref,in,initial,reference,shared,secret,candidate,supervisor}
RUN="$(realpath "$RUN")"
chmod 0777 "$RUN"/{initial,reference,shared,secret,candidate} && chmod 01777 "$RUN/supervisor"
cat >"$RUN/in/params.json" <<EOF
{"schema":"crusades.run_params","schema_version":1,"run_id":"e2e","seed":"7:1:1700000000:00112233445566778899aabbccddeeff",
 "model":"tiny-qwen2","steps":$STEPS,"warmup_steps":2,"batch_size":$BATCH,"sequence_length":$SEQ,"num_gpus":$N,
 "dp_size":$DP,"tp_size":$TP,"device":"cpu","data_samples":10000,"warmup_offset":null,
 "deadlines":{"hello_s":120,"ready_s":600,"end_s":600,"delivery_floor_s":10,"delivery_ratio":0.5},
 "launch":"exec","scan_check":"${SCAN_CHECK:-skip}"}
EOF
cp "$RUN/in/params.json" "$RUN/in-ref/params.json"
cp "$CODE" "$RUN/in/miner_train.py"
[ -f "${SCAN_JSON:-/nonexistent}" ] && cp "$SCAN_JSON" "$RUN/in/scan.json"
NOFILE=$(( $(ulimit -Hn) < 65536 ? $(ulimit -Hn) : 65536 ))
SANDBOX=(--network none --read-only --cap-drop ALL --security-opt no-new-privileges
  --pids-limit $((1024 * N)) --memory 8g --memory-swap 8g --shm-size 1g --ipc private
  --ulimit core=0 --ulimit nofile=$NOFILE:$NOFILE --tmpfs /tmp:rw,noexec,nosuid,nodev,size=1g,mode=1777
  -e PYTHONUNBUFFERED=1 -e HOME=/tmp -e TMPDIR=/tmp -e OMP_NUM_THREADS=1 -e GLOO_SOCKET_IFNAME=lo
  --label org.crusades.run=e2e)
echo "e2e: reference"
docker run --rm "${SANDBOX[@]}" --user crusades-ref -v "$RUN/in-ref:/crusades/in:ro" \
  -v "$RUN/initial:/crusades/out/initial" -v "$RUN/reference:/crusades/out/reference" \
  -v "$RUN/shared:/crusades/out/shared" -v "$RUN/secret:/crusades/out/secret" \
  "$IMAGE" python3 -I -B -m crusades_env.reference /crusades/in/params.json
echo "e2e: candidate"
CID="$(docker create "${SANDBOX[@]}" --user crusades-sup \
  --tmpfs /run/crusades:rw,noexec,nosuid,nodev,size=1m,uid=2002,gid=2002,mode=0711 \
  -v "$RUN/in:/crusades/in:ro" -v "$RUN/initial:/crusades/initial:ro" -v "$RUN/shared:/crusades/shared:ro" \
  -v "$RUN/secret:/crusades/secret:ro" -v "$RUN/candidate:/crusades/handoff" -v "$RUN/supervisor:/crusades/sup" \
  "$IMAGE" python3 -I -B -m crusades_env.supervisor /crusades/in/params.json)"
trap 'docker rm -f "$CID" >/dev/null 2>&1 || true' EXIT
docker start "$CID" >/dev/null
for _ in $(seq 1 600); do
  [ -e "$RUN/supervisor/listening" ] && break
  [ "$(docker inspect -f '{{.State.Running}}' "$CID")" = true ] || break
  sleep 0.1
done
if [ -e "$RUN/supervisor/listening" ]; then
  docker exec --user crusades-miner --workdir /tmp -e HOME=/tmp -e OMP_NUM_THREADS=1 "$CID" \
    python3 -I -B -m crusades_env.launch /crusades/in/params.json || true
fi
docker wait "$CID" >/dev/null
docker logs "$CID" 2>&1 | tail -n 3
cat "$RUN/supervisor/timing.json"
