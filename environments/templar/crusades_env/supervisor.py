"""The candidate container's supervisor (spec L.1.1-L.1.7), PID 1 as ``crusades-sup``.

1. Pre-creates its result files in ``/crusades/sup`` (sticky directory: the miner user can neither
   replace nor modify them) with status ``infrastructure_error``.
2. CPython cross-check of ``miner_train.py`` against the host's facts (``scan.json``): else
   ``parser_mismatch``.
3. Listens on ``/run/crusades/ctl.sock``, creates ``listening``; the host then execs the miner
   processes (``crusades_env.launch``), or, with ``launch: spawn``, the supervisor starts them.
4. Runs the message protocol with deadlines, releases the timed batches at ``go`` (its clock read
   just before), timestamps every ``end`` and the ``delivered``, bounds the delivery time.
5. Writes ``timing.json`` and ``result.json`` and exits; with it every miner process ends.
"""

import hashlib
import json
import os
import pwd
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time

from .artifacts import read_safetensors_arrays, write_json_in_place
from .config import HOME, USERS, load_params
from .hashing import harness_hash
from .launch import python_argv
from .protocol import ProtocolError, Reader, encode

FILES = ("timing.json", "result.json", "protocol.log")
HARNESS_CODES = {"import_failed", "miner_crash", "invalid_return_type", "missing_final_state",
                 "invalid_final_state", "missing_logits", "invalid_logits_shape",
                 "insufficient_trainable_params"}
NEXT = {"new": ("hello",), "hello": ("imported",), "imported": ("warmup",), "warmup": ("ready",),
        "ready": (), "go": ("end",), "end": ("delivered", "done"), "finished": ()}


class Stop(Exception):
    def __init__(self, status, error):
        super().__init__(error)
        self.status = status


def scan_check(params):
    """Spec L.3 / scanner.md section 13; returns ``(ok, diff)``."""
    sys.path.insert(0, HOME)
    import scan_facts  # noqa: E402 - the image's copy, next to the package
    with open(os.path.join(params.path("in"), "miner_train.py"), "rb") as f:
        code = f.read()
    with open(os.path.join(params.path("in"), "scan.json"), "rb") as f:
        host = json.loads(f.read().decode("utf-8"))
    if host.get("code_sha256") != hashlib.sha256(code).hexdigest():
        return False, {"code_sha256": "differs from the bytes in /crusades/in"}
    try:
        ours = scan_facts.compute_facts(code)
    except BaseException as exc:  # noqa: BLE001 - CPython cannot parse it
        return False, {"parse": "%s: %s" % (type(exc).__name__, exc)}
    if scan_facts.facts_digest(ours) == scan_facts.facts_digest(host):
        return True, {}
    diff = {}
    for key in sorted(set(ours) | set(host)):
        a, b = ours.get(key), host.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            diff[key] = {"cpython_only": sorted(set(a) - set(b))[:5], "host_only": sorted(set(b) - set(a))[:5]}
        else:
            diff[key] = {"cpython": a, "host": b}
    return False, diff


