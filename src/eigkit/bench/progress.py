"""A progress bar for ``eigkit bench``: tqdm when installed (the ``bench``
extra), otherwise one line on stderr per problem.  It counts warm-ups and
timed rounds; the total is the planned count, and grows when a short call
whose rounds still spread takes extra rounds (``--max-rounds``)."""
import sys


class _Lines:
    """The fallback: prints a line as each problem finishes."""

    def __init__(self, total, stream):
        self.total, self.done, self.stream = total, 0, stream

    def update(self, k):
        self.done += k
        self.total = max(self.total, self.done)

    def set_description(self, text):
        if self.stream is not None:
            print(f"[{self.done}/{self.total} rounds] {text}", file=self.stream, flush=True)

    def close(self):
        pass


class _GrowingBar:
    """A tqdm bar whose total grows instead of being overrun."""

    def __init__(self, bar):
        self.bar = bar

    def update(self, k):
        if self.bar.n + k > self.bar.total:
            self.bar.total = self.bar.n + k
        self.bar.update(k)

    def set_description(self, text):
        self.bar.set_description(text)

    def close(self):
        self.bar.close()


def progress_bar(total, enabled=True, stream=None):
    """An object with ``update(k)``, ``set_description(text)`` and
    ``close()`` counting ``total`` warm-ups and rounds."""
    stream = sys.stderr if stream is None else stream
    if not enabled:
        return _Lines(total, None)
    try:
        from tqdm import tqdm
    except ImportError:
        return _Lines(total, stream)
    return _GrowingBar(tqdm(total=total, unit="round", file=stream, dynamic_ncols=True,
                            leave=False))

