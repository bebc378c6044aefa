import pytest

from venture.orgs.credit_code import InvalidCreditCode, normalise_credit_code, org_type_for
from venture.orgs.enums import OrgType


def test_valid_code_is_accepted():
    assert normalise_credit_code("91350100M000100Y43") == "91350100M000100Y43"


def test_spaces_and_lowercase_are_normalised():
    assert normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_wrong_check_character_names_it():
    with pytest.raises(InvalidCreditCode) as error:
        normalise_credit_code("91350100M000100Y44")
    assert str(error.value) == "校验码（第 18 位）错误：填写的是 4，按前 17 位计算应为 3。"


def test_wrong_length_says_how_long():
    with pytest.raises(InvalidCreditCode) as error:
        normalise_credit_code("9135010")
    assert str(error.value) == "统一社会信用代码应为 18 位，当前为 7 位。"


def test_forbidden_letter_is_refused():
    with pytest.raises(InvalidCreditCode) as error:
        normalise_credit_code("91350100M000100I43")
    assert str(error.value).startswith("代码只能由数字和大写字母")


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("51", OrgType.SOCIAL_GROUP),
        ("52", OrgType.PRIVATE_NON_ENTERPRISE),
        ("53", OrgType.FOUNDATION),
        ("91", OrgType.OTHER),
    ],
)
def test_type_is_derived_from_the_code(prefix, kind):
    assert org_type_for(prefix + "0000000000000000") == kind
