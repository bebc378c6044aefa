"""Online expert review (专家评审) of venture-grant applications.

Choices made here (the design leaves them open):

- Ties (关联关系) bar a reviewer from an organization's applications while they hold and for
  three years after they end; an account that belongs to the organization is always a tie. A
  conflict a reviewer declares (回避) also keeps them from being given the organization's other
  applications in the same call.
- Before opening an application the reviewer declares no conflict, or declares one with a
  reason; a declared conflict ends the assignment (its draft is discarded) and staff pick a
  replacement among the panel's members and reserves.
- Reviewers never see another reviewer's sheet, before or after submitting their own; staff see
  every sheet. Under blind review reviewers see neither the applicant organization nor the
  attachments (which name it), and the applications pages stay closed to them.
- A refused submission keeps everything typed as the draft, so nothing is lost.
- The rubric locks at the first submitted sheet of the call and stays locked if that sheet is
  reopened. Awards are proposed once, after every sheet is in; the review then closes.
- Aggregation formulas are in scoring.py; the ranking compares scores at two decimals, as shown.
"""
