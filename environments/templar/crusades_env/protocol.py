"""The control channel (spec L.1.4): newline-delimited UTF-8 JSON objects of at most 64 KiB on a
UNIX stream socket; ``go`` is followed by a raw frame of ``nbytes`` bytes announced in its header."""

import json

MAX_MESSAGE = 64 * 1024


class ProtocolError(Exception):
    pass


def encode(msg):
    data = json.dumps(msg, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
    if len(data) > MAX_MESSAGE:
        raise ProtocolError("message larger than 64 KiB")
    return data


class Reader:
    """Splits a byte stream into messages; ``feed`` returns the complete ones."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            out.append(decode(line))
        if len(self.buf) > MAX_MESSAGE:
            raise ProtocolError("message larger than 64 KiB")
        return out


def decode(line):
    if len(line) + 1 > MAX_MESSAGE:
        raise ProtocolError("message larger than 64 KiB")
    try:
        msg = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError("not a JSON message: %s" % exc) from None
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise ProtocolError("message without a type")
    return msg


class Channel:
    """The harness's blocking end of the socket."""

    def __init__(self, sock):
        self.sock = sock
        self.reader = Reader()

    def send(self, msg):
        self.sock.sendall(encode(msg))

    def recv(self):
        """One message; bytes after its newline stay buffered (they may be a binary frame)."""
        while b"\n" not in self.reader.buf:
            if len(self.reader.buf) > MAX_MESSAGE:
                raise ProtocolError("message larger than 64 KiB")
            data = self.sock.recv(65536)
            if not data:
                raise ProtocolError("connection closed")
            self.reader.buf += data
        line, self.reader.buf = self.reader.buf.split(b"\n", 1)
        return decode(line)

    def recv_exact(self, n):
        """The raw frame after a ``go`` header (bytes already buffered come first)."""
        chunks, have = [self.reader.buf[:n]], len(self.reader.buf[:n])
        self.reader.buf = self.reader.buf[n:]
        while have < n:
            data = self.sock.recv(min(1 << 20, n - have))
            if not data:
                raise ProtocolError("connection closed in a frame")
            chunks.append(data)
            have += len(data)
        return b"".join(chunks)
