"""Calibration of brand fit on a small labelled set: on-brand copy >= 0.75, off-brand copy below."""

from __future__ import annotations

import pytest

from adloom.governance.embeddings import CachedEmbedder
from adloom.governance.fit import BrandProfile, fit_texts, headline_texts, style_score

from .corpus import example_brand, example_concepts

ON_BRAND = {
    "coach voice": ["Ten quiet minutes before bed, and your shoulders finally come down.",
                    "Your neck after a day of calls deserves better.",
                    "Guided routines tell you where, how long and how hard."],
    "masters": ["Still training at 50? Recover like you mean it.", "A whisper-quiet massager you'll actually use.",
                "Try it for thirty nights at home."],
}
OFF_BRAND = {
    "another brand's voice": ["Unlock enterprise-grade cloud security for your whole team.",
                              "Zero-trust access, deployed in minutes.", "Compliance reports your auditors will love."],
    "shouting": ["BUY NOW!!! LIMITED STOCK!!!", "THE BEST DEAL EVER!!!", "DON'T MISS OUT!!! ACT FAST!!!"],
    "avoid terms": ["A miracle cure for your back pain.", "Pain-free forever, guaranteed results."],
    "gym bro": ["No pain, no gain, bro. Crush it.", "Beast mode recovery for alphas.",
                "Stop being weak, grind harder."],
    "fashion": ["Discover our new summer dresses.", "Effortless style for every occasion."],
}


@pytest.fixture(scope="module")
def profile(model: CachedEmbedder) -> BrandProfile:
    return BrandProfile(example_brand(), model)


def test_formula_writer_copy_is_on_brand(profile: BrandProfile) -> None:
    scores = fit_texts(profile, [headline_texts(c) for c in example_concepts(n_angles=2)])
    assert min(s.score for s in scores) >= example_brand().fit_threshold


@pytest.mark.parametrize("label", sorted(ON_BRAND))
def test_hand_written_on_brand_copy_passes(profile: BrandProfile, label: str) -> None:
    assert fit_texts(profile, [ON_BRAND[label]])[0].score >= 0.75


@pytest.mark.parametrize("label", sorted(OFF_BRAND))
def test_off_brand_copy_fails(profile: BrandProfile, label: str) -> None:
    assert fit_texts(profile, [OFF_BRAND[label]])[0].score < 0.75


def test_components_say_why(profile: BrandProfile) -> None:
    shouting = fit_texts(profile, [OFF_BRAND["shouting"]])[0]
    avoid = fit_texts(profile, [OFF_BRAND["avoid terms"]])[0]
    other = fit_texts(profile, [OFF_BRAND["another brand's voice"]])[0]
    assert shouting.style <= 0.5 and avoid.avoid == 0.0 and other.voice < 0.5
    assert set(other.as_scores()) == {"brand_fit", "fit.voice", "fit.pillars", "fit.avoid", "fit.style"}


def test_style_prefers_short_direct_calm_copy() -> None:
    calm = style_score(["Your neck will thank you.", "Ten minutes, done."])
    dense = style_score(["Notwithstanding considerable physiological variability, individualised percussive "
                         "interventions demonstrably facilitate musculoskeletal recuperation among participants."])
    assert calm > 0.9 and dense <= 0.5
