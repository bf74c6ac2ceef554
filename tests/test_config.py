"""eigkit.show_config(): the BLAS in use and the build options."""
import json

import pytest

import eigkit


def test_show_config_prints_json(capsys):
    assert eigkit.show_config() is None
    cfg = json.loads(capsys.readouterr().out)
    assert cfg["eigkit"] == eigkit.__version__
    assert cfg["build"]["build_type"] and cfg["build"]["c_compiler"]
    assert cfg["kernel_threads"] >= 1


def test_show_config_dicts_names_scipys_blas():
    cfg = eigkit.show_config(mode="dicts")
    assert set(cfg["build"]) == {"build_type", "c_compiler", "c_flags", "cython", "sanitizers",
                                 "rotation_kernels", "kernel_threads"}
    pytest.importorskip("threadpoolctl")
    loaded = cfg["blas"]["loaded"]
    assert loaded and all(lib["internal_api"] and lib["num_threads"] >= 1 for lib in loaded)


def test_show_config_bad_mode():
    with pytest.raises(ValueError, match="mode must be"):
        eigkit.show_config(mode="yaml")


def test_version_is_the_distributions():
    from importlib import metadata
    try:
        installed = metadata.version("eigkit")
    except metadata.PackageNotFoundError:
        pytest.skip("eigkit runs from the source tree, not installed")
    assert installed == eigkit.__version__
