"""The import-circle contract finds exactly the circles of a graph, and a path round each."""

import grimp

from tests.import_contracts import import_circles, path_around


def _graph(*imports):
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


def test_a_graph_without_circles_has_none():
    graph = _graph(("a.views", "a.operations"), ("a.operations", "a.models"), ("b.x", "a.models"))
    assert import_circles(graph, set(graph.modules)) == []


def test_each_circle_is_found_once_with_its_members():
    graph = _graph(
        ("a.rules", "b.operations"),
        ("b.operations", "c.phases"),
        ("c.phases", "a.rules"),
        ("d.x", "e.y"),
        ("e.y", "d.x"),
        ("d.x", "a.rules"),
    )
    circles = import_circles(graph, set(graph.modules))
    assert circles == [["a.rules", "b.operations", "c.phases"], ["d.x", "e.y"]]
    assert path_around(graph, circles[0]) == ["a.rules", "b.operations", "c.phases", "a.rules"]


def test_only_the_modules_asked_about_count():
    graph = _graph(("a.x", "b.y"), ("b.y", "a.x"))
    assert import_circles(graph, {"a.x"}) == []
