"""The draw form's default panel fits the pool of matching experts."""

import re

import pytest

from tests import factories
from tests.review import helpers as review
from venture.auth.enums import Role
from venture.review.panel_shape import PanelShape, default_panel_shape


@pytest.mark.parametrize(
    ("pool", "shape"),
    [
        (0, PanelShape(0, 0, 1)),
        (2, PanelShape(2, 0, 2)),
        (3, PanelShape(3, 0, 3)),
        (4, PanelShape(3, 1, 3)),
        (5, PanelShape(5, 0, 5)),
        (6, PanelShape(5, 1, 5)),
        (7, PanelShape(5, 2, 5)),
        (40, PanelShape(5, 2, 5)),
    ],
)
def test_default_panel_shape_fits_the_pool(pool, shape):
    assert default_panel_shape(pool) == shape


def test_draw_form_proposes_a_panel_the_pool_can_fill(client, login):
    staff = factories.user(Role.STAFF)
    call = review.call(staff=staff)
    for _n in range(6):
        review.expert(staff=staff)
    login(staff)
    page = client.get(f"/staff/review/calls/{call.id}").get_data(as_text=True)
    size = re.search(r'<input[^>]*id="draw-size"[^>]*value="(\d+)"', page).group(1)
    reserves = re.search(r'<input[^>]*id="draw-reserves"[^>]*value="(\d+)"', page).group(1)
    assert (size, reserves) == ("5", "1")
