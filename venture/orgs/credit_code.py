"""Unified social credit code (统一社会信用代码, GB 32100-2015), checked with python-stdnum."""

from flask_babel import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from venture.orgs.enums import OrgType

TYPE_BY_PREFIX = {
    "51": OrgType.SOCIAL_GROUP,
    "52": OrgType.PRIVATE_NON_ENTERPRISE,
    "53": OrgType.FOUNDATION,
}


class InvalidCreditCode(ValueError):
    """A code that fails a check; str() names the check for a person."""


def normalise_credit_code(raw):
    """The code in canonical form, or InvalidCreditCode saying which check failed."""
    code = uscc.compact(raw or "")
    try:
        return uscc.validate(code)
    except InvalidLength as exc:
        raise InvalidCreditCode(
            _("The code must have 18 characters; this one has %(n)d.", n=len(code))
        ) from exc
    except InvalidFormat as exc:
        raise InvalidCreditCode(
            _(
                "The code may contain only digits and the capital letters "
                "ABCDEFGHJKLMNPQRTUWXY (not I, O, S, V, Z), and its first 8 characters are digits."
            )
        ) from exc
    except InvalidChecksum as exc:
        raise InvalidCreditCode(
            _(
                "The check character (the 18th) is wrong: it is %(given)s, but the first 17 "
                "characters give %(expected)s.",
                given=code[-1],
                expected=uscc.calc_check_digit(code[:17]),
            )
        ) from exc


def is_enterprise_code(code):
    """Codes registered by market regulation (工商) start with 9: companies, not social
    organizations (registered by civil affairs, codes starting with 5)."""
    return code[:1] == "9"


def enterprise_codes_allowed():
    """ENTERPRISE_CREDIT_CODES = "refuse" in instance/config.py keeps enterprises
    out; the default "allow" accepts them as type 其他 (some districts buy services from
    social enterprises)."""
    from flask import current_app

    return current_app.config.get("ENTERPRISE_CREDIT_CODES", "allow") != "refuse"


def org_type_for(code):
    return TYPE_BY_PREFIX.get(code[:2], OrgType.OTHER)
