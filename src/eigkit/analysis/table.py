"""A small table of result rows: a list of dicts that prints readably and
converts to a pandas DataFrame when pandas is installed."""
import numbers

import numpy as np

__all__ = ["Table"]


class Table:
    """Rows of results, each a dict with the same keys.

    Indexing with an int gives a row (a dict), with a str a column (an
    ndarray); ``len`` counts rows; iteration yields rows; ``str`` is a
    fixed-width text table; :meth:`to_pandas` returns a DataFrame.

    Examples
    --------
    >>> from eigkit.analysis import Table
    >>> t = Table([{"name": "a", "alpha": 2.5}, {"name": "b", "alpha": 4.0}])
    >>> t["alpha"]
    array([2.5, 4. ])
    >>> t[1]["name"]
    'b'
    """

    def __init__(self, rows):
        self.rows = [dict(r) for r in rows]
        self.columns = list(self.rows[0]) if self.rows else []

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, key):
        if isinstance(key, str):
            if key not in self.columns:
                raise KeyError(key)
            values = [r[key] for r in self.rows]
            if any(isinstance(v, (tuple, str)) for v in values):
                out = np.empty(len(values), dtype=object)
                out[:] = values
                return out
            return np.asarray(values)
        return self.rows[key]

    def to_pandas(self):
        """The rows as a :class:`pandas.DataFrame` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError("Table.to_pandas requires pandas (pip install pandas)") from exc
        return pd.DataFrame(self.rows, columns=self.columns)

    def __repr__(self):
        return f"Table({len(self.rows)} rows: {', '.join(self.columns)})"

    def __str__(self):
        cells = [[_format(r[c]) for c in self.columns] for r in self.rows]
        widths = [max([len(c)] + [len(row[i]) for row in cells])
                  for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.rjust(w) for c, w in zip(self.columns, widths))]
        lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
        return "\n".join(lines)


def _format(value):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)
