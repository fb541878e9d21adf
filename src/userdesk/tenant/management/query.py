"""A small recursive-descent parser for the Lucene subset Auth0's user search accepts.

Grammar (operators are uppercase only; juxtaposed clauses join with OR, Lucene's default)::

    query   := or EOF
    or      := and (OR and)*
    and     := unary ((AND)? unary)*      -- juxtaposed clauses are OR-ed, except NOT, - and +
    unary   := (NOT | "-") unary | "+" unary | primary
    primary := "(" or ")" | clause
    clause  := FIELD ":" value | value
    value   := PHRASE | WORD | range | "(" or ")"     -- a group inherits the field
    range   := ("[" | "{") WORD TO WORD ("]" | "}")   -- "*" leaves an end open

The parser builds a small tree; ``search.py`` turns it into a SQLAlchemy expression with
bound parameters. Any malformed input raises ``QuerySyntaxError`` naming the problem.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LENGTH = 4096
MAX_DEPTH = 32
# A bare term becomes one comparison per default field (seven for users), and SQLite refuses
# an expression more than 1000 levels deep: 143 bare terms crossed that. 100 terms stay well
# inside it, whatever mix of fields, wildcards and groups they use.
MAX_TERMS = 100


class QuerySyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Word:
    """A bare value; ``parts`` is split at unescaped ``*`` wildcards (one part: no wildcard)."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return "*".join(self.parts)

    @property
    def is_wildcard(self) -> bool:
        return len(self.parts) > 1


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Range:
    low: str | None
    high: str | None
    include_low: bool
    include_high: bool


Value = Word | Phrase | Range


@dataclass(frozen=True)
class Term:
    field: str | None
    value: Value


@dataclass(frozen=True)
class Exists:
    field: str


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Exists | And | Or | Not


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE COLON LPAREN RPAREN LRANGE RRANGE AND OR NOT TO MINUS PLUS
    text: str
    pos: int
    # For WORD tokens: the text split at unescaped "*".
    parts: tuple[str, ...] = ()


