"""Starts the miner-code processes: ``crusades_env.harness`` directly with one rank, else one
``python3 -I -B`` process per rank with the torchrun environment (``RANK``, ``LOCAL_RANK``,
``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``, ``MASTER_ADDR=127.0.0.1``, ``MASTER_PORT``), like
``torchrun --standalone --nproc_per_node N``. (Debian's torchrun 1.13 fails under Python 3.11, a
bookworm host's `--runner local`, and a small launcher has no rendezvous to attack.) When one rank fails, the others are killed. The host
execs this module as ``crusades-miner`` once the supervisor is listening (evaluation-protocol.md 3.2).
"""

import os
import socket
import subprocess
import sys
import time

from .config import load_params


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python_argv(module, params_path):
    return [sys.executable, "-I", "-B", "-m", module, params_path]


def spawn_ranks(module, params_path, world_size):
    """Runs ``world_size`` ranks of ``module``; returns the first non-zero exit status, or 0."""
    port = str(free_port())
    procs = []
    for rank in range(world_size):
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size),
                   LOCAL_WORLD_SIZE=str(world_size), GROUP_RANK="0", ROLE_RANK=str(rank),
                   ROLE_WORLD_SIZE=str(world_size), MASTER_ADDR="127.0.0.1", MASTER_PORT=port,
                   TORCHELASTIC_RUN_ID="crusades")
        env.setdefault("OMP_NUM_THREADS", "1")
        # torch >= 2.4 asks for the libuv TCPStore by default; Debian's builds have none, and one
        # machine's handful of ranks needs none of its scale.
        env.setdefault("USE_LIBUV", "0")
        procs.append(subprocess.Popen(python_argv(module, params_path), env=env))
    status = 0
    while procs:
        time.sleep(0.05)
        for p in list(procs):
            code = p.poll()
            if code is None:
                continue
            procs.remove(p)
            if code != 0 and status == 0:
                status = code
                for q in procs:
                    q.kill()
    return status


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: python3 -I -B -m crusades_env.launch /crusades/in/params.json")
    params = load_params(argv[0])
    if params.world_size == 1:
        args = python_argv("crusades_env.harness", argv[0])
        os.execv(args[0], args)
    sys.exit(spawn_ranks("crusades_env.harness", argv[0], params.world_size))


if __name__ == "__main__":
    main(sys.argv[1:])
