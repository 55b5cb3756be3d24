"""YAML that remembers where every key and value was written.

PyYAML's ``safe_load`` forgets positions and silently keeps the last of two
duplicate keys.  Config, front matter and glossary errors must point at
``file:line:col``, so we compose the node graph ourselves and convert it,
keeping a position for every value and key, rejecting duplicate keys, and
bounding the work an alias ("billion laughs") can cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Pos = tuple[int, int]
KeyPath = tuple[Any, ...]

MAX_NODES = 200_000
_STR = "tag:yaml.org,2002:str"
# libyaml composes ~10x faster; the pure-Python loader words its errors better, so it is
# used only to explain a document libyaml rejected.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(Exception):
    """A YAML problem at a 1-based ``line``/``col`` of the YAML text."""

    def __init__(self, line: int, col: int, message: str):
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


@dataclass
class Located:
    """A converted YAML document plus positions of its values and keys (1-based)."""

    value: Any
    values: dict[KeyPath, Pos] = field(default_factory=dict)
    keys: dict[KeyPath, Pos] = field(default_factory=dict)

    def pos(self, path: KeyPath) -> Pos:
        """Position of the value at ``path``, or of its nearest located parent."""
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def key_pos(self, path: KeyPath) -> Pos:
        return self.keys.get(path) or self.pos(path)


def _mark(node: Node) -> Pos:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    def __init__(self) -> None:
        self.constructor = SafeConstructor()
        self.values: dict[KeyPath, Pos] = {}
        self.keys: dict[KeyPath, Pos] = {}
        self.count = 0

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            line, col = _mark(node)
            raise YamlError(line, col, f"document expands to more than {MAX_NODES} nodes (alias bomb?)")
        if path[-1:] != ("<key>",):
            self.values.setdefault(path, _mark(node))
        if isinstance(node, ScalarNode):
            if node.tag == _STR:
                return node.value  # the common case, without the constructor's machinery
            try:
                return self.constructor.construct_object(node, deep=True)
            except ConstructorError as exc:
                line, col = _mark(node)
                raise YamlError(line, col, str(exc.problem or exc)) from None
        if isinstance(node, SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    line, col = _mark(key_node)
                    raise YamlError(line, col, "merge keys (<<) are not supported")
                key = self.convert(key_node, path + ("<key>",))
                if isinstance(key, (list, dict)):
                    line, col = _mark(key_node)
                    raise YamlError(line, col, "a key must be a plain value")
                if key in result:
                    line, col = _mark(key_node)
                    raise YamlError(line, col, f"duplicate key {key!r}")
                self.keys[path + (key,)] = _mark(key_node)
                result[key] = self.convert(value_node, path + (key,))
            return result
        line, col = _mark(node)  # pragma: no cover - PyYAML has only three node kinds
        raise YamlError(line, col, "unsupported YAML node")


def load(text: str) -> Located:
    """Parse one YAML document; an empty document is ``None``."""
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(line, col, (exc.problem or str(exc)).strip()) from None
    except yaml.YAMLError as exc:
        raise YamlError(1, 1, str(exc)) from None
    except RecursionError:
        raise YamlError(1, 1, "YAML nested too deeply") from None
    if node is None:
        return Located(None)
    conv = _Converter()
    try:
        value = conv.convert(node, ())
    except RecursionError:
        raise YamlError(1, 1, "YAML nested too deeply") from None
    return Located(value, conv.values, conv.keys)
