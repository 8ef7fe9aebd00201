from pathlib import Path

from adloom.brand.resolve import BRAND_FILE, resolve_brand, write_brand
from adloom.brand.yamlio import load_brand
from tests.brand.factories import DESK, FORM, RUNNERS, page

DOCS = [FORM, RUNNERS, DESK, page("82% of members sleep better after two weeks.")]
MORE = [*DOCS, page("Rated 4.8 out of 5 by 3,400 verified buyers.", file="website/reviews.html")]


def test_missing_brand_yaml_is_extracted_and_saved(tmp_path: Path) -> None:
    resolved = resolve_brand(tmp_path, DOCS)
    assert resolved.status == "extracted"
    assert load_brand(tmp_path / BRAND_FILE) == resolved.brand
    assert resolved.brand.slug == "restwave"


def test_unchanged_sources_load_the_file_with_user_edits(tmp_path: Path) -> None:
    resolve_brand(tmp_path, DOCS)
    path = tmp_path / BRAND_FILE
    path.write_text(path.read_text().replace("Recover like you mean it.", "Recover smarter."))
    resolved = resolve_brand(tmp_path, DOCS)
    assert resolved.status == "unchanged" and resolved.brand.tagline == "Recover smarter."


def test_changed_sources_re_extract_an_unedited_file_and_keep_approvals(tmp_path: Path) -> None:
    first = resolve_brand(tmp_path, DOCS).brand
    approved = first.model_copy(update={"claims": [
        c.model_copy(update={"approved": True, "approved_by": "ana", "evidence": "Survey S1"})
        for c in first.claims]})
    write_brand(tmp_path, approved)     # what `approve-claim` does: adloom itself writes the file
    resolved = resolve_brand(tmp_path, MORE)
    assert resolved.status == "re-extracted"
    assert any("4.8 out of 5" in c.statement for c in resolved.brand.claims)
    assert all(c.approved for c in resolved.brand.claims if "82%" in c.statement)
    assert load_brand(tmp_path / BRAND_FILE) == resolved.brand


def test_changed_sources_keep_a_user_edited_file_and_say_how_to_force(tmp_path: Path) -> None:
    resolve_brand(tmp_path, DOCS)
    path = tmp_path / BRAND_FILE
    edited = path.read_text().replace("Recover like you mean it.", "Recover smarter.")
    path.write_text(edited)
    resolved = resolve_brand(tmp_path, MORE)
    assert resolved.status == "kept-user-edits"
    assert resolved.brand.tagline == "Recover smarter." and path.read_text() == edited
    assert f"adloom brand extract {tmp_path} --force" in resolved.message


def test_a_brand_yaml_adloom_never_wrote_counts_as_the_users(tmp_path: Path) -> None:
    resolve_brand(tmp_path, DOCS)
    (tmp_path / ".adloom" / "brand.written").unlink()
    assert resolve_brand(tmp_path, MORE).status == "kept-user-edits"
