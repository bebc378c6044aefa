"""A score sheet's POST, for every panel that scores (an application, a bid, a roadshow item).

The sheet's inputs are ``score-<criterion id>`` and ``comment-<criterion id>`` with an
``overall_comment``; the button named ``action`` says "submit" or saves a draft. A draft is kept
even when the submission is refused for missing scores.
"""

from flask import flash, request

from venture.core.actions import REFUSALS, show_refusal
from venture.extensions import db


def typed_sheet(criteria):
    """The sheet as typed: ({criterion id: (score, comment)}, overall comment)."""
    entries = {
        c.id: (request.form.get(f"score-{c.id}", ""), request.form.get(f"comment-{c.id}", ""))
        for c in criteria
    }
    return entries, request.form.get("overall_comment", "")


def save_or_submit(save, submit, *args, incomplete, **kwargs):
    """Run ``submit(*args, **kwargs)`` when the form's action is "submit", else
    ``save(*args, **kwargs)`` (which gives {criterion id: message} for values it could not
    read), and commit. ``incomplete`` is the module's refusal that keeps the draft: committed,
    its message flashed, its errors returned. Returns (outcome, errors): outcome "submitted",
    "saved", "incomplete", or None after any other refusal (rolled back, flashed)."""
    submitting = request.form.get("action") == "submit"
    try:
        if submitting:
            submit(*args, **kwargs)
            errors = {}
        else:
            errors = save(*args, **kwargs)
    except incomplete as refused:
        db.session.commit()  # the draft is kept
        flash(refused.message, "danger")
        return "incomplete", refused.errors
    except REFUSALS as refused:
        db.session.rollback()
        show_refusal(None, refused)
        return None, {}
    db.session.commit()
    return ("submitted" if submitting else "saved"), errors
