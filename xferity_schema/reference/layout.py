"""A readable layout for the one-line SQL of a snapshot (whitespace collapsed, the same on every
server version): clauses of the top-level query on their own lines, one select item a line."""

from __future__ import annotations

import re

_CLAUSE = re.compile(
    r"(FROM|WHERE|GROUP BY|HAVING|ORDER BY|UNION ALL|UNION|EXCEPT|INTERSECT|WINDOW|LIMIT|"
    r"OFFSET|(?:LEFT |RIGHT |FULL |CROSS )?(?:OUTER )?JOIN)\b"
)
_SELECT = re.compile(r"SELECT(?: DISTINCT)?\b")
INDENT = "    "


def layout_query(text: str, indent: str = "") -> str:
    """Break a one-line query at its top-level clauses and select-list commas. Only spaces
    outside quotes and parentheses change, so the query means the same."""
    out: list[str] = [indent]
    depth = 0
    quote: str | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if quote is not None:
            out.append(char)
            if char == quote:
                quote = None
            i += 1
            continue
        if char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char == ",":
            out.append(",\n" + indent + INDENT)
            i += 2 if text[i + 1 : i + 2] == " " else 1
            continue
        elif depth == 0 and char == " " and (i == 0 or text[i - 1] != ","):
            rest = text[i + 1 :]
            clause = _CLAUSE.match(rest)
            if clause:
                out.append("\n" + indent)
                i += 1
                continue
        if depth == 0 and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            select = _SELECT.match(text, i)
            if select:
                out.append(select.group(0) + "\n" + indent + INDENT)
                i = select.end() + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


_TOP_FROM = re.compile(
    r'\bFROM ((?:[a-z_][a-z0-9_$]*|"[^"]+")\.(?:[a-z_][a-z0-9_$]*|"[^"]+"))'
    r"(?: (?:AS )?([a-z_][a-z0-9_$]*))?"
)
_SET_OPERATION = re.compile(r"\b(?:UNION|EXCEPT|INTERSECT|JOIN)\b")


def _top_level(text: str) -> list[tuple[int, str]]:
    """(offset, character) of the text outside quotes and outside parenthesised subqueries."""
    kept: list[tuple[int, str]] = []
    stack: list[bool] = []  # one per open parenthesis: is it a subquery?
    quote: str | None = None
    for i, char in enumerate(text):
        in_subquery = any(stack)
        if quote is not None:
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
            if not in_subquery:
                kept.append((i, " "))  # a literal's content is never a reference
            continue
        if char == "(":
            stack.append(text[i + 1 :].lstrip().startswith("SELECT"))
        elif char == ")" and stack:
            stack.pop()
        if not in_subquery:
            kept.append((i, char))
    return kept


def unqualified_view_query(definition: str) -> str:
    """A view's query as PostgreSQL 16+ prints it on every version: when the top-level query
    reads one relation (no join, no set operation), its own column references lose their
    `alias.`; subqueries keep theirs. 13-15 print the qualifiers; the docs must not differ."""
    top = _top_level(definition)
    top_text = "".join(char for _, char in top)
    froms = _TOP_FROM.findall(top_text)
    if len(froms) != 1 or _SET_OPERATION.search(top_text) or top_text.count(" FROM ") != 1:
        return definition
    relation, alias = froms[0]
    qualifier = alias or relation.rsplit(".", 1)[1]
    pattern = re.compile(rf"(?<![\w.\"$]){re.escape(qualifier)}\.(?=[a-z_\"])")
    offsets = {i for i, _ in top}
    out = []
    last = 0
    for found in pattern.finditer(definition):
        if found.start() in offsets:
            out.append(definition[last : found.start()])
            last = found.end()
    out.append(definition[last:])
    return "".join(out)