_SPECIAL = set('()[]{}:"')
_KEYWORDS = {"AND", "OR", "NOT", "TO"}
# A leading "-" or "+" is an operator only where a new clause may start.
_CLAUSE_START = {None, "LPAREN", "AND", "OR", "NOT", "MINUS", "PLUS", "WORD", "PHRASE", "RPAREN"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        prev = tokens[-1].kind if tokens else None
        if ch in "()":
            tokens.append(Token("LPAREN" if ch == "(" else "RPAREN", ch, i))
            i += 1
        elif ch in "[{":
            tokens.append(Token("LRANGE", ch, i))
            i += 1
        elif ch in "]}":
            tokens.append(Token("RRANGE", ch, i))
            i += 1
        elif ch == ":":
            tokens.append(Token("COLON", ch, i))
            i += 1
        elif ch == '"':
            i = _phrase(text, i, tokens)
        elif ch in "-+" and prev in _CLAUSE_START and i + 1 < n and not text[i + 1].isspace():
            tokens.append(Token("MINUS" if ch == "-" else "PLUS", ch, i))
            i += 1
        else:
            i = _word(text, i, tokens)
    return tokens


def _phrase(text: str, start: int, tokens: list[Token]) -> int:
    i, chars = start + 1, []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            tokens.append(Token("PHRASE", "".join(chars), start))
            return i + 1
        chars.append(ch)
        i += 1
    raise QuerySyntaxError(f"unterminated quoted phrase starting at position {start}")


def _word(text: str, start: int, tokens: list[Token]) -> int:
    i, parts, current, raw = start, [], [], []
    while i < len(text):
        ch = text[i]
        if ch.isspace() or ch in _SPECIAL:
            break
        if ch == "\\":
            if i + 1 >= len(text):
                raise QuerySyntaxError(f"dangling escape character at position {i}")
            current.append(text[i + 1])
            raw.append(text[i : i + 2])
            i += 2
            continue
        if ch == "*":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        raw.append(ch)
        i += 1
    parts.append("".join(current))
    raw_text = "".join(raw)
    kind = raw_text if raw_text in _KEYWORDS else "WORD"
    tokens.append(Token(kind, raw_text, start, tuple(parts)))
    return i


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.terms = 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, kind: str, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(f"expected {what} but the query ended")
        if token.kind != kind:
            raise QuerySyntaxError(f"expected {what} at position {token.pos}, found '{token.text}'")
        self.pos += 1
        return token

    def descend(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError("the query is nested too deeply")

    def parse(self) -> Node:
        node = self.or_(None)
        token = self.peek()
        if token is not None:
            raise QuerySyntaxError(f"unexpected '{token.text}' at position {token.pos}")
        return node

    def or_(self, field: str | None) -> Node:
        items = [self.and_(field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.pos += 1
            items.append(self.and_(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self, field: str | None) -> Node:
        # Explicit AND binds tighter than juxtaposition, which is OR (Lucene's default operator).
        groups: list[list[Node]] = [[self.unary(field)]]
        while (token := self.peek()) is not None and token.kind not in {"OR", "RPAREN"}:
            if token.kind == "AND":
                self.pos += 1
                groups[-1].append(self.unary(field))
            elif token.kind in {"NOT", "MINUS", "PLUS"}:
                # Lucene's prohibit and require operators narrow the clause before them:
                # "a NOT b" is a without b, "a +b" is a and b.
                groups[-1].append(self.unary(field))
            else:
                groups.append([self.unary(field)])
        nodes = [g[0] if len(g) == 1 else And(tuple(g)) for g in groups]
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def unary(self, field: str | None) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("expected a search term but the query ended")
        if token.kind in {"NOT", "MINUS"}:
            self.pos += 1
            self.descend()
            node: Node = Not(self.unary(field))
            self.depth -= 1
            return node
        if token.kind == "PLUS":
            self.pos += 1
            return self.unary(field)
        if token.kind == "LPAREN":
            self.pos += 1
            self.descend()
            node = self.or_(field)
            self.depth -= 1
            self.take("RPAREN", "')'")
            return node
        return self.clause(field)

    def clause(self, field: str | None) -> Node:
        token = self.peek()
        assert token is not None
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(
                f"the query has more than {MAX_TERMS} search terms; narrow it with fewer terms"
            )
        following = self.peek(1)
        if token.kind == "WORD" and following is not None and following.kind == "COLON":
            if field is not None:
                raise QuerySyntaxError(f"field '{token.text}' inside a group for field '{field}'")
            if len(token.parts) > 1:
                raise QuerySyntaxError(f"wildcards are not allowed in field names: '{token.text}'")
            self.pos += 2
            name = "".join(token.parts)
            if name == "_exists_":
                target = self.take("WORD", "a field name after _exists_:")
                return Exists("*".join(target.parts))
            if (nxt := self.peek()) is not None and nxt.kind == "LPAREN":
                self.pos += 1
                self.descend()
                node = self.or_(name)
                self.depth -= 1
                self.take("RPAREN", "')'")
                return node
            return Term(name, self.value(name))
        return Term(field, self.value(field))

    def value(self, field: str | None) -> Value:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(f"expected a value for '{field}' but the query ended")
        if token.kind == "PHRASE":
            self.pos += 1
            return Phrase(token.text)
        if token.kind == "WORD":
            self.pos += 1
            return Word(token.parts)
        if token.kind == "LRANGE":
            return self.range_()
        raise QuerySyntaxError(f"expected a value at position {token.pos}, found '{token.text}'")

    def range_(self) -> Range:
        opening = self.take("LRANGE", "'[' or '{'")
        low = self.bound()
        self.take("TO", "'TO' in a range")
        high = self.bound()
        closing = self.take("RRANGE", "']' or '}'")
        return Range(low, high, opening.text == "[", closing.text == "]")

    def bound(self) -> str | None:
        token = self.peek()
        if token is not None and token.kind == "PHRASE":
            self.pos += 1
            return token.text
        token = self.take("WORD", "a range bound")
        if token.parts == ("", ""):
            return None
        if len(token.parts) > 1:
            raise QuerySyntaxError(f"wildcards are not allowed in a range: '{token.text}'")
        return token.parts[0]


def parse(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(f"the query is longer than {MAX_LENGTH} characters")
    tokens = tokenize(text)
    if not tokens:
        raise QuerySyntaxError("the query is empty")
    return _Parser(tokens).parse()
