"""Roadshow review (路演评审): a live session where each applicant presents and the panel scores
on the spot.

Choices made here (the design leaves them open):

- A session scores with the call's review panel, its assignments, rubric and score sheets, so a
  roadshow score is an ordinary review sheet: it counts in the matrix, the ranking and the
  exports like one given online. Who scores a project is who is assigned to it (conflicts of
  interest and ties respected); a reviewer can also step back (回避) on the spot.
- One project at a time is on stage; staff call projects in the running order (or one out of
  turn), run its timer, and close its scoring. Closing locks the project's sheets everywhere
  (review's sheet lock), and an unsubmitted sheet shows as such; staff can reopen an item, with
  a reason, while the session runs. After the session the locks stay: the scores are those of
  the day.
- The hall's screen shows seat numbers (评委席位), never names or scores, because panel names
  stay confidential until the result; it shows a project's aggregate (mean, and the trimmed mean
  from 5 sheets as the review rules say) only once its scoring is closed. Under blind review it
  hides the applicant as the phones do.
- Live updates by polling a small JSON state every 1.5 s, not server-sent events: a sync
  gunicorn worker would be held by each open event stream for the whole session.
"""
