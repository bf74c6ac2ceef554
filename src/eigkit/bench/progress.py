"""A progress bar for ``eigkit bench``: tqdm when installed (the ``bench``
extra), otherwise one line on stderr per problem.  It counts warm-ups and
timed rounds."""
import sys


class _Lines:
    """The fallback: prints a line as each problem finishes."""

    def __init__(self, total, stream):
        self.total, self.done, self.stream = total, 0, stream

    def update(self, k):
        self.done += k

    def set_description(self, text):
        if self.stream is not None:
            print(f"[{self.done}/{self.total} rounds] {text}", file=self.stream, flush=True)

    def close(self):
        pass


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
    return tqdm(total=total, unit="round", file=stream, dynamic_ncols=True, leave=False)

