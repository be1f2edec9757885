"""The text import generalises: the three real plans in ``tests/fixtures``, damaged the ways text
copied from Word, a PDF or a web page is damaged, give the same roadmap as the clean text.

Each seed builds one damaged copy of each document (:func:`perturb`); every kind of damage is
applied to a random share of the rows, several kinds to one row at once:

* an empty first cell dropped (a row continued after a page break: 5 cells above, 4 below);
* a row broken by a page break: the rest of a cell on a row of its own, the other cells empty;
* the rest of a row's last cell on a line of its own, without tabs (a cell of two paragraphs);
* a cell wrapped in HTML list markup (``<ul><li>``, one item a line), ``<p>``, ``<br>``, entities;
* the table's header repeated before a row (as at the top of every page);
* blank lines added, doubled and dropped between rows;
* Windows line ends, non-breaking spaces, runs of spaces instead of tabs (in rows without an
  empty cell between two filled ones: where spaces stand for tabs, an empty cell in the middle
  leaves no trace, and only the meaning of the words could tell which column is empty).

Rows are broken mid-sentence, as a page or a line breaks them: a break right after a full stop
followed by a capital is genuinely the same text as a section title, in any reader.

The clean and the damaged copy must give the same title, year, approving order, sections, items
and every item's cells (white space aside: a line break in a list item and a space are the same
cell text) — and so the same periods.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from shnor_app.services.roadmaps.imports import ParsedRoadmap, parse_text
from shnor_app.services.roadmaps.periods import parse_period

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOCUMENTS = sorted(path.name for path in FIXTURES.glob("*.txt"))
SEEDS = range(12)
NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]?)$")
SENTENCE_END = re.compile(r"[.!?;:]$")


def _is_item_row(cells: list[str]) -> bool:
    return len(cells) > 1 and bool(NUMBER.match(cells[0].strip()))


def _split_point(rng: random.Random, text: str) -> tuple[str, str] | None:
    """``text`` cut at a space mid-sentence: the head does not end a sentence, the tail does
    not start with a capital after one, neither is empty."""
    words = text.split(" ")
    cuts = [i for i in range(1, len(words))
            if not SENTENCE_END.search(words[i - 1]) and not words[i - 1].endswith(("-", "–"))
            and not NUMBER.match(words[i])]
    if not cuts:
        return None
    cut = rng.choice(cuts)
    return " ".join(words[:cut]), " ".join(words[cut:])


def _html(rng: random.Random, text: str) -> str:
    """A cell as a web page or Word's HTML clipboard writes it."""
    text = text.replace("«", "&laquo;").replace("»", "&raquo;") if rng.random() < 0.5 else text
    kind = rng.choice(("ul", "p", "br"))
    parts = _split_point(rng, text)
    if kind == "ul":
        items = [text] if parts is None else list(parts)
        return "<ul>\n" + "\n".join(f"  <li>{item}</li>" for item in items) + "\n</ul>"
    if kind == "p":
        return f"<p>{text}</p>"
    return text if parts is None else f"{parts[0]}<br>{parts[1]}"


