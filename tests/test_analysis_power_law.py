"""fit_power_law against a direct transcription of its definition (Clauset,
Shalizi & Newman 2009, with WeightWatcher's KS convention and small-sample
rule) on Pareto tails of known xmin and alpha, and against the powerlaw
package when it is installed."""
import numpy as np
import pytest

from eigkit.analysis import fit_power_law


def pareto_above_body(rng, alpha, xmin, n_tail, n_body):
    """n_body uniform samples on (0, xmin) below n_tail Pareto samples of
    density ~ x^-alpha on [xmin, inf)."""
    tail = xmin * (1.0 + rng.pareto(alpha - 1.0, n_tail))
    return rng.permutation(np.concatenate([rng.uniform(0.0, xmin, n_body), tail]))


def reference_fit(x, small=False, min_tail=None):
    """(alpha, xmin, D) straight from the definitions, one cutoff at a time:
    alpha = 1 + n / sum(log(x / xmin)) (n - 1 for small samples), D the
    largest gap between 1 - (x / xmin)^(1 - alpha) and j / n over the sorted
    tail, the first smallest D wins (D - 0.868 / sqrt(n) for small samples)."""
    x = sorted(float(v) for v in x if v > 0)
    min_tail = min_tail or (8 if small else 2)
    best = None
    for i in range(len(x) - min_tail + 1):
        tail = x[i:]
        n = len(tail)
        log_sum = sum(np.log(v / tail[0]) for v in tail)
        alpha = 1.0 + ((n - 1) if small else n) / log_sum
        gap = max(abs(1.0 - (v / tail[0]) ** (1.0 - alpha) - j / n) for j, v in enumerate(tail))
        score = gap - 0.868 / np.sqrt(n) if small else gap
        if best is None or score < best[0]:
            best = (score, alpha, tail[0], gap)
    return best[1:]


@pytest.mark.parametrize("alpha, xmin, seed", [(2.5, 1.0, 0), (4.0, 3.0, 1), (1.8, 0.2, 2)])
def test_fit_is_the_definition_and_recovers_the_tail(alpha, xmin, seed):
    x = pareto_above_body(np.random.default_rng(seed), alpha, xmin, n_tail=400, n_body=200)
    fit = fit_power_law(x)
    ref_alpha, ref_xmin, ref_gap = reference_fit(x)
    assert fit.xmin == ref_xmin
    assert fit.alpha == pytest.approx(ref_alpha, rel=1e-12)
    assert fit.ks_distance == pytest.approx(ref_gap, rel=1e-10)
    assert fit.n_tail == np.count_nonzero(x >= fit.xmin)
    assert fit.alpha == pytest.approx(alpha, abs=4 * fit.alpha_std_error)
    assert xmin / 1.5 < fit.xmin < 3 * xmin


def test_small_sample_rule_is_the_definition():
    x = pareto_above_body(np.random.default_rng(3), 3.0, 1.0, n_tail=12, n_body=5)
    fit = fit_power_law(x)
    ref_alpha, ref_xmin, ref_gap = reference_fit(x, small=True)
    assert fit.xmin == ref_xmin
    assert fit.alpha == pytest.approx(ref_alpha, rel=1e-12)
    assert fit.ks_distance == pytest.approx(ref_gap, rel=1e-10)
    assert fit.n_tail >= 8


def test_min_tail_bounds_the_search():
    x = pareto_above_body(np.random.default_rng(4), 2.5, 1.0, n_tail=300, n_body=100)
    fit = fit_power_law(x, min_tail=250)
    assert fit.n_tail >= 250
    ref_alpha, ref_xmin, _ = reference_fit(x, min_tail=250)
    assert (fit.alpha, fit.xmin) == (pytest.approx(ref_alpha, rel=1e-12), ref_xmin)


def test_input_is_not_modified():
    x = pareto_above_body(np.random.default_rng(5), 2.5, 1.0, n_tail=50, n_body=20)
    before = x.copy()
    fit_power_law(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("seed", [0, 6])
def test_agrees_with_the_powerlaw_package(seed):
    powerlaw = pytest.importorskip("powerlaw")
    x = pareto_above_body(np.random.default_rng(seed), 2.5, 1.0, n_tail=300, n_body=150)
    theirs = powerlaw.Fit(x, xmin_distribution="power_law", verbose=False)
    ours = fit_power_law(x)
    assert ours.xmin == pytest.approx(theirs.xmin, rel=1e-12)
    assert ours.alpha == pytest.approx(theirs.alpha, rel=1e-9)
    assert ours.ks_distance == pytest.approx(theirs.D, rel=1e-9)
