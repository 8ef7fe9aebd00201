import pickle

from adloom.errors import BrandInputError, RateLimited, StoreError


def test_errors_pickle_with_location() -> None:
    err = BrandInputError("not valid YAML", file="personas/a.yaml", line=4, field="label")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is BrandInputError
    assert str(back) == "personas/a.yaml:4, field 'label': not valid YAML"


def test_retryable_and_exit_codes() -> None:
    assert RateLimited("slow down").retryable
    assert not BrandInputError("x").retryable
    assert BrandInputError("x").exit_code == 2 and StoreError("x").exit_code == 4
