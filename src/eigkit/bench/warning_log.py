"""Warnings raised while the contenders run, collected instead of printed.

SciPy and scikit-learn warn from inside the timed calls (scikit-learn's
spectral embedding says "Graph is not fully connected" at every fit on a
graph of separate clusters); printed, they would tear the progress bar and
repeat once per call.  ``eigkit bench`` records them per contender and
lists each distinct message once after the tables.
"""
import contextlib
import warnings


@contextlib.contextmanager
def recorded(log):
    """Record the warnings raised inside the block into ``log``, a dict
    ``"Category: message" -> count``, instead of showing them.

    Examples
    --------
    >>> import warnings
    >>> from eigkit.bench.warning_log import recorded
    >>> log = {}
    >>> with recorded(log):
    ...     for _ in range(3):
    ...         warnings.warn("Graph is not fully connected")
    >>> log
    {'UserWarning: Graph is not fully connected': 3}
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        key = f"{w.category.__name__}: {str(w.message).strip()}"
        log[key] = log.get(key, 0) + 1


def summary_lines(results):
    """One line per distinct warning over ``results`` (objects with
    ``contender`` and ``warnings``), naming the contenders that raised it
    and how often; [] when none did."""
    by_message = {}
    for r in results:
        for message, count in (r.warnings or {}).items():
            by_message.setdefault(message, {})
            by_message[message][r.contender] = by_message[message].get(r.contender, 0) + count
    lines = []
    for message, counts in sorted(by_message.items()):
        who = ", ".join(f"{name} x{count}" for name, count in sorted(counts.items()))
        first = message.splitlines()[0]
        lines.append(f"{first[:160]} ({who})")
    return lines
