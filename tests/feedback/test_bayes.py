"""The shrinkage is checked on populations it was not fitted to by hand: true rates drawn from a Beta the
code never sees, ads of very different sizes, and the intervals' coverage counted against the truth."""

from __future__ import annotations

import numpy as np
import pytest

from adloom.feedback.bayes import BetaPrior, fit_beta, fit_gamma, prob_best, thompson_shares


def _population(seed: int, n: int = 600) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.beta(3.0, 220.0, n)                     # CTRs around 1.3 %
    trials = rng.integers(300, 20_000, n).astype(float)
    successes = rng.binomial(trials.astype(int), truth).astype(float)
    return truth, successes, trials


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fitted_prior_finds_the_population(seed: int) -> None:
    _truth, s, n = _population(seed)
    prior = fit_beta(s, n)
    assert prior is not None
    assert prior.mean == pytest.approx(3 / 223, rel=0.08)
    assert 100 < prior.alpha + prior.beta < 500           # true strength 223, recovered from noisy rates


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_posterior_intervals_cover_the_truth_and_shrinkage_beats_raw_rates(seed: int) -> None:
    truth, s, n = _population(seed)
    prior = fit_beta(s, n)
    assert prior is not None
    posts = [prior.posterior(si, ni) for si, ni in zip(s, n, strict=True)]
    intervals = [p.interval(seed=i) for i, p in enumerate(posts)]
    covered = np.mean([lo <= t <= hi for (lo, hi), t in zip(intervals, truth, strict=True)])
    assert 0.85 <= covered <= 0.95, covered             # nominal 90 %
    shrunk = np.array([p.mean for p in posts])
    raw = s / n
    assert np.mean((shrunk - truth) ** 2) < np.mean((raw - truth) ** 2)


def test_small_samples_are_pulled_toward_the_baseline_large_ones_are_not() -> None:
    prior = BetaPrior(2.0, 198.0)                       # baseline 1 %
    small = prior.posterior(3, 50)                      # raw 6 %
    large = prior.posterior(3000, 50_000)               # raw 6 %
    assert small.mean < 0.025 and large.mean == pytest.approx(0.06, rel=0.01)
    assert small.interval()[1] - small.interval()[0] > 5 * (large.interval()[1] - large.interval()[0])


def test_too_few_units_or_no_spread_fall_back() -> None:
    fallback = BetaPrior(1, 99, "global")
    assert fit_beta([1, 2], [100, 100], fallback=fallback) is fallback
    equal = fit_beta([100, 100, 100, 100], [10_000] * 4)
    assert equal is not None and equal.alpha + equal.beta == pytest.approx(1e6)


def test_gamma_poisson_recovers_purchases_per_spend() -> None:
    rng = np.random.default_rng(9)
    rate = rng.gamma(4.0, 0.02 / 4.0, 300)               # purchases per unit of spend, mean 0.02
    spend = rng.uniform(50, 2000, 300)
    events = rng.poisson(rate * spend)
    prior = fit_gamma(events, spend)
    assert prior is not None and prior.mean == pytest.approx(0.02, rel=0.1)


def test_thompson_shares_keep_the_exploration_floor_and_favour_the_clear_winner() -> None:
    arms = [BetaPrior(10, 990), BetaPrior(10, 990), BetaPrior(40, 960)]
    shares = thompson_shares(arms, 0.3, np.random.default_rng(0))
    assert shares.sum() == pytest.approx(1.0)
    assert shares.min() >= 0.1 - 1e-9 and shares[2] > 0.75
    even = prob_best([BetaPrior(5, 500)] * 4, np.random.default_rng(1), 8000)
    assert np.allclose(even, 0.25, atol=0.03)


@pytest.mark.parametrize(("alpha", "beta"), [(30, 3000), (60, 5000), (300, 9700), (35, 40)])
def test_moment_quantiles_match_a_large_sample(alpha: float, beta: float) -> None:
    low, high = BetaPrior(alpha, beta).interval()
    sample = np.quantile(np.random.default_rng(3).beta(alpha, beta, 400_000), [0.05, 0.95])
    width = sample[1] - sample[0]
    assert abs(low - sample[0]) < 0.01 * width and abs(high - sample[1]) < 0.01 * width
