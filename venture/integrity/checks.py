"""The platform's own integrity checks: importing this module registers them."""

from venture.integrity import closing, conditions, money, phases  # noqa: F401
