"""Run artifacts (docs/run-artifacts.md): a safetensors writer and reader written by hand (the
Debian image has no ``safetensors`` package), and JSON documents written atomically."""

import functools
import json
import math
import mmap
import os
import struct

import numpy as np

# safetensors dtype -> numpy dtype of the raw bits (bf16 is read as int16)
_NUMPY_BY_NAME = {"BF16": np.int16, "F16": np.float16, "F32": np.float32, "I64": np.int64, "I32": np.int32, "I16": np.int16}
MAX_HEADER = 100 * 1024 * 1024


@functools.lru_cache(maxsize=None)
def _torch_dtypes():
    """torch dtype -> (safetensors dtype, numpy dtype of the raw bits, torch dtype of the raw bits).
    torch is imported here, not at module load: the supervisor reads the timed batches with numpy
    alone and so starts about 1.5 s sooner (the timed run's start waits for it)."""
    import torch
    return {
        torch.bfloat16: ("BF16", np.int16, torch.int16),
        torch.float16: ("F16", np.float16, torch.float16),
        torch.float32: ("F32", np.float32, torch.float32),
        torch.int64: ("I64", np.int64, torch.int64),
        torch.int32: ("I32", np.int32, torch.int32),
        torch.int16: ("I16", np.int16, torch.int16),
    }


def _raw(tensor):
    """The tensor's bytes as a numpy array (bf16 through an int16 view), C-contiguous, on the CPU."""
    name, npdt, raw = _torch_dtypes()[tensor.dtype]
    t = tensor.detach().to("cpu").contiguous()
    if raw is not t.dtype:
        t = t.view(raw)
    return t.numpy()


def write_safetensors(path, tensors, metadata=None, fsync=True):
    """Writes ``{name: tensor}`` to ``path`` (temporary name, fsync, rename, fsync of the directory).
    Returns the byte size. The header is padded with spaces to a multiple of 8."""
    header, offset, arrays = {}, 0, []
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    dtypes = _torch_dtypes()
    for name, tensor in tensors.items():
        if tensor.dtype not in dtypes:
            raise ValueError("unsupported dtype %s for %s" % (tensor.dtype, name))
        array = _raw(tensor)
        header[name] = {"dtype": dtypes[tensor.dtype][0], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
        arrays.append(array)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "wb") as handle:
        handle.write(struct.pack("<Q", len(text)))
        handle.write(text)
        for array in arrays:
            handle.write(memoryview(array.reshape(-1)).cast("B"))
        handle.flush()
        if fsync:
            os.fsync(handle.fileno())
    os.replace(tmp, path)
    if fsync:
        fsync_dir(os.path.dirname(os.path.abspath(path)))
    return 8 + len(text) + offset


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_safetensors_arrays(path):
    """Reads a safetensors file into ``({name: (dtype name, array)}, metadata)`` with numpy alone;
    each array holds the raw bits in the tensor's shape (bf16 as int16), a copy."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        (n,) = struct.unpack("<Q", handle.read(8))
        if n > MAX_HEADER or 8 + n > size:
            raise ValueError("%s: bad header length" % path)
        header = json.loads(handle.read(n).decode("utf-8"))
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size > 8 + n else b""
    metadata = header.pop("__metadata__", {}) or {}
    arrays = {}
    for name, info in header.items():
        npdt = _NUMPY_BY_NAME[info["dtype"]]
        begin, end = info["data_offsets"]
        array = np.frombuffer(data, dtype=npdt, count=(end - begin) // np.dtype(npdt).itemsize, offset=8 + n + begin)
        arrays[name] = (info["dtype"], array.copy().reshape(info["shape"]))
    return arrays, metadata


def read_safetensors(path):
    """Reads a safetensors file into ``(tensors, metadata)``; tensors are CPU copies."""
    import torch
    by_name = {name: (dt, raw) for dt, (name, _, raw) in _torch_dtypes().items()}
    arrays, metadata = read_safetensors_arrays(path)
    tensors = {}
    for name, (dtype, array) in arrays.items():
        dt, raw = by_name[dtype]
        t = torch.from_numpy(array)
        tensors[name] = t.view(dt) if raw is not dt else t
    return tensors, metadata


def json_float(value):
    """A float for JSON: NaN and the infinities as strings (run-artifacts.md)."""
    if type(value) is int and abs(value) <= 2 ** 53:
        return value
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def write_json(path, doc, fsync=True):
    """Writes a JSON document under a temporary name and renames it into place."""
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=1, sort_keys=True, allow_nan=False)
        handle.write("\n")
        handle.flush()
        if fsync:
            os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_json_in_place(path, doc):
    """Overwrites an existing file the caller owns without replacing it (used in the sticky
    ``supervisor/`` directory, where the miner user cannot create a file under our names)."""
    data = (json.dumps(doc, indent=1, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