def perturb(text: str, seed: int) -> str:
    rng = random.Random(seed)
    lines = text.split("\n")
    out: list[str] = []
    header: list[str] | None = None
    for line in lines:
        if "\t" not in line:
            if not line.strip() and rng.random() < 0.4:
                out.extend([""] * rng.randint(1, 3))  # blank lines doubled
                continue
            out.append(line)
            continue
        cells = line.split("\t")
        if cells[0].strip() in ("№", "№ п/п", "п/п №"):
            header = cells
            out.append(line)
            continue
        item_row = _is_item_row(cells)
        extra: list[str] = []  # lines that follow this row
        if item_row and header is not None and rng.random() < 0.15:
            out.extend(["", "\t".join(header)])  # the header repeated at the top of a page
        if item_row and out and out[-1] == "" and rng.random() < 0.3:
            out.pop()  # a blank line dropped
        elif item_row and rng.random() < 0.15:
            out.append("")  # a blank line added
        filled = [i for i, cell in enumerate(cells) if cell.strip()]
        if item_row and len(filled) >= 2 and rng.random() < 0.3:
            # the rest of a cell on a row of its own after a page break
            column = rng.choice(filled[1:])
            parts = _split_point(rng, cells[column])
            if parts is not None:
                cells[column] = parts[0]
                rest = [""] * len(cells)
                rest[column] = parts[1]
                extra.extend(["", "\t".join(rest)])
        elif item_row and len(filled) >= 2 and filled[-1] == max(
                i for i, c in enumerate(cells) if c.strip()) and rng.random() < 0.3:
            # the rest of the row's last cell on a line of its own
            parts = _split_point(rng, cells[filled[-1]])
            if parts is not None:
                cells[filled[-1]] = parts[0]
                extra.append(parts[1])
        for index, cell in enumerate(cells):
            if cell.strip() and not NUMBER.match(cell.strip()) and rng.random() < 0.15:
                cells[index] = _html(rng, cell)
            elif cell.strip() and rng.random() < 0.1:
                cells[index] = cell.replace(" ", "\u00a0", 1)
        row = "\t".join(cells)
        if not cells[0].strip() and rng.random() < 0.5:
            row = row[1:]  # the empty first cell lost
        elif len([c for c in cells if c.strip()]) >= 2 and "\n" not in row \
                and all(c.strip() for c in "\t".join(cells).rstrip("\t").split("\t")) \
                and rng.random() < 0.2:
            row = re.sub(r"\t+", lambda m: " " * rng.randint(2, 4), row).rstrip()  # spaces
        out.append(row)
        for follow in extra:
            if "\t" in follow and not follow.split("\t")[0] and rng.random() < 0.5:
                follow = follow[1:]
            out.append(follow)
    result = "\n".join(out)
    if rng.random() < 0.5:
        result = result.replace("\n", "\r\n")
    return result


def _norm(value: str | None) -> str:
    return " ".join((value or "").split())


def signature(roadmap: ParsedRoadmap) -> dict:
    year = roadmap.year
    return {
        "title": roadmap.title,
        "year": year,
        "approved_by": roadmap.approved_by,
        "sections": [
            (_norm(section.title), [
                (item.number, _norm(item.text), _norm(item.period_text), _norm(item.executors),
                 _norm(item.expected_result), _norm(item.indicator),
                 parse_period(item.period_text, year).start,
                 parse_period(item.period_text, year).end)
                for item in section.items])
            for section in roadmap.sections],
    }


@pytest.fixture(scope="module")
def clean() -> dict[str, dict]:
    return {name: signature(parse_text((FIXTURES / name).read_text(encoding="utf-8")))
            for name in DOCUMENTS}


def test_the_corpus_is_really_damaged():
    """Every kind of damage occurs in the corpus the seeds build."""
    texts = [perturb((FIXTURES / name).read_text(encoding="utf-8"), seed)
             for name in DOCUMENTS for seed in SEEDS]
    joined = "\n".join(texts)
    assert "<ul>\n  <li>" in joined and "<br>" in joined and "<p>" in joined
    assert "&laquo;" in joined and "\u00a0" in joined and "\r\n" in joined
    assert re.search(r"\S   ?\S", joined.replace("\t", "")) is not None
    clean_rows = sum(line.count("\t") > 0 for name in DOCUMENTS
                     for line in (FIXTURES / name).read_text(encoding="utf-8").split("\n"))
    assert all(text.count("\n") > 0 for text in texts)
    assert sum(t.count("\t") for t in texts) != clean_rows


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_damaged_text_gives_the_same_roadmap(clean, name, seed):
    damaged = perturb((FIXTURES / name).read_text(encoding="utf-8"), seed)
    assert damaged != (FIXTURES / name).read_text(encoding="utf-8")
    got = signature(parse_text(damaged))
    expected = clean[name]
    assert got["title"] == expected["title"]
    assert (got["year"], got["approved_by"]) == (expected["year"], expected["approved_by"])
    assert [title for title, _ in got["sections"]] == [t for t, _ in expected["sections"]]
    for (title, items), (_, expected_items) in zip(got["sections"], expected["sections"]):
        assert [i[0] for i in items] == [i[0] for i in expected_items], title
        for item, expected_item in zip(items, expected_items):
            assert item == expected_item
