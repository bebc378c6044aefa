"""Process integrity: the fund's invariants, declared once.

Each rule module holds small predicates read by three callers: the operation that gates an
action, the home pages ("what is waiting, for whom, since when") and `flask integrity check`,
which runs every check registered here over the whole database.
"""
