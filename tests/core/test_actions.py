"""The one way a view runs an operation: commit and redirect, or roll back and show why."""

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from venture.core.actions import flash_form_errors, form_action, post_action, run_action
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db
from venture.reference.models import ServiceCategory


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])


class Refused(TransitionRefused):
    field = "name"


def _add(name):
    category = ServiceCategory(code=name, name_zh=name, name_en=name)
    db.session.add(category)
    db.session.flush()
    return category


def _refuse(name, error):
    _add(name)  # written, then refused: the rollback must take it away
    raise error


def _names():
    db.session.expire_all()
    return db.session.scalars(db.select(ServiceCategory.code)).all()


def test_a_done_action_commits_flashes_and_redirects(app):
    with app.test_request_context("/", method="POST", data={"name": "助老"}):
        form = NameForm()
        done = form_action(
            form,
            lambda: _add(form.name.data),
            success=lambda category: f"{category.code} saved",
            target=lambda category: f"/categories/{category.id}",
        )
        assert done.status_code == 302
        assert done.location.startswith("/categories/")
        assert get_flashed_messages(with_categories=True) == [("success", "助老 saved")]
    assert _names() == ["助老"]


def test_a_refusal_naming_a_field_rolls_back_and_shows_on_the_field(app):
    with app.test_request_context("/", method="POST", data={"name": "助残"}):
        form = NameForm()
        done = form_action(
            form,
            lambda: _refuse(form.name.data, Refused("这个名称已被使用。")),
            success="saved",
            target="/categories",
        )
        assert done is None
        assert form.name.errors == ["这个名称已被使用。"]
        assert form.name.data == "助残"
        assert get_flashed_messages() == []
    assert _names() == []


def test_a_refusal_naming_no_field_is_flashed(app):
    with app.test_request_context("/", method="POST"):
        done = run_action(
            lambda: _refuse("助学", TransitionRefused("现在不能这样做。")),
            success="saved",
            target="/categories",
        )
        assert done is None
        assert get_flashed_messages(with_categories=True) == [("danger", "现在不能这样做。")]
    assert _names() == []


def test_an_invalid_form_runs_nothing(app):
    with app.test_request_context("/", method="POST", data={"name": ""}):
        form = NameForm()
        assert form_action(form, lambda: _add("x"), success="saved", target="/") is None
        assert form.name.errors == ["该字段是必填字段。"]
    assert _names() == []


def test_a_button_goes_back_to_its_page_after_a_refusal(app):
    with app.test_request_context("/", method="POST"):
        done = post_action(
            lambda: _refuse("助学", TransitionRefused("现在不能这样做。")),
            success="saved",
            target="/categories/1",
            form=NameForm(formdata=None, name="x"),
        )
        assert (done.status_code, done.location) == (302, "/categories/1")
        assert get_flashed_messages() == ["现在不能这样做。"]
    assert _names() == []


def test_a_button_form_that_does_not_validate_flashes_each_error(app):
    with app.test_request_context("/", method="POST", data={"name": ""}):
        done = post_action(
            lambda: _add("助困"),
            success="saved",
            target="/categories",
            form=NameForm(),
            invalid=flash_form_errors,
        )
        assert (done.status_code, done.location) == (302, "/categories")
        assert get_flashed_messages(with_categories=True) == [("danger", "该字段是必填字段。")]
    assert _names() == []


def test_a_button_goes_on_to_its_target_when_done_and_back_when_refused(app):
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        done = post_action(
            lambda: _add("助老"),
            success=None,
            warnings=lambda category: [f"{category.code}: check the budget"],
            target=lambda category: f"/categories/{category.code}",
            back="/categories",
            form=NameForm(),
        )
        assert (done.status_code, done.location) == (302, "/categories/助老")
        assert get_flashed_messages(with_categories=True) == [("warning", "助老: check the budget")]
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        done = post_action(
            lambda: _refuse("助学", TransitionRefused("现在不能这样做。")),
            success="saved",
            target=lambda category: f"/categories/{category.code}",
            back="/categories",
            form=NameForm(),
        )
        assert (done.status_code, done.location) == (302, "/categories")
        assert get_flashed_messages() == ["现在不能这样做。"]
    assert _names() == ["助老"]


