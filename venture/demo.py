"""The demo loader lives in `venture.seed.demo` (this name stays for the commands and tests
that import it)."""

from venture.seed.demo import DEMO_PASSWORD, load_demo

__all__ = ["DEMO_PASSWORD", "load_demo"]
