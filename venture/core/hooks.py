"""Functions a higher module registers for a lower one to call.

A module never imports one that reads its records (the tiers contract in pyproject.toml). When
it needs such a module's rule or document, it declares a `Hooks` with the names it calls, and
the other module fills them when the app is built (`create_app` imports every module that
registers). Calling a name nobody registered fails loudly, naming the hook.
"""


class Hooks:
    def __init__(self, name, *names):
        self._name = name
        self._names = frozenset(names)

    def register(self, *functions, **named):
        """Each function under its own name, or under the keyword given."""
        functions = {function.__name__: function for function in functions} | named
        unknown = set(functions) - self._names
        if unknown:
            raise ValueError(f"{self._name} has no hook {', '.join(sorted(unknown))}")
        vars(self).update(functions)

    def __getattr__(self, name):  # only for names not registered
        raise LookupError(f"{self._name}: nothing registered {name}")
