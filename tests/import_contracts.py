"""An import-linter contract of our own: no import circle between any two modules.

`lint-imports` loads it through `contract_types` in pyproject.toml. A circle is a set of modules
each of which reaches every other by imports (a strongly connected component of the import
graph, found with Tarjan's algorithm); the report names each circle's modules and one path
around it, so the next engineer sees which import to turn into a passed-in value or a hook.
"""

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def import_circles(graph, modules):
    """The circles among ``modules``: lists of two or more modules, each sorted."""
    imports = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    order, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(start):
        # iterative Tarjan: (module, iterator over what it imports)
        work = [(start, iter(sorted(imports[start])))]
        order[start] = low[start] = len(order)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, rest = work[-1]
            step = next(rest, None)
            if step is not None:
                if step not in order:
                    order[step] = low[step] = len(order)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(imports[step]))))
                elif step in on_stack:
                    low[module] = min(low[module], order[step])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == order[module]:
                circle = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    circle.append(member)
                    if member == module:
                        break
                if len(circle) > 1:
                    circles.append(sorted(circle))

    for module in sorted(modules):
        if module not in order:
            visit(module)
    return sorted(circles)


def path_around(graph, circle):
    """One way round a circle: from its first module back to itself."""
    first, members = circle[0], set(circle)
    for step in sorted(graph.find_modules_directly_imported_by(first) & members):
        chain = graph.find_shortest_chain(importer=step, imported=first)
        if chain and set(chain) <= members:
            return [first, *chain]
    return circle


class NoImportCircles(Contract):
    """No module of ``containers`` reaches itself through its own imports."""

    type_name = "no_import_circles"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose):
        modules = {
            module
            for container in self.containers
            for module in {container, *graph.find_descendants(container)}
        }
        circles = import_circles(graph, modules)
        paths = [path_around(graph, circle) for circle in circles]
        return ContractCheck(kept=not circles, metadata={"circles": circles, "paths": paths})

    def render_broken_contract(self, check):
        for circle, path in zip(check.metadata["circles"], check.metadata["paths"], strict=True):
            output.print_error(f"A circle of {len(circle)} modules: {', '.join(circle)}")
            output.print_error("  for example " + " -> ".join(path))
            output.new_line()
