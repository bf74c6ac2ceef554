import os


def sizes(variable, default):
    """Sizes from an environment variable ('500,1000'), else ``default``."""
    raw = os.environ.get(variable, "")
    return [int(x) for x in raw.split(",") if x.strip()] or list(default)
