"""``python3 -m crusades_env``: prints the entry points and the harness identity."""

import sys

from . import PROTOCOL_VERSION
from .hashing import harness_hash, harness_version

USAGE = """crusades evaluation environment %s (protocol %d, harness %s)

  python3 -I -B -m crusades_env.reference  /crusades/in/params.json   reference container
  python3 -I -B -m crusades_env.supervisor /crusades/in/params.json   candidate container (PID 1)
  python3 -I -B -m crusades_env.launch     /crusades/in/params.json   miner processes (docker exec)
  python3 -m crusades_env.hashing                                      prints the harness hash
See docs/evaluation-protocol.md.
"""

if __name__ == "__main__":
    sys.stdout.write(USAGE % (harness_version(), PROTOCOL_VERSION, harness_hash()))
