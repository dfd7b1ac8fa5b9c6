"""Read YAML into plain values, keeping the line of every key for messages that point at it."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from config.issues import ConfigIssue, join_path

MAX_NODES = 20_000
"""More values than any real config has: stops an alias bomb (`&a [*a, *a, ...]`) early."""
MAX_DEPTH = 40


@dataclass
class Tree:
    """A parsed file: plain values, the 1-based line of each key path, and the problems seen."""

    value: object = None
    lines: dict[str, int] = field(default_factory=dict)
    issues: list[ConfigIssue] = field(default_factory=list)
    nodes: int = 0


class _TooBig(Exception):
    pass


def read_yaml(text: str) -> Tree:
    """Parse one YAML document; a syntax error becomes an issue with its line, not an exception."""
    tree = Tree()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        tree.issues.append(_syntax_issue(error))
        return tree
    except yaml.YAMLError as error:
        tree.issues.append(ConfigIssue("", None, f"the file is not valid YAML ({error})."))
        return tree
    if node is None:
        return tree
    try:
        tree.value = _convert(node, "", tree, 0)
    except _TooBig:
        message = "the file is too large or repeats anchors too often; write the values out."
        tree.issues.append(ConfigIssue("", None, message))
        tree.value = None
    return tree


def _syntax_issue(error: yaml.MarkedYAMLError) -> ConfigIssue:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = error.problem or error.context or "unreadable"
    return ConfigIssue(
        "",
        line,
        f"the file is not valid YAML ({problem}); check the indentation, colons and quotes "
        "on this line and the one before it.",
    )


def _convert(node: Node, path: str, tree: Tree, depth: int) -> object:
    tree.nodes += 1
    if tree.nodes > MAX_NODES or depth > MAX_DEPTH:
        raise _TooBig
    if isinstance(node, MappingNode):
        return _convert_mapping(node, path, tree, depth)
    if isinstance(node, SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            item_path = f"{path}[{index}]"
            tree.lines.setdefault(item_path, item.start_mark.line + 1)
            items.append(_convert(item, item_path, tree, depth + 1))
        return items
    assert isinstance(node, ScalarNode)
    return SafeConstructor().construct_object(node)


def _convert_mapping(node: MappingNode, path: str, tree: Tree, depth: int) -> dict[str, object]:
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            message = "a key must be a plain name, not a list or mapping; remove or rename it."
            tree.issues.append(ConfigIssue(path, line, message))
            continue
        # The key's text as written: `on:` and `yes:` stay names instead of YAML 1.1 booleans.
        key = str(key_node.value)
        key_path = join_path(path, key)
        if key in result:
            message = f"this key is written twice (also on line {tree.lines[key_path]}); keep one."
            tree.issues.append(ConfigIssue(key_path, line, message))
            continue
        tree.lines[key_path] = line
        result[key] = _convert(value_node, key_path, tree, depth + 1)
    return result
