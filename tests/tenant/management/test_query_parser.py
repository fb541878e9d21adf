"""The q parser's tree for each construct of Auth0's user search syntax, and its refusals.

Fields, phrases, wildcards, ranges, AND/OR/NOT and grouping, each as Auth0 reads it.
"""

from __future__ import annotations

import pytest

from userdesk.tenant.management.query import (
    And,
    Exists,
    Node,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    Range,
    Term,
    Word,
    parse,
)


def term(field: str | None, *parts: str) -> Term:
    return Term(field, Word(parts))


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("email:a@b.c", term("email", "a@b.c")),
        ('name:"jane smith"', Term("name", Phrase("jane smith"))),
        ('name:"say \\"hi\\""', Term("name", Phrase('say "hi"'))),
        ("name:john*", term("name", "john", "")),
        ("name:*usa", term("name", "", "usa")),
        ("name:jo\\*hn", term("name", "jo*hn")),
        ("logins_count:[100 TO *]", Term("logins_count", Range("100", None, True, True))),
        (
            "created_at:{2024-01-01 TO 2025-01-01]",
            Term("created_at", Range("2024-01-01", "2025-01-01", False, True)),
        ),
        ("_exists_:app_metadata.plan", Exists("app_metadata.plan")),
        ("a AND b", And((term(None, "a"), term(None, "b")))),
        ("a OR b", Or((term(None, "a"), term(None, "b")))),
        ("a b", Or((term(None, "a"), term(None, "b")))),
        ("a AND b OR c", Or((And((term(None, "a"), term(None, "b"))), term(None, "c")))),
        ("a AND (b OR c)", And((term(None, "a"), Or((term(None, "b"), term(None, "c")))))),
        ("NOT blocked:true", Not(term("blocked", "true"))),
        ("a NOT b", And((term(None, "a"), Not(term(None, "b"))))),
        ("-blocked:true", Not(term("blocked", "true"))),
        ("a +b", And((term(None, "a"), term(None, "b")))),
        ("logins_count:-1", term("logins_count", "-1")),
        ("email:(a OR b*)", Or((term("email", "a"), term("email", "b", "")))),
        ("and:or", term("and", "or")),
    ],
)
def test_the_tree_for_each_construct(q: str, tree: Node) -> None:
    assert parse(q) == tree


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("(a", "')'"),
        ("a)", "unexpected ')'"),
        ('name:"open', "unterminated"),
        ("email:", "ended"),
        ("a AND", "ended"),
        ("AND a", "expected a value"),
        ("x:[1 2]", "'TO'"),
        ("x:[1 TO 2", "']' or '}'"),
        ("x:[a* TO b]", "wildcards are not allowed in a range"),
        ("na*me:x", "field names"),
        ("_exists_:", "field name"),
        ("email:(name:x)", "inside a group"),
        ("a\\", "escape"),
        ("(" * 40 + "a" + ")" * 40, "nested too deeply"),
        ("x" * 5000, "longer than"),
    ],
)
def test_malformed_queries_name_the_problem(q: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=None) as refused:
        parse(q)
    assert message in str(refused.value)
