"""crusades_env: the trusted evaluation environment of crusades (docs/evaluation-protocol.md).

Entry points (each ``python3 -I -B -m crusades_env.<name> /crusades/in/params.json``):
``reference`` (reference container), ``supervisor`` (candidate container, PID 1), ``launch``
(miner-code processes, exec'd by the host as ``crusades-miner``), ``harness`` (one per rank).
"""

PROTOCOL_VERSION = 1