def test_a_button_loads_its_record_runs_its_operation_and_translates_per_request(app):
    from flask import session
    from flask_babel import lazy_gettext as _l
    from flask_babel import refresh

    from venture.core.actions import button

    @button(
        load=lambda name: name.upper(),
        target=lambda record: f"/categories/{record}",
        success=_l("Exception confirmed: the condition counts as met."),
        form=NameForm,
    )
    def add_category(record, form):
        return _add(f"{record}-{form.name.data}")

    assert add_category.__name__ == "add_category"  # the endpoint's name
    for locale, message in (
        ("en", "Exception confirmed: the condition counts as met."),
        ("zh_CN", "例外已确认：视为拨付条件已满足。"),
    ):
        with app.test_request_context("/", method="POST", data={"name": locale}):
            session["locale"] = locale
            refresh()  # the locale is cached for the app context, which the tests share
            done = add_category(name="ab")
            assert done.location == "/categories/AB"
            assert get_flashed_messages(with_categories=True) == [("success", message)]
    refresh()
    assert _names() == ["AB-en", "AB-zh_CN"]


def test_a_button_gives_the_record_and_the_result_to_its_message(app):
    from venture.core.actions import button

    @button(
        load=lambda name: name,
        target=lambda record: "/categories",
        success=lambda record, category: f"{record}: {category.code}",
        form=lambda record: NameForm(data={"name": record}),
        invalid="never shown",
    )
    def add_named(record, form):
        return _add(form.name.data)

    with app.test_request_context("/", method="POST"):
        done = add_named(name="扶贫")
        assert done.location == "/categories"
        assert get_flashed_messages(with_categories=True) == [("success", "扶贫: 扶贫")]
    assert _names() == ["扶贫"]


def test_a_button_whose_form_does_not_validate_goes_back(app):
    from venture.core.actions import button

    @button(
        load=lambda name: name,
        target=lambda record: "/done",
        back=lambda record: f"/categories/{record}",
        success="never shown",
        form=NameForm,
        invalid="Please give a name.",
    )
    def add_nothing(record, form):
        return _add(record)

    with app.test_request_context("/", method="POST", data={"name": ""}):
        done = add_nothing(name="x")
        assert done.location == "/categories/x"
        assert get_flashed_messages(with_categories=True) == [("danger", "Please give a name.")]
    assert _names() == []


def test_a_button_flashes_the_warnings_of_its_result(app):
    from venture.core.actions import button

    @button(
        load=lambda name: name,
        target=lambda record: "/categories",
        success=lambda record, category: f"{category.code} saved",
        warnings=lambda category: [f"{category.code} has no street"],
    )
    def add_plain(record, _form):
        return _add(record)

    with app.test_request_context("/", method="POST"):
        done = add_plain(name="助学")
        assert done.location == "/categories"
        assert get_flashed_messages(with_categories=True) == [
            ("success", "助学 saved"),
            ("warning", "助学 has no street"),
        ]
    assert _names() == ["助学"]


def test_a_button_passes_the_values_of_its_rule_that_are_not_the_record_s(app):
    from venture.core.actions import button

    @button(
        load=lambda name: name,
        target=lambda record: "/categories",
        success=lambda record, category, action: f"{action} {category.code}",
        passes=("action",),
    )
    def add_with(record, _form, action):
        return _add(f"{record}-{action}")

    with app.test_request_context("/", method="POST"):
        done = add_with(name="助学", action="approve")
        assert done.location == "/categories"
        assert get_flashed_messages(with_categories=True) == [("success", "approve 助学-approve")]
    assert _names() == ["助学-approve"]