class Supervisor:
    def __init__(self, params):
        self.p = params
        self.sup = params.path("sup")
        self.world = params.world_size
        self.conns = {}  # socket -> {"rank", "stage", "reader"}
        self.ranks = {}
        self.t_go = 0
        self.t_end = {}
        self.t_delivered = 0
        self.handoff_bytes = 0
        self.claims = {"warmup": {}, "end": {}, "post_checks": None}
        self.summary = {}
        self.facts_diff = {}
        self.child = None
        self.listener = None

    # -- files -------------------------------------------------------------------------------
    def log(self, text):
        with open(os.path.join(self.sup, "protocol.log"), "a", encoding="utf-8") as f:
            f.write("%.6f %s\n" % (time.monotonic(), text))

    def precreate(self):
        for name in FILES:
            fd = os.open(os.path.join(self.sup, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
            os.close(fd)
        self.write("infrastructure_error", "the supervisor did not finish")

    def write(self, status, error):
        ends = [str(self.t_end.get(r, 0)) for r in range(self.world)]
        write_json_in_place(os.path.join(self.sup, "timing.json"), {
            "schema": "crusades.supervisor_timing", "schema_version": 1, "status": status,
            "t_go_ns": str(self.t_go), "t_end_ns": ends, "t_delivered_ns": str(self.t_delivered),
            "handoff_bytes": self.handoff_bytes, "post_checks": self.claims["post_checks"],
        })
        write_json_in_place(os.path.join(self.sup, "result.json"), {
            "schema": "crusades.supervisor_result", "schema_version": 1, "protocol_version": 1,
            "status": status, "error": error, "run_id": self.p.run_id, "seed": self.p.seed,
            "harness_hash": harness_hash(), "t_go_ns": str(self.t_go), "t_end_ns": ends,
            "t_delivered_ns": str(self.t_delivered), "ranks": self.summary, "claims": self.claims,
            "handoff": {"file": "state.safetensors", "bytes": self.handoff_bytes},
            "facts_diff": self.facts_diff,
        })

    # -- protocol ----------------------------------------------------------------------------
    def expected_uid(self):
        if self.p.launch == "spawn":
            return os.getuid()
        return pwd.getpwnam(USERS["miner"]).pw_uid

    def listen(self):
        path = self.p.path("ctl")
        if os.path.lexists(path):
            os.unlink(path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        os.chmod(path, 0o666)
        self.listener.listen(self.world)
        self.listener.setblocking(False)
        open(os.path.join(self.sup, "listening"), "w").close()
        self.t_listen = time.monotonic()
        self.log("listening on %s" % path)

    def accept(self, sel):
        conn, _ = self.listener.accept()
        pid, uid, gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if uid != self.expected_uid():
            raise Stop("protocol_violation", "connection from uid %d" % uid)
        conn.setblocking(False)
        self.conns[conn] = {"rank": None, "stage": "new", "reader": Reader()}
        sel.register(conn, selectors.EVENT_READ)
        self.log("accepted pid %d uid %d" % (pid, uid))
        if len(self.conns) == self.world:  # exactly WORLD_SIZE connections, then no listener
            sel.unregister(self.listener)
            self.listener.close()
            os.unlink(self.p.path("ctl"))
            self.listener = None

    def on_message(self, conn, msg, now):
        st = self.conns[conn]
        kind = msg["type"]
        self.log("rank %s %s %s" % (st["rank"], kind, json.dumps(msg)[:300]))
        if kind == "failed" and st["stage"] not in ("finished", "ready"):
            code = msg.get("code")
            raise Stop(code if code in HARNESS_CODES else "protocol_violation", str(msg.get("error"))[:2000])
        if kind not in NEXT[st["stage"]]:
            raise Stop("protocol_violation", "unexpected %s at stage %s" % (kind, st["stage"]))
        if kind == "hello":
            rank = msg.get("rank")
            if type(rank) is not int or not 0 <= rank < self.world or rank in self.ranks:
                raise Stop("protocol_violation", "bad or duplicate rank %r" % rank)
            if msg.get("world_size") != self.world or msg.get("harness_hash") != harness_hash():
                raise Stop("protocol_violation", "world size or harness hash differs")
            st["rank"] = rank
            self.ranks[rank] = conn
        elif msg.get("rank", st["rank"]) != st["rank"]:
            raise Stop("protocol_violation", "message for another rank")
        if kind == "warmup":
            self.claims["warmup"][str(st["rank"])] = msg
            if not msg.get("ok"):
                code = msg.get("code")
                raise Stop(code if code in HARNESS_CODES else "protocol_violation", str(msg.get("error")))
        if kind == "end":
            self.t_end[st["rank"]] = now
            self.claims["end"][str(st["rank"])] = msg
        if kind == "delivered":
            if st["rank"] != 0:
                raise Stop("protocol_violation", "delivered from rank %d" % st["rank"])
            self.t_delivered = now
            self.on_delivered(msg)
        if kind == "done" and st["rank"] == 0:
            raise Stop("protocol_violation", "done from rank 0")
        st["stage"] = "finished" if kind in ("delivered", "done") else kind
        self.summary[str(st["rank"])] = st["stage"]

    def on_delivered(self, msg):
        if "code" in msg:
            code = msg["code"]
            raise Stop(code if code in HARNESS_CODES else "protocol_violation", str(msg.get("error")))
        self.claims["post_checks"] = msg.get("post_checks")
        path = os.path.join(self.p.path("handoff"), "state.safetensors")
        st = os.lstat(path)
        self.handoff_bytes = st.st_size if (st.st_mode & 0o170000) == 0o100000 else 0

    def send_go(self):
        arrays, _ = read_safetensors_arrays(os.path.join(self.p.path("secret"), "timed_batches.safetensors"))
        batches = {}
        for r in range(self.world):
            dtype, array = arrays["rank%d" % r]
            if dtype != "I64":
                raise Stop("infrastructure_error", "timed batches of rank %d are %s, not I64" % (r, dtype))
            batches[r] = array
        payload = {r: batches[r].tobytes() for r in range(self.world)}
        self.t_go = time.monotonic_ns()
        for r in range(self.world):
            conn, data = self.ranks[r], payload[r]
            header = {"type": "go", "rank": r, "shape": list(batches[r].shape),
                      "dtype": "int64", "nbytes": len(data)}
            conn.setblocking(True)
            conn.sendall(encode(header) + data)
            conn.setblocking(False)
            self.conns[conn]["stage"] = "go"
        self.log("go sent at %d" % self.t_go)

    def deadline(self):
        stages = [st["stage"] for st in self.conns.values()]
        if len(self.ranks) < self.world or "new" in stages:
            return self.t_listen + self.p.deadline("hello_s"), "deadline_exceeded", "hello"
        if self.t_go == 0:
            return self.t_listen + self.p.deadline("ready_s"), "deadline_exceeded", "ready"
        if len(self.t_end) < self.world:
            return self.t_listen + self.p.deadline("end_s"), "deadline_exceeded", "end"
        last = max(self.t_end.values())
        bound = max(self.p.deadline("delivery_floor_s"), self.p.deadline("delivery_ratio") * (last - self.t_go) / 1e9)
        return last / 1e9 + bound, "deferred_computation", "delivered"

    def loop(self):
        sel = selectors.DefaultSelector()
        sel.register(self.listener, selectors.EVENT_READ)
        while True:
            if self.ranks and all(st["stage"] == "finished" for st in self.conns.values()) \
                    and len(self.ranks) == self.world:
                return
            if self.t_go == 0 and len(self.ranks) == self.world and \
                    all(st["stage"] == "ready" for st in self.conns.values()):
                self.send_go()
                continue
            when, status, what = self.deadline()
            clock = time.monotonic_ns() / 1e9 if what == "delivered" else time.monotonic()
            if clock > when:
                raise Stop(status, "no %s in time" % what)
            if self.child is not None and self.child.poll() is not None and not self.conns:
                raise Stop("miner_crash", "the miner launcher exited with %d" % self.child.returncode)
            for key, _ in sel.select(timeout=min(1.0, max(0.0, when - clock))):
                if key.fileobj is self.listener:
                    self.accept(sel)
                    continue
                conn = key.fileobj
                try:
                    data = conn.recv(1 << 16)
                except OSError:
                    data = b""
                now = time.monotonic_ns()
                if not data:
                    st = self.conns[conn]
                    sel.unregister(conn)
                    if st["stage"] != "finished":
                        raise Stop("protocol_violation", "rank %s closed at stage %s" % (st["rank"], st["stage"]))
                    continue
                try:
                    messages = self.conns[conn]["reader"].feed(data)
                except ProtocolError as exc:
                    raise Stop("protocol_violation", str(exc)) from None
                for msg in messages:
                    self.on_message(conn, msg, now)

    def run(self, params_path):
        self.precreate()
        if self.p.scan_check == "required":
            ok, self.facts_diff = scan_check(self.p)
            if not ok:
                raise Stop("parser_mismatch", "CPython facts differ from the host scan")
        self.listen()
        if self.p.launch == "spawn":
            self.child = subprocess.Popen(python_argv("crusades_env.launch", params_path),
                                          start_new_session=True)
        self.loop()

    def stop_children(self):
        if self.child is not None and self.child.poll() is None:
            try:
                os.killpg(self.child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.child.wait()


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: python3 -I -B -m crusades_env.supervisor /crusades/in/params.json")
    params = load_params(argv[0])
    sup = Supervisor(params)
    status, error = "completed", None
    try:
        sup.run(argv[0])
    except Stop as exc:
        status, error = exc.status, str(exc)
    except Exception as exc:  # noqa: BLE001 - our own failure: the run is void
        status, error = "infrastructure_error", "%s: %s" % (type(exc).__name__, exc)
    sup.write(status, error)
    sup.log("finished: %s %s" % (status, error or ""))
    sup.stop_children()
    print("supervisor: %s%s" % (status, " (%s)" % error if error else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
