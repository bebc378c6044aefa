"""Seeded data: the demo district (`flask demo-data`) and the benchmark city (`flask bench-data`).

The modules say WHAT to build; the writers say HOW a kind of record is written:

- `vocabulary`: the names, word lists and placeholder file both draw from;
- `bulk`: the batched writer (ids given in Python, multi-row INSERTs, audit rows chained as
  `audit.record()` chains them);
- `writers`, `writers_delivery`: one writer per kind of record (streets, organizations, users,
  calls, applications, panels, sheets, bids, awards, contracts, installments, payments,
  projects, reports, evaluations, settlements ...), each writing the row and the audit rows its
  operation writes. The bench calls them with many rows, the demo with its few;
- `bench`, `bench_plan`, `bench_awards`, `bench_delivery`: the city, planned and written;
- `demo`, `demo_past`, `demo_steps`, `story`: the demo district, its past cycle, the records
  waiting at each step, and the steps of the story they share (through the real operations,
  so that audit rows and notifications are the ones a person would cause).
"""
