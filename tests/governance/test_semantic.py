"""The semantic layer: the packaged model on real sentences, its files checked, and `adloom check` without it.

Every test uses the shipped files and the real MiniLM model; a missing or altered file is a failure here,
never a skip, except where a test breaks a copy on purpose.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from adloom.cli import check
from adloom.errors import ModelFileError
from adloom.governance.packs import load_packs
from adloom.governance.semantic import SemanticLayer, load_semantic, sentence_spans
from adloom.governance.semantic import model as semantic_model
from adloom.governance.textcheck import check_text

app = typer.Typer(pretty_exceptions_enable=False)
app.command("check")(check.check)
app.command("other")(lambda: None)        # two commands: typer keeps "check" as a subcommand name
runner = CliRunner()


@pytest.fixture(scope="module")
def layer() -> SemanticLayer:
    return load_semantic()


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    target = tmp_path / "semantic"
    shutil.copytree(semantic_model.DATA_DIR, target)
    return target


def test_sentences_are_cut_where_they_end() -> None:
    text = "Soft towels. You won't believe what happened next! Shop now"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Soft towels.", "You won't believe what happened next!", "Shop now"]


def test_withheld_point_raises_review_with_category_probability_and_sentence(layer: SemanticLayer) -> None:
    text = "Free shipping on every order. You won't believe what this mum found in her attic."
    [scores] = layer.score_many([text])
    top = next(s for s in scores if s.label == "clickbait")
    assert top.raises and 0.0 < top.probability <= 1.0 and top.threshold is not None
    assert top.sentence == "You won't believe what this mum found in her attic."
    assert text[top.span[0]:top.span[1]] == top.sentence
    result = check_text(text, packs=load_packs(None), semantic=layer)
    [finding] = [f for f in result.findings if f.rule_id == "semantic.clickbait"]
    assert finding.severity == "review" and finding.excerpt == top.sentence and "probability" in finding.message


def test_clean_copy_raises_nothing(layer: SemanticLayer) -> None:
    texts = ["New navy backpack, made from recycled nylon.", "Our pillow ships free on orders over $50.",
             "Add to cart", "What to plant in your garden this spring."]
    assert [[s.label for s in scores if s.raises] for scores in layer.score_many(texts)] == [[], [], [], []]


def test_it_never_blocks_on_its_own(layer: SemanticLayer) -> None:
    # political content the lexical rules do not name: the layer raises it to review, no further
    result = check_text("The minister's housing plan leaves renters behind. Tell them what you think.",
                        packs=load_packs(None), semantic=layer, policies=False)
    semantic = [f for f in result.findings if f.pack == "semantic"]
    assert semantic and {f.severity for f in semantic} == {"review"}
    assert result.route == "review"


def test_thresholds_are_data(model_copy: Path) -> None:
    path = model_copy / "thresholds.yaml"
    path.write_text(path.read_text().replace("clickbait: {threshold: 0.8", "clickbait: {threshold: null"))
    layer = load_semantic(model_copy)
    [scores] = layer.score_many(["You won't believe what this mum found in her attic."])
    assert all(not s.raises for s in scores if s.label == "clickbait")


def test_a_threshold_outside_zero_to_one_names_the_file(model_copy: Path) -> None:
    path = model_copy / "thresholds.yaml"
    path.write_text(path.read_text().replace("clickbait: {threshold: 0.8", "clickbait: {threshold: 8"))
    with pytest.raises(ModelFileError) as err:
        load_semantic(model_copy)
    assert "thresholds.yaml" in str(err.value) and "clickbait.threshold" in str(err.value)


def test_missing_file_is_named(model_copy: Path) -> None:
    (model_copy / "classifier.npz").unlink()
    with pytest.raises(ModelFileError) as err:
        load_semantic(model_copy)
    assert "classifier.npz" in str(err.value) and "missing" in str(err.value)


def test_altered_file_fails_its_checksum(model_copy: Path) -> None:
    path = model_copy / "tokens.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError) as err:
        load_semantic(model_copy)
    assert "tokens.npz" in str(err.value) and "checksum" in str(err.value)


def test_check_without_the_classifier_warns_and_keeps_the_lexical_layer(
        model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (model_copy / "classifier.npz").write_bytes(b"not a classifier")
    monkeypatch.setattr(semantic_model, "DATA_DIR", model_copy)
    result = runner.invoke(app, ["check", "Guaranteed to cure your back pain in 7 days", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["semantic"] is None
    [warning] = data["warnings"]
    assert "classifier.npz" in warning and "checksum" in warning and "lexical rules still apply" in warning
    [row] = data["results"]
    assert row["route"] == "reject" and "health.cure" in {f["rule_id"] for f in row["findings"]}
    assert "classifier.npz" in result.stderr


def test_check_file_scores_each_row(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text("text\nYou won't believe what this mum found in her attic.\nNew navy backpack, made from "
                    "recycled nylon.\n")
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)["results"]
    assert first["route"] == "review" and any(s["category"] == "clickbait" and s["raises"] for s in first["semantic"])
    assert second["route"] == "approve" and not any(s["raises"] for s in second["semantic"])


def test_a_sentence_under_min_words_is_not_scored_alone(layer: SemanticLayer, model_copy: Path) -> None:
    text = "Cosy navy towels for summer. Try it free."
    assert layer.min_words == 4
    [scores] = layer.score_many([text])
    assert all(s.sentence != "Try it free." for s in scores)
    path = model_copy / "thresholds.yaml"
    path.write_text(path.read_text().replace("min_words: 4", "min_words: 1"))
    [scores] = load_semantic(model_copy).score_many([text])
    assert any(s.sentence == "Try it free." for s in scores)     # what min_words keeps out


def test_min_words_must_be_a_small_whole_number(model_copy: Path) -> None:
    path = model_copy / "thresholds.yaml"
    path.write_text(path.read_text().replace("min_words: 4", "min_words: four"))
    with pytest.raises(ModelFileError) as err:
        load_semantic(model_copy)
    assert "min_words" in str(err.value) and "thresholds.yaml" in str(err.value)


def test_each_distinct_sentence_is_embedded_once(layer: SemanticLayer) -> None:
    """Copy repeats its sentences across rows; the model sees each once per process, with the same scores."""
    fresh = load_semantic()
    seen: list[str] = []
    embed = fresh.encoder.embed

    def counted(texts: Sequence[str]) -> Any:
        seen.extend(texts)
        return embed(texts)

    fresh.encoder.embed = counted
    tail = "Cure your back pain in seven days with our miracle patch."
    texts = [f"Soft pillows for row {n}. {tail}" for n in range(3)]
    first = fresh.score_many(texts)
    assert seen.count(tail) == 1 and len(seen) == len(set(seen))
    assert fresh.score_many(texts) == first == layer.score_many(texts)
    assert seen.count(tail) == 1
