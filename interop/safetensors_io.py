"""safetensors read and write in plain Python with torch, for the Nabla interop harness.

Debian's PyTorch (python3-torch, 1.13) comes without the `safetensors` package, and this machine
reaches no PyPI, so this module implements the format itself, following the reference writer
(huggingface/safetensors) byte for byte:

  [8 bytes]  N, the header length, unsigned 64-bit little-endian
  [N bytes]  compact UTF-8 JSON: {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}
             "__metadata__" first (keys sorted), tensors in data order, padded with spaces to a
             multiple of 8 so the data is 8-byte aligned
  [rest]     tensor bytes, little-endian, row-major; tensors by descending dtype alignment, then name

The reader validates what the reference reader validates (and refuses repeated keys).
"""

import json
import struct
import sys

import torch

MAX_HEADER_BYTES = 100_000_000

# name -> (torch dtype, bytes per element, position in the reference's alignment-ordered enum)
DTYPES = {
    "BOOL": (torch.bool, 1, 0),
    "U8": (torch.uint8, 1, 1),
    "I8": (torch.int8, 1, 2),
    "I16": (torch.int16, 2, 5),
    "F16": (torch.float16, 2, 7),
    "BF16": (torch.bfloat16, 2, 8),
    "I32": (torch.int32, 4, 9),
    "F32": (torch.float32, 4, 11),
    "F64": (torch.float64, 8, 12),
    "I64": (torch.int64, 8, 13),
}
NAME_OF = {torch_dtype: name for name, (torch_dtype, _, _) in DTYPES.items()}

if sys.byteorder != "little":
    # tobytes/frombuffer use the host order; the format is little-endian.
    raise RuntimeError("safetensors_io assumes a little-endian host")


class SafetensorsError(ValueError):
    """A file that is not exactly the safetensors format."""


def _tensor_bytes(t):
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the same 16 bits as int16.
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def save_bytes(tensors, metadata=None):
    """The bytes of a .safetensors file holding `tensors` (a dict name -> torch.Tensor)."""
    items = []
    for name, t in tensors.items():
        if name == "__metadata__":
            raise ValueError('"__metadata__" cannot name a tensor')
        if t.dtype not in NAME_OF:
            raise ValueError(f"tensor {name!r}: dtype {t.dtype} has no safetensors name here")
        items.append((name, NAME_OF[t.dtype], t))
    # Descending alignment, then by name (Python compares str by code point, as Rust does).
    items.sort(key=lambda it: (-DTYPES[it[1]][2], it[0]))
    header = {}
    if metadata is not None:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise ValueError("metadata must map str to str")
        header["__metadata__"] = dict(sorted(metadata.items()))
    chunks = []
    offset = 0
    for name, dtype, t in items:
        data = _tensor_bytes(t)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save(tensors, path, metadata=None):
    with open(path, "wb") as f:
        f.write(save_bytes(tensors, metadata))


def _no_repeats(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise SafetensorsError(f"header repeats the key {k!r}")
        out[k] = v
    return out


def load_bytes(data, source="safetensors"):
    """(tensors, metadata, dtypes) from the bytes of a .safetensors file, fully validated."""
    def fail(message):
        raise SafetensorsError(f"{source}: {message}")

    if len(data) < 8:
        fail(f"is {len(data)} bytes long, too short for the header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES:
        fail(f"header length {n} exceeds {MAX_HEADER_BYTES}")
    if n < 2 or 8 + n > len(data):
        fail(f"header length {n} does not fit a file of {len(data)} bytes")
    try:
        text = data[8 : 8 + n].decode("utf-8")
    except UnicodeDecodeError:
        fail("header is not valid UTF-8")
    if not text.startswith("{"):
        fail("header does not start with '{'")
    try:
        header = json.loads(text, object_pairs_hook=_no_repeats)
    except json.JSONDecodeError as e:
        fail(f"header is not valid JSON: {e}")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        fail("__metadata__ must map strings to strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            fail(f"tensor {name!r} needs exactly dtype, shape and data_offsets")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            fail(f"tensor {name!r} has an unknown dtype {dtype!r}")
        ints = lambda xs: isinstance(xs, list) and all(type(x) is int and x >= 0 for x in xs)  # noqa: E731
        if not ints(shape) or not ints(offsets) or len(offsets) != 2 or offsets[1] < offsets[0]:
            fail(f"tensor {name!r} has a bad shape or data_offsets")
        count = 1
        for d in shape:
            count *= d
        if offsets[1] - offsets[0] != count * DTYPES[dtype][1]:
            fail(f"tensor {name!r}: {offsets[1] - offsets[0]} bytes do not match shape {shape} of {dtype}")
        entries.append((offsets[0], offsets[1], name, dtype, shape))
    entries.sort()
    body = data[8 + n :]
    expected = 0
    for begin, end, name, _, _ in entries:
        if begin != expected:
            fail(f"tensor {name!r} data_offsets leave a gap or overlap at {expected}")
        expected = end
    if expected != len(body):
        fail(f"tensors cover {expected} bytes but {len(body)} follow the header")
    tensors, dtypes = {}, {}
    for begin, end, name, dtype, shape in entries:
        torch_dtype = DTYPES[dtype][0]
        if end == begin:
            t = torch.empty(shape, dtype=torch_dtype)
        elif torch_dtype == torch.bfloat16:
            t = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.int16).view(torch.bfloat16).reshape(shape)
        else:
            t = torch.frombuffer(bytearray(body[begin:end]), dtype=torch_dtype).reshape(shape)
        tensors[name] = t
        dtypes[name] = dtype
    return tensors, metadata, dtypes


def load(path):
    """(tensors, metadata, dtypes) from a .safetensors file."""
    with open(path, "rb") as f:
        return load_bytes(f.read(), path)
