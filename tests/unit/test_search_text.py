"""Search text without Firestore: folding, words and prefixes, query terms and their
errors, snippets with highlight offsets; the kinds' declarations."""

from __future__ import annotations

import typing

import pytest

from portal.errors import BadRequest
from portal.search import text
from portal.search.index import entry
from portal.search.kinds import KINDS, ORG, STAFF
from portal.search.models import KindName


def test_folding_ignores_case_and_accents() -> None:
    assert text.fold("Café CRÈME Straße") == "cafe creme strasse"
    assert text.words("Café — café; CAFE_noir, v2!") == ["cafe", "noir", "v2"]


def test_terms_are_every_prefix_from_two_characters_capped() -> None:
    assert text.terms(["brand"]) == {"br", "bra", "bran", "brand"}
    long = text.terms(["internationalisation"])
    assert max(len(t) for t in long) == text.MAX_TERM and len(long) == text.MAX_TERM - 1


def test_words_per_item_are_capped() -> None:
    many = " ".join(f"w{i}" for i in range(1000))
    assert len(text.words(many)) == text.MAX_WORDS


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("", "empty_query"),
        ("   ", "empty_query"),
        (None, "empty_query"),
        ("x" * 201, "query_too_long"),
        ("a b c", "query_too_short"),
        ("!!! ???", "query_too_short"),
        ("one two three four five six seven", "too_many_words"),
    ],
)
def test_bad_queries_say_what_is_wrong(q: str | None, code: str) -> None:
    with pytest.raises(BadRequest) as raised:
        text.query_terms(q)
    assert raised.value.code == code


def test_query_terms_are_folded_distinct_and_skip_single_characters() -> None:
    assert text.query_terms("  Logo a LOGO Concépts ") == ["logo", "concepts"]


def test_highlights_are_offsets_of_matching_words() -> None:
    title = "Logo concepts for Acmé"
    assert text.highlights(title, ["log", "acme"]) == [[0, 4], [18, 22]]
    assert [title[a:b] for a, b in text.highlights(title, ["conc"])] == ["concepts"]


def test_snippet_is_plain_text_around_the_first_match() -> None:
    body = " ".join(["filler"] * 60) + " the wordmark is bolder " + " ".join(["tail"] * 60)
    piece, marks = text.snippet(body, ["wordm"])
    assert piece.startswith("…") and piece.endswith("…") and len(piece) <= text.SNIPPET + 2
    assert [piece[a:b] for a, b in marks] == ["wordmark"]
    short, marks = text.snippet("Short text about logos", ["logo"])
    assert short == "Short text about logos" and marks == [[17, 22]]
    start, marks = text.snippet("logo " + "x " * 200, ["logo"])
    assert start.startswith("logo") and marks == [[0, 4]]


def test_the_api_kind_names_are_the_declared_kinds() -> None:
    assert set(typing.get_args(KindName)) == set(KINDS)


def test_kinds_match_their_paths_and_name_their_entries() -> None:
    project = KINDS["project"]
    params = project.match("orgs/acme/projects/acme-rebrand")
    assert params == {"orgId": "acme", "projectId": "acme-rebrand"}
    assert project.match("orgs/acme/projects/x/activity/y") is None
    assert project.entry_id(params) == "project:acme-rebrand"
    assert project.collection == "projects"


def test_an_entry_holds_text_terms_link_and_audience() -> None:
    data = {"name": "Brand refresh", "description": "New logo.", "milestones": [{"title": "Moodboard"}]}
    found = entry(KINDS["project"], {"orgId": "acme", "projectId": "p1"}, data)
    assert found is not None
    assert found["title"] == "Brand refresh" and found["text"] == "New logo. Moodboard"
    assert found["link"] == "/projects/p1" and found["audience"] == ORG and found["orgId"] == "acme"
    assert {"br", "brand", "mo", "moodboard", "logo"} <= set(found["terms"])
    file = KINDS["file"]
    shared = entry(file, {"orgId": "acme", "fileId": "f1"}, {"name": "brief.pdf", "projectId": "p1"})
    hidden = entry(file, {"orgId": "acme", "fileId": "f2"}, {"name": "note.pdf", "staffOnly": True})
    assert shared and shared["link"] == "/files?project=p1" and shared["audience"] == ORG
    assert hidden and hidden["link"] == "/files" and hidden["audience"] == STAFF
    assert entry(file, {"orgId": "acme", "fileId": "f3"}, None) is None


def test_an_entry_digest_changes_only_with_what_is_searched() -> None:
    kind, params = KINDS["project"], {"orgId": "acme", "projectId": "p1"}
    one = entry(kind, params, {"name": "Brand", "status": "active"})
    two = entry(kind, params, {"name": "Brand", "status": "paused", "lastActivity": 5})
    three = entry(kind, params, {"name": "Brand new"})
    assert one and two and three
    assert one["digest"] == two["digest"] != three["digest"]


def test_a_cursor_names_an_entry_under_its_prefix() -> None:
    from portal import db
    from portal.search.index import valid_entry_id

    path = "orgs/acme/searchIndex/message:t-1:m_2"
    cursor = db.encode_cursor("message:t-1:m_2", path)
    assert db._name_cursor(cursor, "orgs/acme/searchIndex/", valid_entry_id) == path
    assert db._name_cursor(cursor, "orgs/*/searchIndex/", valid_entry_id) == path
    bad = [
        (cursor, "orgs/globex/searchIndex/"),
        (db.encode_cursor("p1", "orgs/acme/projects/p1"), "orgs/*/searchIndex/"),
        (db.encode_cursor("x", "orgs/acme/searchIndex/../x"), "orgs/acme/searchIndex/"),
        (db.encode_cursor("x", "orgs/acme/searchIndex/PROJECT:x"), "orgs/acme/searchIndex/"),
        (db.encode_cursor("x", "orgs/__x__/searchIndex/project:x"), "orgs/*/searchIndex/"),
        ("not a cursor", "orgs/acme/searchIndex/"),
        ("WzFd", "orgs/acme/searchIndex/"),  # [1]
    ]
    for given, prefix in bad:
        with pytest.raises(BadRequest) as raised:
            db._name_cursor(given, prefix, valid_entry_id)
        assert raised.value.code == "invalid_cursor", given
