"""The benchmark data generator lives in `venture.seed.bench` (this name stays for the
benchmarks and tests that import it)."""

from venture.seed.bench import (
    LOGINS,
    PASSWORD,
    SCALES,
    counts,
    foreign_rows,
    generate,
    generated_rows,
)

__all__ = ["LOGINS", "PASSWORD", "SCALES", "counts", "foreign_rows", "generate", "generated_rows"]
