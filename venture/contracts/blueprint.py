"""The contracts blueprint, shared by the contract pages and the budget pages."""

from flask import Blueprint

from venture.core.money import uppercase_yuan

bp = Blueprint("contracts", __name__)
bp.add_app_template_filter(uppercase_yuan, "uppercase_yuan")
