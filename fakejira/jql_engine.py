"""A small JQL: tokenizer, recursive-descent parser and evaluator over the fake dataset.

Supported: `project`, `issuetype`/`type`, `status`, `statusCategory`, `priority`, `resolution`,
`assignee`, `labels`, `fixVersion`, `key`/`issuekey`/`id`, `summary ~`, the dates `created`,
`updated` and `resolved` (absolute "yyyy-MM-dd[ HH:mm]" in the JIRA user's time zone, as real
JIRA reads them, or relative "-7d"), `AND`/`OR`/`NOT`/parentheses and `ORDER BY`. Anything else is
refused with JIRA's own wording, so a client shows a useful sentence either way.

Grammar:
    query   := [or] [ORDER BY sort ("," sort)*]
    or      := and (("OR" | "||") and)*
    and     := not (("AND" | "&&") not)*
    not     := ("NOT" | "!") not | "(" or ")" | clause
    clause  := field op operand
    op      := = | != | > | >= | < | <= | ~ | !~ | IN | NOT IN | IS | IS NOT
    operand := value | "(" value ("," value)* ")" | EMPTY | NULL
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from fakejira.catalog import (
    BLOCKED,
    CATEGORIES,
    DONE,
    IN_PROGRESS,
    IN_REVIEW,
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    TEAM,
    TODO,
    Deployment,
)
from fakejira.dataset import Dataset, Issue


class JqlError(Exception):
    """The query cannot be run; the message is the sentence JIRA would send back."""


_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
_OPERATORS = ("!=", ">=", "<=", "!~", "=", ">", "<", "~")
_SINGLE = "(),"
_RESERVED = set("{}%^$#@;?|&+*`")
_QUOTE = "\"'"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word, string, op, punct, end
    text: str
    pos: int

    @property
    def keyword(self) -> str | None:
        lowered = self.text.lower()
        return lowered if self.kind == "word" and lowered in _KEYWORDS else None

    def shown(self) -> str:
        return "end of query" if self.kind == "end" else f"'{self.text}'"

    def where(self) -> str:
        return f"(line 1, character {self.pos + 1})"


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _QUOTE:
            j, chars = i + 1, []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(text[j])
                j += 1
            if j >= n:
                raise JqlError(
                    f"Error in the JQL Query: The quoted string '{''.join(chars)}' has not been "
                    f"completed. (line 1, character {i + 1})"
                )
            tokens.append(Token("string", "".join(chars), i))
            i = j + 1
        elif text.startswith(("&&", "||"), i):
            tokens.append(Token("word", "and" if ch == "&" else "or", i))
            i += 2
        elif ch in _SINGLE:
            tokens.append(Token("punct", ch, i))
            i += 1
        elif op := next((o for o in _OPERATORS if text.startswith(o, i)), None):
            tokens.append(Token("op", op, i))
            i += len(op)
        elif ch == "!":
            tokens.append(Token("word", "not", i))
            i += 1
        elif ch in _RESERVED:
            raise JqlError(
                f"Error in the JQL Query: The character '{ch}' is a reserved JQL character. You "
                f"must enclose it in a string or use the escape '\\u{ord(ch):04x}' instead. "
                f"(line 1, character {i + 1})"
            )
        else:
            j = i
            while j < n and not (
                text[j].isspace()
                or text[j] in _SINGLE
                or text[j] in _QUOTE
                or text[j] in "=!<>~"
                or text[j] in _RESERVED
            ):
                j += 1
            tokens.append(Token("word", text[i:j], i))
            i = j
    tokens.append(Token("end", "", n))
    return tokens


# ------------------------------------------------------------------- syntax tree


@dataclass(frozen=True, slots=True)
class Clause:
    field: str
    op: str  # =, !=, >, >=, <, <=, ~, !~, in, not in, is, is not
    values: tuple[str | None, ...]  # None stands for EMPTY/NULL
    pos: int


@dataclass(frozen=True, slots=True)
class BoolNode:
    op: str  # and, or, not
    children: tuple[Node, ...]


Node = Clause | BoolNode


@dataclass(frozen=True, slots=True)
class Query:
    where: Node | None
    order_by: tuple[tuple[str, bool], ...]  # (field, descending)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, expecting: str) -> JqlError:
        tok = self.tok
        where = "" if tok.kind == "end" else f" {tok.where()}"
        return JqlError(
            f"Error in the JQL Query: Expecting {expecting} but got {tok.shown()}.{where}"
        )

    def parse(self) -> Query:
        where = None
        if self.tok.kind != "end" and self.tok.keyword != "order":
            where = self.parse_or()
        order: list[tuple[str, bool]] = []
        if self.tok.keyword == "order":
            self.take()
            if self.tok.keyword != "by":
                raise self.fail("'by'")
            self.take()
            while True:
                if self.tok.kind not in ("word", "string") or self.tok.keyword:
                    raise self.fail("a field name")
                name = self.take().text
                descending = False
                if self.tok.keyword in ("asc", "desc"):
                    descending = self.take().keyword == "desc"
                order.append((name, descending))
                if self.tok.text != ",":
                    break
                self.take()
        if self.tok.kind != "end":
            if where is not None and not order:
                raise self.fail("either 'OR' or 'AND'")
            raise self.fail("',' or end of query")
        return Query(where, tuple(order))

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.tok.keyword == "or":
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else BoolNode("or", tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while self.tok.keyword == "and":
            self.take()
            children.append(self.parse_not())
        return children[0] if len(children) == 1 else BoolNode("and", tuple(children))

    def parse_not(self) -> Node:
        if self.tok.keyword == "not":
            self.take()
            return BoolNode("not", (self.parse_not(),))
        if self.tok.text == "(" and self.tok.kind == "punct":
            self.take()
            inner = self.parse_or()
            if self.tok.text != ")":
                raise self.fail("')'")
            self.take()
            return inner
        return self.parse_clause()

    def parse_clause(self) -> Clause:
        start = self.tok
        if start.kind not in ("word", "string") or start.keyword:
            raise self.fail("a field name")
        self.take()
        op = self.parse_operator()
        if op in ("in", "not in"):
            values = self.parse_list()
        elif op in ("is", "is not"):
            if self.tok.keyword not in ("empty", "null"):
                raise self.fail("'EMPTY' or 'NULL'")
            self.take()
            values = (None,)
        else:
            values = (self.parse_value(),)
        return Clause(start.text, op, values, start.pos)

    def parse_operator(self) -> str:
        tok = self.tok
        if tok.kind == "op":
            self.take()
            return tok.text
        if tok.keyword in ("in", "is"):
            self.take()
            if tok.keyword == "is" and self.tok.keyword == "not":
                self.take()
                return "is not"
            return tok.keyword
        if tok.keyword == "not":
            self.take()
            if self.tok.keyword == "in":
                self.take()
                return "not in"
            raise self.fail("'IN'")
        where = "" if tok.kind == "end" else f" {tok.where()}"
        raise JqlError(
            f"Error in the JQL Query: Expecting operator but got {tok.shown()}. Valid operators "
            "are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."
            f"{where}"
        )

    def parse_list(self) -> tuple[str | None, ...]:
        after = self.tokens[self.i + 1] if self.tok.kind != "end" else self.tok
        if self.tok.kind == "word" and after.text == "(" and after.kind == "punct":
            raise JqlError(f"Unable to find JQL function '{self.tok.text}()'.")
        if self.tok.text != "(" or self.tok.kind != "punct":
            raise self.fail("'('")
        self.take()
        values = [self.parse_value()]
        while self.tok.text == "," and self.tok.kind == "punct":
            self.take()
            values.append(self.parse_value())
        if self.tok.text != ")":
            raise self.fail("',' or ')'")
        self.take()
        return tuple(values)

    def parse_value(self) -> str | None:
        tok = self.tok
        if tok.kind == "string":
            self.take()
            return tok.text
        if tok.kind == "word" and tok.keyword in ("empty", "null"):
            self.take()
            return None
        if tok.kind == "word" and not tok.keyword:
            self.take()
            if self.tok.text == "(" and self.tok.kind == "punct":
                raise JqlError(f"Unable to find JQL function '{tok.text}()'.")
            return tok.text
        raise self.fail("either a value, list or function")


def parse(text: str) -> Query:
    return _Parser(text).parse()


# -------------------------------------------------------------------- evaluation

Predicate = Callable[[Issue], bool]
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_PERIOD = re.compile(r"([+-]?)((?:\d+[wdhm]\s*)+)")
_PERIOD_PART = re.compile(r"(\d+)([wdhm])")
_UNIT_MS = {"w": 7 * 86_400_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000}
_EQUALITY = ("=", "!=", "in", "not in")
_ORDERED = ("=", "!=", ">", ">=", "<", "<=")
# Statuses sort in workflow order, as JIRA sorts them by their position in the status list.
_STATUS_ORDER = {sid: n for n, sid in enumerate((TODO, IN_PROGRESS, BLOCKED, IN_REVIEW, DONE))}


class Evaluator:
    """Compiles parsed queries into predicates and sort keys for one dataset and deployment."""

    def __init__(
        self,
        dataset: Dataset,
        deployment: Deployment,
        now_ms: Callable[[], int],
        anonymous: bool = False,
    ) -> None:
        self.dataset = dataset
        self.deployment = deployment
        self.tz = ZoneInfo(dataset.timezone)
        self.now_ms = now_ms
        # An anonymous caller on Data Center can browse no project: the project and its issues
        # look as if they did not exist, as on a real private instance.
        self.anonymous = anonymous

    def compile(self, query: Query) -> tuple[Predicate, Callable[[Issue], tuple]]:
        predicate = self._node(query.where) if query.where is not None else (lambda _issue: True)
        if self.anonymous:
            predicate = _nothing
        return predicate, self._sort_key(query.order_by)

    # ---------------------------------------------------------------- clauses

    def _node(self, node: Node) -> Predicate:
        if isinstance(node, Clause):
            return self._clause(node)
        children = [self._node(child) for child in node.children]
        if node.op == "and" and len(children) == 2:
            # A keyset page's `(<jql>) AND id > N`, over every issue of a 50,000-issue site.
            first, second = children
            return lambda issue: first(issue) and second(issue)
        if node.op == "and":
            return lambda issue: all(child(issue) for child in children)
        if node.op == "or":
            return lambda issue: any(child(issue) for child in children)
        only = children[0]
        return lambda issue: not only(issue)

    def _clause(self, clause: Clause) -> Predicate:
        name = clause.field.lower()
        handlers: dict[str, Callable[[Clause], Predicate]] = {
            "project": self._project,
            "issuetype": self._issuetype,
            "type": self._issuetype,
            "status": self._status,
            "statuscategory": self._category,
            "priority": self._priority,
            "resolution": self._resolution,
            "assignee": self._assignee,
            "labels": self._labels,
            "fixversion": self._fix_version,
            "key": self._key,
            "issuekey": self._key,
            "issue": self._key,
            "id": self._key,
            "summary": self._summary,
            "created": self._date,
            "createddate": self._date,
            "updated": self._date,
            "updateddate": self._date,
            "resolved": self._date,
            "resolutiondate": self._date,
        }
        handler = handlers.get(name)
        if handler is None:
            raise JqlError(
                f"Field '{clause.field}' does not exist or you do not have permission to view it."
            )
        return handler(clause)

    @staticmethod
    def _refuse_operator(clause: Clause, allowed: tuple[str, ...]) -> None:
        if clause.op not in allowed:
            raise JqlError(
                f"The operator '{clause.op.upper() if clause.op[0].isalpha() else clause.op}' "
                f"is not supported by the '{clause.field}' field."
            )

    def _lookup(self, clause: Clause, resolve: Callable[[str], object | None]) -> set[object]:
        resolved = set()
        for value in clause.values:
            if value is None:
                continue
            found = resolve(value)
            if found is None:
                raise JqlError(
                    f"The value '{value}' does not exist for the field '{clause.field}'."
                )
            resolved.add(found)
        return resolved

    @staticmethod
    def _membership(
        clause: Clause, wanted: set[object], get: Callable[[Issue], object], empty_ok: bool = False
    ) -> Predicate:
        negate = clause.op in ("!=", "not in", "is not")
        if clause.op in ("is", "is not") or (empty_ok and None in clause.values):
            wanted = wanted | {None}

        def test(issue: Issue) -> bool:
            return (get(issue) in wanted) != negate

        return test

    def _project(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, _EQUALITY)
        projects = {} if self.anonymous else self.dataset.projects
        ids = {str(pid): key for key, pid in projects.items()}
        wanted = self._lookup(clause, lambda v: v.upper() if v.upper() in projects else ids.get(v))
        return self._membership(clause, wanted, lambda issue: issue.project)

    def _issuetype(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, _EQUALITY)
        wanted = self._lookup(
            clause,
            lambda v: next(
                (t.name for t in ISSUE_TYPES.values() if v.lower() in (t.name.lower(), t.id)), None
            ),
        )
        return self._membership(clause, wanted, lambda issue: issue.issue_type)

    def _status(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, _EQUALITY)
        wanted = self._lookup(
            clause,
            lambda v: next(
                (s.id for s in STATUSES.values() if v.lower() in (s.name.lower(), s.id)), None
            ),
        )
        return self._membership(clause, wanted, lambda issue: issue.status)

    def _category(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, _EQUALITY)
        wanted = self._lookup(
            clause,
            lambda v: next(
                (
                    c.key
                    for c in CATEGORIES.values()
                    if v.lower() in (c.key, c.name.lower(), str(c.id))
                ),
                None,
            ),
        )
        return self._membership(clause, wanted, lambda issue: STATUSES[issue.status].category)

    def _priority(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, _EQUALITY)
        wanted = self._lookup(
            clause,
            lambda v: next(
                (pid for pid, name in PRIORITIES.items() if v.lower() in (name.lower(), pid)), None
            ),
        )
        return self._membership(clause, wanted, lambda issue: issue.priority)

    def _resolution(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, (*_EQUALITY, "is", "is not"))
        wanted: set[object] = set()
        for value in clause.values:
            if value is None or value.lower() == "unresolved":
                wanted.add(False)
            elif value.lower() in ("done", "10000"):
                wanted.add(True)
            else:
                raise JqlError(
                    f"The value '{value}' does not exist for the field '{clause.field}'."
                )
        if clause.op in ("is", "is not"):
            wanted = {False}
        negate = clause.op in ("!=", "not in", "is not")
        return lambda issue: ((issue.resolved_ms is not None) in wanted) != negate

    def _assignee(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, (*_EQUALITY, "is", "is not"))

        def resolve(value: str) -> int | None:
            for index, member in enumerate(TEAM):
                ref = member.account_id if self.deployment == "cloud" else member.slug
                if value.lower() in (ref.lower(), member.display_name.lower(), member.email):
                    return index
            return None

        wanted = self._lookup(clause, resolve)
        return self._membership(clause, wanted, lambda issue: issue.assignee, empty_ok=True)

    def _labels(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, (*_EQUALITY, "is", "is not"))
        wanted = {v for v in clause.values if v is not None}
        negate = clause.op in ("!=", "not in", "is not")
        if clause.op in ("is", "is not"):
            return lambda issue: (not issue.labels) != negate
        return lambda issue: bool(wanted.intersection(issue.labels)) != negate

    def _fix_version(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, (*_EQUALITY, "is", "is not"))
        wanted = self._lookup(
            clause,
            lambda v: next(
                (ver.id for ver in self.dataset.versions if v in (ver.name, str(ver.id))), None
            ),
        )
        negate = clause.op in ("!=", "not in", "is not")
        if clause.op in ("is", "is not"):
            return lambda issue: (not issue.fix_versions) != negate
        return lambda issue: bool(wanted.intersection(issue.fix_versions)) != negate

    def _key(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, (*_ORDERED, "in", "not in"))
        if clause.field.lower() == "id" and clause.op in _ORDERED[2:]:
            return self._id_range(clause)
        wanted: list[Issue] = []
        for value in clause.values:
            if value is None:
                raise JqlError(
                    f"The field '{clause.field}' does not support searching for EMPTY values."
                )
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*-\d+|\d+", value):
                raise JqlError(f"The issue key '{value}' for field '{clause.field}' is invalid.")
            issue = None if self.anonymous else self.dataset.get(value)
            if issue is None:
                raise JqlError(
                    f"An issue with key '{value}' does not exist for field '{clause.field}'."
                )
            wanted.append(issue)
        if clause.op in ("=", "!=", "in", "not in"):
            ids = {issue.id for issue in wanted}
            negate = clause.op in ("!=", "not in")
            return lambda issue: (issue.id in ids) != negate
        pivot = wanted[0]
        compare = _COMPARE[clause.op]
        # Key ranges compare within the pivot's project by issue number, as JIRA does.
        return lambda issue: (
            issue.project == pivot.project and compare(_key_number(issue), _key_number(pivot))
        )

    def _id_range(self, clause: Clause) -> Predicate:
        """``id > 10042``: issue ids are numbers, compared as such whether or not an issue
        has that id (keyset paging asks for ids after the last one seen, which may be gone)."""
        value = clause.values[0]
        if value is None or not value.isdigit():
            raise JqlError(f"The issue key '{value}' for field '{clause.field}' is invalid.")
        pivot, compare = int(value), _COMPARE[clause.op]
        return lambda issue: compare(issue.id, pivot)

    def _summary(self, clause: Clause) -> Predicate:
        self._refuse_operator(clause, ("~", "!~"))
        needle = (clause.values[0] or "").lower()
        negate = clause.op == "!~"
        return lambda issue: (needle in issue.summary.lower()) != negate

    def _date(self, clause: Clause) -> Predicate:
        name = clause.field.lower()
        resolved = name in ("resolved", "resolutiondate")
        self._refuse_operator(
            clause, (*_ORDERED, "in", "not in", *(("is", "is not") if resolved else ()))
        )
        getter: Callable[[Issue], int | None] = {
            "created": lambda i: i.created_ms,
            "createddate": lambda i: i.created_ms,
            "updated": lambda i: i.updated_ms,
            "updateddate": lambda i: i.updated_ms,
            "resolved": lambda i: i.resolved_ms,
            "resolutiondate": lambda i: i.resolved_ms,
        }[name]
        if clause.op in ("is", "is not"):
            negate = clause.op == "is not"
            return lambda issue: (getter(issue) is None) != negate
        moments = [self._moment(clause, value) for value in clause.values]
        if clause.op in ("in", "not in"):
            negate = clause.op == "not in"
            wanted = set(moments)
            return lambda issue: (getter(issue) in wanted) != negate
        compare, pivot = _COMPARE[clause.op], moments[0]

        def test(issue: Issue) -> bool:
            value = getter(issue)
            return value is not None and compare(value, pivot)

        return test

    def _moment(self, clause: Clause, value: str | None) -> int:
        if value is None:
            raise JqlError(
                f"The operator '{clause.op}' is not supported by the '{clause.field}' "
                "field when comparing with EMPTY."
            )
        text = value.strip()
        period = _PERIOD.fullmatch(text)
        if period:
            sign = -1 if period.group(1) == "-" else 1
            total = sum(int(n) * _UNIT_MS[u] for n, u in _PERIOD_PART.findall(period.group(2)))
            return self.now_ms() + sign * total
        if text.isdigit():  # epoch milliseconds are accepted too
            return int(text)
        for fmt in _DATE_FORMATS:
            try:
                local = datetime.strptime(text, fmt).replace(tzinfo=self.tz)
            except ValueError:
                continue
            return int(local.timestamp() * 1000)
        raise JqlError(
            f"Date value '{value}' for field '{clause.field}' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'."
        )

    # ---------------------------------------------------------------- ordering

    def _sort_key(self, order_by: tuple[tuple[str, bool], ...]) -> Callable[[Issue], object]:
        if order_by == (("id", False),):
            return _issue_id  # the order of every Data Center page of a sync, the id its tie-break
        getters: dict[str, Callable[[Issue], object]] = {
            "key": _key_sort,
            "issuekey": _key_sort,
            "id": lambda i: i.id,
            "created": lambda i: i.created_ms,
            "createddate": lambda i: i.created_ms,
            "updated": lambda i: i.updated_ms,
            "updateddate": lambda i: i.updated_ms,
            "resolved": lambda i: i.resolved_ms,
            "resolutiondate": lambda i: i.resolved_ms,
            "priority": lambda i: 6 - int(i.priority),
            "status": lambda i: _STATUS_ORDER[i.status],
            "issuetype": lambda i: i.issue_type,
            "type": lambda i: i.issue_type,
            "project": lambda i: i.project,
            "summary": lambda i: i.summary.lower(),
            "rank": lambda i: i.id,
        }
        unsortable = {"statuscategory", "labels", "fixversion", "resolution", "assignee"}
        keys: list[tuple[Callable[[Issue], object], bool]] = []
        for name, descending in order_by or (("key", True),):
            getter = getters.get(name.lower())
            if getter is None:
                if name.lower() in unsortable:
                    raise JqlError(f"Not able to sort using field '{name}'.")
                raise JqlError(
                    f"Field '{name}' does not exist or you do not have permission to view it."
                )
            keys.append((getter, descending))
        # The issue id breaks ties so paging is stable.
        keys.append((lambda i: i.id, order_by[-1][1] if order_by else True))

        def sort_key(issue: Issue) -> tuple:
            parts = []
            for getter, descending in keys:
                value = getter(issue)
                missing = value is None
                if isinstance(value, str):
                    parts.append((missing, _Reversed(value) if descending else value))
                else:
                    number = 0 if missing else value
                    parts.append((missing, -number if descending else number))  # type: ignore[operator]
            return tuple(parts)

        return sort_key


class _Reversed:
    """Wraps a string so that sorting ascending orders it descending."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value


def _issue_id(issue: Issue) -> int:
    return issue.id


def _nothing(_issue: Issue) -> bool:
    return False


def _key_number(issue: Issue) -> int:
    return int(issue.key.rsplit("-", 1)[1])


def _key_sort(issue: Issue) -> object:
    return issue.id  # keys grow with ids inside a project


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
