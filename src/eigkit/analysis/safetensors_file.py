"""Read the tensors of a checkpoint in the safetensors format as NumPy
arrays mapped from the file, without the safetensors package or a copy.

The format (huggingface/safetensors, format section of its README): an
8-byte little-endian header length N, N bytes of JSON mapping each
tensor's name to its dtype, shape and [begin, end) byte offsets into the
data that follows the header ("__metadata__" holds free-form strings).
bfloat16 has no NumPy dtype: it is widened to float32 by placing its 16
bits above 16 zero bits (bfloat16 is the top half of a float32).
"""
import json
import os
import struct
from pathlib import Path

import numpy as np

__all__ = ["read_safetensors", "checkpoint_files"]

_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
           "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?", "BF16": "<u2"}
# A header larger than this is not a safetensors header (the reference
# implementation refuses headers above 100 MB).
_MAX_HEADER_BYTES = 100_000_000


def checkpoint_files(path):
    """The .safetensors files of ``path``: the file itself, or those of a
    folder in name order (FileNotFoundError / ValueError otherwise)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.safetensors"))
        if not files:
            raise ValueError(f"no .safetensors file in the folder {str(path)!r}")
        return files
    if not path.exists():
        raise FileNotFoundError(f"no such checkpoint: {str(path)!r}")
    return [path]


def read_safetensors(path):
    """The tensors of one safetensors file as a dict name -> ndarray
    (read-only views of a memory map; bfloat16 widened to float32).

    Examples
    --------
    >>> import os, tempfile, json, struct
    >>> import numpy as np
    >>> from eigkit.analysis.safetensors_file import read_safetensors
    >>> data = np.arange(6, dtype="<f4").tobytes()
    >>> header = json.dumps({"w": {"dtype": "F32", "shape": [2, 3],
    ...                            "data_offsets": [0, 24]}}).encode()
    >>> path = os.path.join(tempfile.mkdtemp(), "m.safetensors")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(struct.pack("<Q", len(header)) + header + data)
    >>> read_safetensors(path)["w"]
    memmap([[0., 1., 2.],
            [3., 4., 5.]], dtype=float32)
    """
    header, start = _header(path)
    size = os.path.getsize(path) - start
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=start, shape=(size,)) if size else None
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        tensors[name] = _tensor(name, entry, data, size, path)
    return tensors


def _header(path):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{str(path)!r} is not a safetensors file (shorter than 8 bytes)")
        (length,) = struct.unpack("<Q", raw)
        if length > _MAX_HEADER_BYTES:
            raise ValueError(f"{str(path)!r} is not a safetensors file (header of {length} "
                             "bytes)")
        try:
            header = json.loads(f.read(length))
        except ValueError as exc:
            raise ValueError(f"{str(path)!r} is not a safetensors file (bad header: "
                             f"{exc})") from None
    if not isinstance(header, dict):
        raise ValueError(f"{str(path)!r} is not a safetensors file (header is not a mapping)")
    return header, 8 + length


def _tensor(name, entry, data, size, path):
    try:
        dtype = np.dtype(_DTYPES[entry["dtype"]])
        shape = tuple(int(s) for s in entry["shape"])
        begin, end = (int(o) for o in entry["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"tensor {name!r} of {str(path)!r} has an unsupported dtype or a "
                         f"malformed entry: {entry!r}") from None
    count = int(np.prod(shape, dtype=np.int64))
    if not 0 <= begin <= end <= size or end - begin != count * dtype.itemsize:
        raise ValueError(f"tensor {name!r} of {str(path)!r}: offsets {begin}..{end} do not "
                         f"hold shape {shape} of {entry['dtype']}")
    if count == 0:
        return np.empty(shape, dtype=np.float32 if entry["dtype"] == "BF16" else dtype)
    values = data[begin:end].view(dtype).reshape(shape)
    if entry["dtype"] == "BF16":
        return (values.astype(np.uint32) << 16).view(np.float32)
    return values
