"""The loss Hessian of a PyTorch model as an operator for eigkit.analysis.

Needs PyTorch (``pip install eigkit[torch]``); nothing else in eigkit
imports it.  Hessian-vector products are forward-over-reverse
(``torch.func.jvp`` of ``torch.func.grad``, Pearlmutter 1994), vectorized
over a block of vectors with ``torch.func.vmap``: one call evaluates the
model on the batch once for a whole block, where power iteration and
double backward evaluate it once per vector.  The products are in the
parameters' dtype; the model is never modified.
"""
import numpy as np

try:
    import torch
    from torch.func import functional_call, grad, jvp, vmap
except ImportError as exc:
    raise ImportError("eigkit.analysis.torch needs PyTorch: python -m pip install "
                      "'eigkit[torch]'") from exc

from .hessian import hessian_operator as _operator_from_products

__all__ = ["hessian_operator"]


def hessian_operator(model, loss_fn, batch, *, parameters=None, block=32):
    """The Hessian of ``loss_fn(model(inputs), targets)`` with respect to
    (some of) the model's parameters, as a symmetric LinearOperator.

    Pass it to :func:`eigkit.analysis.hessian_eigsh`,
    :func:`eigkit.analysis.hutchinson_trace` or
    :func:`eigkit.analysis.spectral_density`.

    Parameters
    ----------
    model : torch.nn.Module
        Evaluated as it is (call ``model.eval()`` first to fix dropout and
        batch-norm statistics).
    loss_fn : callable
        ``loss_fn(outputs, targets)`` returns a scalar tensor.
    batch : tuple (inputs, targets)
        ``inputs`` is a tensor or a tuple of positional arguments of the
        model.
    parameters : iterable of str or callable, optional
        The parameters the Hessian is taken in: their names (as in
        ``model.named_parameters()``), or a predicate on the name; the
        others are held fixed.  Default: every parameter that requires a
        gradient.  One layer's names give that layer's Hessian block.
    block : int, optional
        Vectors per vectorized product (default 32); larger blocks are
        split, bounding the memory at ``block`` copies of the activations.

    Returns
    -------
    LinearOperator
        Of order the number of selected parameters and their dtype; the
        vector layout is the selected parameters flattened and
        concatenated in ``named_parameters()`` order.  ``op.names`` lists
        them and ``op.products.count`` counts the Hessian-vector products
        made.

    Examples
    --------
    The Hessian of mean((X W^T - Y)^2) over the 4 x 3 outputs of a linear layer
    is diagonal, with 2 x_i^2 / 12 for the weights that multiply x_i:

    >>> import torch
    >>> from eigkit.analysis import hessian_eigsh
    >>> from eigkit.analysis.torch import hessian_operator
    >>> model = torch.nn.Linear(4, 3, bias=False)
    >>> x = torch.diag(torch.tensor([1.0, 2.0, 3.0, 4.0])); y = torch.ones(4, 3)
    >>> op = hessian_operator(model, lambda out, t: ((out - t) ** 2).mean(), (x, y))
    >>> op.shape, op.names
    ((12, 12), ['weight'])
    >>> w = hessian_eigsh(op, k=2, return_eigenvectors=False, rng=0)
    >>> np.round(w, 4)
    array([2.6667, 2.6667], dtype=float32)
    """
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    inputs, targets = _unpacked(batch)
    named = _selected(model, parameters)
    names = [name for name, _ in named]
    primals = tuple(p.detach() for _, p in named)
    fixed = {name: p.detach() for name, p in model.named_parameters() if name not in names}
    fixed.update(dict(model.named_buffers()))
    shapes = [p.shape for p in primals]
    sizes = [p.numel() for p in primals]
    dtype = primals[0].dtype
    block = max(1, int(block))

    def loss(*params):
        outputs = functional_call(model, {**fixed, **dict(zip(names, params))}, inputs)
        return loss_fn(outputs, targets)

    gradient = grad(loss, argnums=tuple(range(len(primals))))

    def product(tangents):
        return jvp(gradient, primals, tangents)[1]

    products = vmap(product)

    def block_product(cols):
        tangents = tuple(t.reshape(cols.shape[0], *s) for t, s in
                         zip(torch.split(cols, sizes, dim=1), shapes))
        result = products(tangents)
        return torch.cat([r.reshape(cols.shape[0], -1) for r in result], dim=1)

    hvp = _CountedProducts(block_product, block)
    op = _operator_from_products(hvp, sum(sizes), batched=True,
                                 dtype=torch.empty((), dtype=dtype).numpy().dtype)
    op.names = names
    op.products = hvp
    return op


class _CountedProducts:
    """H V for a NumPy block V (n x b, or a vector) in slices of ``block`` columns;
    ``count`` is the number of Hessian-vector products made so far."""

    def __init__(self, block_product, block):
        self.block_product = block_product
        self.block = block
        self.count = 0

    def __call__(self, V):
        vector = V.ndim == 1
        V = np.ascontiguousarray(V.reshape(-1, 1) if vector else V)
        out = np.empty_like(V)
        for start in range(0, V.shape[1], self.block):
            cols = torch.from_numpy(np.ascontiguousarray(V[:, start:start + self.block].T))
            out[:, start:start + cols.shape[0]] = self.block_product(cols).T.numpy()
        self.count += V.shape[1]
        return out[:, 0] if vector else out


def _unpacked(batch):
    try:
        inputs, targets = batch
    except (TypeError, ValueError):
        raise ValueError("batch must be a pair (inputs, targets)") from None
    return (inputs if isinstance(inputs, tuple) else (inputs,)), targets


def _selected(model, parameters):
    """(name, parameter) pairs the Hessian is taken in, in module order."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if parameters is None:
        chosen = named
    elif callable(parameters):
        chosen = [(n, p) for n, p in named if parameters(n)]
    else:
        wanted = set(parameters)
        unknown = wanted - {n for n, _ in named}
        if unknown:
            raise ValueError(f"no parameter(s) named {sorted(unknown)} that require a "
                             "gradient in the model")
        chosen = [(n, p) for n, p in named if n in wanted]
    if not chosen:
        raise ValueError("no parameter selected: the Hessian would be empty")
    if len({p.dtype for _, p in chosen}) != 1:
        raise ValueError("the selected parameters have different dtypes")
    return chosen
