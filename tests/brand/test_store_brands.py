from sqlalchemy.orm import Session, sessionmaker

from adloom.brand.assemble import brand_object
from adloom.store import brands as brand_store
from adloom.store.db import transaction
from tests.brand.factories import FORM, RUNNERS


def test_record_get_and_list_versions(store: sessionmaker[Session]) -> None:
    first = brand_object([FORM, RUNNERS], slug="restwave")
    second = first.model_copy(update={"tagline": "Recover smarter."})
    with transaction(store) as session:
        assert brand_store.record_version(session, first, ["d1", "d2"])
        assert not brand_store.record_version(session, first, ["d1", "d2"])     # idempotent
        assert brand_store.record_version(session, second, ["d1"])
    with transaction(store) as session:
        assert brand_store.get_version(session, second.version()) == second
        assert brand_store.get_version(session, "0" * 16) is None
        versions = brand_store.list_versions(session, "restwave")
        assert [v.version for v in versions] == [first.version(), second.version()]
        assert versions[0].parent is None and versions[1].parent == first.version()   # parent inferred
        assert versions[0].document_ids == ["d1", "d2"]
        assert brand_store.list_versions(session, "other") == []


def test_explicit_parent_is_kept(store: sessionmaker[Session]) -> None:
    brand = brand_object([FORM], slug="restwave")
    with transaction(store) as session:
        brand_store.record_version(session, brand, [], parent="abc")
        assert brand_store.list_versions(session, "restwave")[0].parent == "abc"
