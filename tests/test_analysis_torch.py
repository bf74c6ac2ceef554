"""eigkit.analysis.torch: Hessian-vector products of PyTorch models against
the Hessian formed by torch.autograd, parameter groups, and the
estimators fed from the operator.  Skipped without PyTorch:

    python -m pip install "eigkit[torch]"
    python -m pytest tests/test_analysis_torch.py
"""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch.func import functional_call  # noqa: E402

from eigkit.analysis import hessian_eigsh, hutchinson_trace, spectral_density  # noqa: E402
from eigkit.analysis.torch import hessian_operator  # noqa: E402


@pytest.fixture(scope="module")
def problem():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 12), torch.nn.Tanh(), torch.nn.Linear(12, 3))
    inputs, labels = torch.randn(40, 6), torch.randint(0, 3, (40,))
    return model, torch.nn.functional.cross_entropy, (inputs, labels)


def dense_hessian(model, loss_fn, batch, names=None):
    params = dict(model.named_parameters())
    names = names or list(params)
    shapes = [params[n].shape for n in names]
    sizes = [params[n].numel() for n in names]

    def loss(flat):
        chosen = dict(zip(names, (t.reshape(s) for t, s in zip(torch.split(flat, sizes), shapes))))
        return loss_fn(functional_call(model, {**params, **chosen}, (batch[0],)), batch[1])

    flat = torch.cat([params[n].detach().reshape(-1) for n in names])
    return torch.autograd.functional.hessian(loss, flat).double().numpy()


def test_products_match_the_autograd_hessian(problem):
    op = hessian_operator(*problem, block=7)
    H = dense_hessian(*problem)
    n = op.shape[0]
    assert op.dtype == np.float32 and n == H.shape[0]
    block = op @ np.eye(n, dtype=np.float32)
    np.testing.assert_allclose(block, H, atol=1e-6 * np.abs(H).max())
    v = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    np.testing.assert_allclose(op @ v, H @ v, rtol=1e-4, atol=1e-6 * np.abs(H).max())
    assert op.products.count == n + 1


def test_top_eigenvalues_and_parameter_groups(problem):
    model, loss_fn, batch = problem
    op = hessian_operator(model, loss_fn, batch)
    w = hessian_eigsh(op, k=3, return_eigenvectors=False, rng=0)
    exact = np.linalg.eigvalsh(dense_hessian(*problem))[-3:]
    np.testing.assert_allclose(w, exact, rtol=1e-4)
    last = hessian_operator(model, loss_fn, batch, parameters=["2.weight", "2.bias"])
    assert last.names == ["2.weight", "2.bias"] and last.shape == (39, 39)
    block = dense_hessian(model, loss_fn, batch, names=["2.weight", "2.bias"])
    np.testing.assert_allclose(last @ np.eye(39, dtype=np.float32), block,
                               atol=1e-6 * np.abs(block).max())
    by_predicate = hessian_operator(model, loss_fn, batch, parameters=lambda n: n.startswith("2."))
    assert by_predicate.names == last.names


def test_trace_and_density_from_the_operator(problem):
    op = hessian_operator(*problem)
    exact = np.linalg.eigvalsh(dense_hessian(*problem))
    estimate = hutchinson_trace(op, 90, method="hutch++", rng=0)
    assert abs(estimate.trace - exact.sum()) <= 4 * estimate.std_error + 1e-4 * abs(exact).sum()
    density = spectral_density(op, n_probes=8, n_steps=30, rng=0)
    moments = density.probe_moments(2)
    errors = moments.std(axis=0, ddof=1) / np.sqrt(moments.shape[0])
    for power in (1, 2):
        exact_moment = np.mean(exact ** power)
        assert abs(moments[:, power].mean() - exact_moment) <= 4 * errors[power], power


def test_bad_arguments(problem):
    model, loss_fn, batch = problem
    with pytest.raises(ValueError, match="no parameter"):
        hessian_operator(model, loss_fn, batch, parameters=["absent.weight"])
    with pytest.raises(ValueError, match="no parameter selected"):
        hessian_operator(model, loss_fn, batch, parameters=lambda n: False)
    with pytest.raises(ValueError, match="pair"):
        hessian_operator(model, loss_fn, batch[0])
    with pytest.raises(TypeError, match="loss_fn"):
        hessian_operator(model, None, batch)
