"""Import of a roadmap (дорожная карта / план мероприятий) from a Word document or pasted text.

No database and no Flask here: the input is a ``.docx`` file or text pasted from Word/Excel
(heading lines, then tab-separated table rows), the output is a plain :class:`ParsedRoadmap`.

Bounds: a parse takes time proportional to its input, and :class:`ImportLimits` (settings
``ROADMAP_IMPORT_MAX_PARAGRAPHS``, ``…_ROWS``, ``…_CELLS``, ``…_CHARS``, ``…_SECONDS``) stop it
at the first bound crossed with a Russian message naming it. Paragraphs, rows, cells and
characters are counted as they are read, so an oversized document stops early; the time is
checked in every loop. A .docx is checked as a zip before it is opened
(:mod:`shnor_app.services.files.archives`).

Pipeline
--------
1. **Blocks.** The input becomes a list of paragraphs and tables in document order.
   Text: each line is split on tabs (Excel-style quoted cells ``"…""…"`` may hold tabs and line
   breaks; line breaks inside an HTML list are spaces); a line without tabs whose text is set
   apart by runs of spaces is a row too; blank lines between rows do not end a table — they
   mark a page break (the next row gets ``after_break``). A line of its own between rows stays
   in the table (``bare``: the rest of a cell or a section title, decided by the parser); lines
   followed by another table's header are paragraphs. HTML holding a table (a web page, Word's
   clipboard copy) is read by :class:`_HtmlReader` like a .docx. Docx: paragraphs and tables of
   the body, read
   as a stream (:class:`_DocxReader`); a cell merged across columns keeps its text in its
   first column only; a cell merged down from the row above is flagged as *inherited*; a
   table nested in a cell is kept as lines of that cell's text and named in a warning.
2. **Header detection.** A row is the header of a measures table when its cells name a
   measure («Мероприятие», «Содержание деятельности» …) AND a deadline («Срок», «Дата» …),
   no cell is a number and all cells are short. A table whose rows switch to another header
   (a different measures header, or «№ / ФИО / Должность» and the like) is split there, so a
   list of working-group members pasted right under the plan is not read as measures.
   Parts of one plan split into a Word table per section — separated by a caption of one or
   two short paragraphs and either repeating the same header or having no header and the same
   number of columns — are joined, each caption becoming a section row.
3. **Column roles** come from the header text, not from positions; see :data:`ROLE_KEYWORDS`.
   A cell gets the role whose keyword occurs *earliest* in it, so «Сроки и периодичность
   проведения мероприятий» is a period and «Результат исполнения» a result. A column without
   a role that holds numbers under an empty header cell becomes the number column. Columns that
   get no role are named in a warning when they hold anything. Indicator columns are those
   saying «Показатель», «Индикатор», «Форма отчётности/контроля», «Отчётная документация»,
   «…документы»; a result column says «Ожидаемый результат» / «Результат …».
4. **Cells placed by content** (text only, :meth:`_TableParser._align`): a row whose cells do
   not match the header's positions is placed by what its cells hold (:func:`_fit`,
   :func:`_place_by_content`).
   **Row classification** (see :func:`_classify_row`): repeated header → skipped; row of column
   numbers «1 2 3 4 5» → skipped; section; item; continuation of the item above (a row broken by
   a page break) → merged into that item cell by cell; anything else → a warning.
5. **Several tables.** Every measures table with items is imported, in document order: a second
   and third plan become further sections, the first section of each named by the plan's
   caption when it has none. Title, year and order come from the table with the most items.
6. **Heading.** Only the text before the chosen table is read (paragraphs, and small layout
   tables of up to 6 rows where stamps are often set): the title, the year (the first year in
   the title) and the approving order (kind, number, date). The title is the line starting
   «План», «Дорожная карта», «Комплекс мер» … (after a «5.» numbering, quotes or ``**``) nearest
   above the table, joined with the following lines that continue it (start in lower case, are
   all capitals like it, or open a quote/bracket) — up to 4 lines. When that caption names no
   year but the document's opening heading has a plan title with a year, the latter is taken.

Heuristics for rows (documented because real documents need them)
------------------------------------------------------------------
*Numbered table* — the table has a number column and at least half of the rows that have both a
measure and a deadline carry a number there:

* a row with a number (in any table) is an item, except a row with only a number and a text
  whose next number is a child of it («4.» followed by «4.1.») or a Roman number («II.») —
  that is a section; a number with nothing else is reported and skipped;
* a row without a number whose only text is in the number/first column, or repeated in several
  cells (Word's merged cells), is a section;
* a row without a number whose only text is in the measure column is a continuation when it
  starts in lower case, or when it follows a page break and the measure above has no final
  punctuation; otherwise it is a section;
* a row without a number whose only text is in another column (period, executors …) is a
  continuation;
* a row without a number with several different cells is a continuation when it follows a page
  break (blank line or repeated header), its measure cell is empty or starts in lower case, or
  the measure above ends with a hyphen; otherwise it is a complete row whose number was
  forgotten — a new item without a number;
* a row whose «№» cell holds words, not a number, is an item without a number when it has a
  measure, a section when that is its only text, and is reported otherwise (a signature line).

*Numberless table*: a section is recognised as above; a row is a continuation when its measure
cell is empty, starts in lower case / with punctuation, the measure above ends with a word broken
by a hyphen, or it follows a page break and at most half of the known columns are filled;
otherwise it is a new item. A number written at the start of the measure («1.2. Проведение…») is
taken as the item number when the table has no number column.

Continuation cells are joined with a space, with a newline when the new part starts a list item
(«- », «• », «1)») or ends one, and without a space when the cell above ends with a word broken by
a hyphen («специа-» + «лист»).

Approving order: first the approval stamp nearest above the table — a block starting with
«УТВЕРЖДЕН(А/О/Ы)», «Приложение», «к приказу/распоряжению/постановлению» — read up to the kind,
number and date; amendments («(с изменениями от 28.04.23 № 76-Д)», «в редакции …») are cut out,
so the original order wins. Failing that, the document's own requisites: a short line starting
with «ПРИКАЗ»/«РАСПОРЯЖЕНИЕ»/«ПОСТАНОВЛЕНИЕ» and the short date/number lines around it. Orders
merely cited in the text («На основании приказа министерства …») are never taken.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, Iterable, Iterator

from ...text import clean_text
from ..errors import ServiceError
from ..files.archives import ArchiveDamaged, ArchiveError, open_archive
from ..limits import Deadline, fmt_count, limits_for

__all__ = [
    "ApprovedBy",
    "ImportLimits",
    "ParsedItem",
    "ParsedRoadmap",
    "ParsedSection",
    "PASTED_HTML_MAX",
    "PASTED_NAME",
    "RoadmapImportError",
    "looks_like_html_table",
    "parse_docx",
    "parse_pasted",
    "parse_text",
    "parse_upload",
]


# --------------------------------------------------------------------------------------------
# Public structures
# --------------------------------------------------------------------------------------------


class RoadmapImportError(ServiceError):
    """The input cannot be imported; ``message`` is Russian and shown to the user."""


# How much one document may hold: paragraphs, rows, cells, chars, seconds.
ImportLimits = limits_for("ROADMAP_IMPORT_MAX_", "ImportLimits")


class _Budget:
    """What one parse has read so far, against :class:`ImportLimits`: the first bound crossed
    stops it with a message naming what was too large."""

    def __init__(self, limits: ImportLimits | None, subject: str, where: str, advice: str):
        self.limits = limits = limits or ImportLimits.from_settings()
        self.where = where  # «документе» / «тексте»
        self.advice = advice
        self.deadline = Deadline(
            limits.seconds, RoadmapImportError,
            f"{subject} разбирается дольше {fmt_count(int(limits.seconds))} с — он слишком "
            f"велик или устроен необычно. {advice}")
        self.counts = Counter()

    def _add(self, what: str, n: int, limit: int, words: str) -> None:
        self.counts[what] += n
        if self.counts[what] > limit:
            raise RoadmapImportError(
                f"В {self.where} больше {fmt_count(limit)} {words} — столько в плане "
                f"мероприятий не бывает. {self.advice}")

    def tick(self) -> None:
        self.deadline.check()

    def paragraph(self) -> None:
        self._add("paragraphs", 1, self.limits.paragraphs, "абзацев")

    def row(self) -> None:
        self._add("rows", 1, self.limits.rows, "строк таблиц")

    def cells(self, n: int) -> None:
        self._add("cells", n, self.limits.cells, "ячеек таблиц")

    def chars(self, n: int) -> None:
        self._add("chars", n, self.limits.chars, "знаков текста")


@dataclass
class ApprovedBy:
    kind: str | None = None  # "приказ" | "распоряжение" | "постановление"
    number: str | None = None
    date: date | None = None


@dataclass
class ParsedItem:
    number: str | None
    text: str
    period_text: str = ""
    executors: str = ""
    executor_names: list[str] = field(default_factory=list)
    expected_result: str = ""
    indicator: str = ""
    source_line: int = 0


@dataclass
class ParsedSection:
    title: str | None
    items: list[ParsedItem] = field(default_factory=list)


@dataclass
class ParsedRoadmap:
    title: str | None
    year: int | None
    approved_by: ApprovedBy
    columns: dict[str, int]
    sections: list[ParsedSection]
    warnings: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


NO_TABLE_TEXT = "В тексте не найдена таблица мероприятий: нет столбцов «Мероприятие» и «Срок»"
NO_TABLE_DOCX = "В документе не найдена таблица мероприятий: нет столбцов «Мероприятие» и «Срок»"
NOT_DOCX = "Файл не является документом Word (.docx)"
DAMAGED_DOCX = "Не удалось прочитать документ Word: файл повреждён"
OLD_DOC = ("Файл в старом формате Word (.doc). Сохраните его как .docx или вставьте таблицу "
           "текстом")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls of Office 97–2003

# --------------------------------------------------------------------------------------------
# Column roles
# --------------------------------------------------------------------------------------------

ROLES = ("number", "text", "period", "executors", "expected_result", "indicator")

#: Keyword stems per role, matched at the start of a word of the lower-cased header cell
#: (ё read as е). The role whose stem occurs earliest in the cell wins.
ROLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "text": ("мероприят", "содержани", "наименовани", "меры", "мера", "действи",
             "вид работ", "виды работ", "вид деятельност", "виды деятельност"),
    "period": ("срок", "дата", "даты", "период", "время"),
    "executors": ("исполнител", "соисполнител", "ответствен"),
    "expected_result": ("ожидаем", "результат"),
    "indicator": ("показател", "индикатор", "форма отчет", "форма контрол", "форма представлен",
                  "отчетн", "отчет", "документ"),
}
_ROLE_PATTERNS = {
    role: re.compile("|".join(rf"(?<![а-яa-z]){re.escape(stem)}" for stem in stems))
    for role, stems in ROLE_KEYWORDS.items()
}
_NUMBER_HEADER_RE = re.compile(r"^(?:№|n|no|номер)?(?:п/?п|пп)?(?:№)?$")

# --------------------------------------------------------------------------------------------
# Small text helpers
# --------------------------------------------------------------------------------------------

_HTML_BREAK_TAGS = {"br", "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4",
                    "h5", "h6"}
_HTML_TAG_RE = re.compile(  # «\s*(?:/\s*)?», not «\s*/?\s*»: the latter backtracks quadratically
    r"<\s*(?:/\s*)?(p|br|ul|ol|li|div|span|b|strong|i|em|u|s|font|table|tbody|thead|tr|td|th|sup|"
    r"sub|a|h[1-6])\b[^<>]*>",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")  # \t \n \v \f handled above
_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:[.,]\d{1,3})*[.)]?|[IVXLCХІ]{1,6}[.)]?)$")  # Х, І: Cyrillic
_ROMAN_RE = re.compile(r"^[IVXLCХІ]{1,6}[.)]?$")
_LEADING_NUMBER_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+)\s+(?=\S)")
_BULLET_RE = re.compile(r"^(?:[-–—•·*▪●]|\d{1,2}\))\s*")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _clean_html(value: str) -> str:
    if "<" in value and _HTML_TAG_RE.search(value):
        def replace(match: re.Match[str]) -> str:
            return "\n" if match.group(1).lower() in _HTML_BREAK_TAGS else " "
        value = _HTML_TAG_RE.sub(replace, value)
    if "&" in value:
        value = html.unescape(value)
    return value


def _clean_cell(value: str) -> str:
    """Plain text of a cell: HTML removed, spaces collapsed, one line per paragraph/list item,
    no control characters (the input rule of every text field)."""
    value = clean_text(_clean_html(value))
    value = value.replace("\u00ad", "").replace("\u200b", "").replace("\ufeff", "")
    value = _CONTROL_RE.sub("", value)
    lines = (_SPACES_RE.sub(" ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _norm(value: str) -> str:
    """Lower-cased, ё→е, one line — for keyword matching."""
    return _one_line(value).lower().replace("ё", "е")


def _is_number(value: str) -> bool:
    return bool(value) and bool(_NUMBER_RE.match(value.replace(" ", "")))


def _starts_lower(value: str) -> bool:
    """True when the text reads as the continuation of a sentence (lower case, punctuation)."""
    first = value.lstrip()[:1]
    return bool(first) and (first.islower() or first in ",;:()]»-–—•")


def _ends_sentence(value: str) -> bool:
    return value.rstrip()[-1:] in (".", "!", "?", ";")


def _ends_with_broken_word(value: str) -> bool:
    return bool(re.search(r"[A-Za-zА-Яа-яЁё]-$", value))


_OPEN_WORDS = frozenset({"и", "или", "в", "во", "на", "по", "для", "с", "со", "к", "ко", "от",
                         "из", "о", "об", "при", "за", "до", "а", "но", "не"})


def _unfinished(value: str) -> bool:
    """Does the text stop mid-phrase (a comma, a hyphen, a preposition, an open quote)?"""
    value = value.rstrip()
    if not value:
        return False
    if value[-1] in ",-–—/(«“„" or value.count("«") > value.count("»") \
            or value.count("(") > value.count(")"):
        return True
    return value.rsplit(None, 1)[-1].lower() in _OPEN_WORDS


def _join_cell(previous: str, addition: str) -> str:
    """Append a continuation to a cell broken by a page break."""
    if not previous:
        return addition
    if not addition:
        return previous
    if _ends_with_broken_word(previous) and addition[:1].islower():
        return previous[:-1] + addition
    last_line = previous.rsplit("\n", 1)[-1]
    if _BULLET_RE.match(addition) or (_BULLET_RE.match(last_line) and _ends_sentence(previous)):
        return previous + "\n" + addition
    return previous + " " + addition


def _split_names(executors: str) -> list[str]:
    """Executors split on commas, semicolons and line breaks outside quotes and brackets."""
    names: list[str] = []
    depth = 0
    current: list[str] = []
    for char in executors:
        if char in "«(“„[":
            depth += 1
        elif char in "»)”]" and depth:
            depth -= 1
        if char in ",;\n" and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [name for name in (n.strip() for n in names) if name]


def _snippet(cells: Iterable[str], limit: int = 100) -> str:
    text = " | ".join(_one_line(cell) for cell in cells if cell)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------
# Blocks: the common shape of text and docx input
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    cells: list[str]
    ref: int  # line (text) or 1-based row index in its table (docx)
    label: str  # «Строка 57» / «Таблица 2, строка 5»
    after_break: bool = False
    inherited: frozenset[int] = frozenset()  # docx: columns merged down from the row above
    forced_section: bool = False  # a caption between two parts of one table
    nested: frozenset[int] = frozenset()  # docx: columns whose cell held a table (kept as text)
    bare: bool = False  # text: a line of its own inside a table, its column unknown
    placed: bool = False  # text: cells put into columns by content, not by position
    spaced: bool = False  # text: cells set apart by runs of spaces, empty cells not seen
    trailing: bool = False  # text: a line right under a table's last row, text after it

    def own(self, index: int | None) -> str:
        """Cell text unless it is merely merged down from the row above."""
        if index is None or index >= len(self.cells) or index in self.inherited:
            return ""
        return self.cells[index]


@dataclass
class _Table:
    rows: list[_Row]
    docx_number: int | None = None  # 1-based index of a docx table

    @property
    def where(self) -> str:
        if self.docx_number is not None:
            return f"Таблица {self.docx_number}"
        first, last = self.rows[0].ref, self.rows[-1].ref
        return f"Строка {first}" if first == last else f"Строки {first}–{last}"


@dataclass
class _Paragraph:
    text: str
    ref: int


_Block = _Table | _Paragraph

# ---- text ----------------------------------------------------------------------------------


def _read_quoted(text: str, start: int) -> tuple[str, int] | None:
    """Excel-style quoted cell starting at ``text[start] == '"'``.

    Returns (content, index after the closing quote), or None when it is not a quoted cell."""
    parts: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            if i + 1 < n and text[i + 1] == '"':
                parts.append('"')
                i += 2
                continue
            if i + 1 >= n or text[i + 1] in "\t\n":
                return "".join(parts), i + 1
            return None
        parts.append(char)
        i += 1
    return None


def _split_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Tab-separated records with the 1-based line each starts on; quoted cells may span lines."""
    i, line, n = 0, 1, len(text)
    while i <= n:
        start_line = line
        cells: list[str] = []
        while True:
            quoted = _read_quoted(text, i) if i < n and text[i] == '"' else None
            if quoted is not None:
                content, end = quoted
                follows = text[end] if end < n else ""
                # Excel quotes a cell only when it holds a tab, a line break or a quote; a quote
                # left open in plain text would swallow whole rows (tabs *and* line breaks).
                special = any(c in content for c in '\t\n"')
                swallowed_rows = "\t" in content and "\n" in content
                if (cells or follows == "\t") and special and not swallowed_rows:
                    cells.append(content)
                    line += content.count("\n")
                    i = end
                else:
                    quoted = None
            if quoted is None:
                end = i
                while end < n and text[end] not in "\t\n":
                    end += 1
                cells.append(text[i:end])
                i = end
            if i < n and text[i] == "\t":
                i += 1
                continue
            break
        yield start_line, cells
        line += 1
        i += 1  # past the newline (or beyond the end)


#: A gap of two or more spaces: the cell separator of text copied from a PDF or a web page.
_SPACE_GAP_RE = re.compile(r"[ \u00a0\u2007\u202f]{2,}")
#: How many lines of their own may sit between two rows of one table (a cell of several
#: paragraphs, a section caption); more is text between two tables.
_MAX_HELD_LINES = 6
_HTML_LIST_TAG_RE = re.compile(r"<\s*(/\s*)?(?:ul|ol)\b[^<>]*>|\n", re.IGNORECASE)
#: An HTML list left open swallows no more than this many lines.
_MAX_LIST_LINES = 200


def _join_html_list_lines(text: str) -> str:
    """Line breaks inside an HTML list (``<ul>…</ul>`` written over several lines) are HTML
    white space, not ends of rows: they become spaces. One pass; a list that does not close
    within :data:`_MAX_LIST_LINES` lines is left as it is."""
    if "<" not in text:
        return text
    out: list[str] = []
    depth = 0
    newlines: list[int] = []  # indexes in ``out`` of the newlines inside the open list
    position = 0
    for match in _HTML_LIST_TAG_RE.finditer(text):
        out.append(text[position:match.start()])
        position = match.end()
        token = match.group(0)
        if token == "\n":  # nosec B105 - a parser token, not a password
            if depth:
                newlines.append(len(out))
                if len(newlines) > _MAX_LIST_LINES:  # never closed: keep the lines as they are
                    depth, newlines = 0, []
            out.append("\n")
            continue
        if match.group(1):  # a closing tag
            if depth:
                depth -= 1
                if not depth:
                    for index in newlines:
                        out[index] = " "
                    newlines = []
        else:
            depth += 1
        out.append(token)
    out.append(text[position:])
    return "".join(out)


def _split_on_spaces(line: str, in_table: bool) -> list[str]:
    """A line without tabs whose text is set apart by runs of spaces, as text copied from a
    PDF or a web page is: its cells. Inside a table a line starting with such a run gets an
    empty first cell (its columns are then found by content); outside a table the line must
    hold at least three pieces to be a row (a header), so a signature «Начальник    Иванов» is
    not one."""
    if not _SPACE_GAP_RE.search(line):
        return [line]
    pieces = _SPACE_GAP_RE.split(line)
    filled = [piece for piece in pieces if piece.strip()]
    if in_table:
        if len(filled) >= 2 or (filled and not pieces[0].strip()):
            if not pieces[-1].strip():
                pieces.pop()
            return pieces
        return [line]
    if len(filled) >= 3:
        return [piece for piece in pieces if piece.strip()]
    return [line]


def _text_blocks(text: str, budget: _Budget) -> list[_Block]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if _looks_like_html_table(text):
        return _html_blocks(text, budget)
    text = _join_html_list_lines(text)
    blocks: list[_Block] = []
    table: _Table | None = None
    page_break = False
    held: list[_Row] = []  # lines of their own after a row: kept in the table if rows follow

    def release(rows: list[_Row]) -> None:
        for row in rows:
            blocks.append(_Paragraph(row.cells[0], row.ref))

    for line, raw_cells in _split_records(text):
        budget.tick()
        spaced = False
        if len(raw_cells) == 1:
            raw_cells = _split_on_spaces(raw_cells[0], in_table=table is not None)
            spaced = len(raw_cells) > 1
        if len(raw_cells) > 1:
            budget.row()
            budget.cells(len(raw_cells))
        elif raw_cells[0].strip():
            budget.paragraph()
        cells = [_clean_cell(cell) for cell in raw_cells]
        if len(raw_cells) > 1:
            if held:
                header = _header_roles(cells) is not None or _is_other_header(cells)
                repeated = header and table is not None and any(
                    _same_cells(cells, row.cells) for row in table.rows[:4])
                if table is not None and not header and len(held) <= _MAX_HELD_LINES:
                    table.rows.extend(held)
                else:  # text between tables, but for the end of the row above it
                    keep = _continuing(held, repeated)
                    if not keep and _may_end_the_row(held[0]) and table is not None:
                        held[0].trailing = True  # right under the row: the parser decides
                        keep = 1
                    table.rows.extend(held[:keep])  # type: ignore[union-attr]
                    if keep < len(held):
                        table = None
                        release(held[keep:])
                held = []
            if table is None:
                table = _Table(rows=[])
                blocks.append(table)
            after_break = page_break and bool(table.rows)
            table.rows.append(_Row(cells, line, f"Строка {line}", after_break=after_break,
                                   spaced=spaced))
            page_break = False
        elif cells[0]:
            paragraph = cells[0].replace("**", "").strip()
            if table is not None and paragraph:
                held.append(_Row([paragraph], line, f"Строка {line}", after_break=page_break,
                                 bare=True))
            elif paragraph:
                table = None
                blocks.append(_Paragraph(paragraph, line))
            page_break = False
        else:
            page_break = True
    if held and table is not None:
        keep = _continuing(held)
        if not keep and _may_end_the_row(held[0]):
            # Right under the last row: perhaps the end of its last cell; the parser decides,
            # and ignores it as text after the table otherwise.
            held[0].trailing = True
            keep = 1
        table.rows.extend(held[:keep])
        release(held[keep:])
    return blocks


def _may_end_the_row(line: _Row) -> bool:
    """May a line right under a table's last row (no blank line between) be the end of that
    row's last cell? Not when it is a numbered heading, a plan title or an approval stamp."""
    text = line.cells[0]
    return not (line.after_break or _HEADING_NUMBER_RE.match(text) or _is_title_start(text)
                or _STAMP_RE.match(text))


def _continuing(held: list[_Row], page_break: bool = False) -> int:
    """How many of the lines after a table's row end that row's cell: those continuing a
    sentence (in lower case) — or, before the table's own header repeated after a page break,
    any line up to a numbered heading (the caption of the table's next part); the rest is text
    after the table."""
    keep = 0
    while keep < len(held) and keep < _MAX_HELD_LINES:
        text = held[keep].cells[0]
        if not (_starts_lower(text) or (page_break and not _HEADING_NUMBER_RE.match(text)
                                        and not _is_title_start(text))):
            break
        keep += 1
    return keep


# ---- HTML (a table copied from a web page or Word as text/html) -----------------------------

_HTML_TABLE_RE = re.compile(r"<\s*table\b", re.IGNORECASE)
_HTML_CELL_RE = re.compile(r"<\s*t[dh]\b", re.IGNORECASE)
_HTML_BLOCK_TAGS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                              "blockquote", "pre", "section", "article", "header", "footer",
                              "caption", "dl", "dt", "dd", "center"})
_HTML_SKIPPED = frozenset({"head", "style", "script", "title", "template", "noscript", "xml"})
_HTML_WS_RE = re.compile(r"[ \t\n\r\f\v]+")


def _looks_like_html_table(text: str) -> bool:
    head = text[:200_000]
    return bool(_HTML_TABLE_RE.search(head)) and bool(_HTML_CELL_RE.search(head))


def _span(value: str | None) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), 1000)
    except ValueError:
        return 1


class _HtmlTable:
    def __init__(self, number: int | None):
        self.number = number  # None for a table nested in a cell
        self.rows: list[_Row] = []
        self.cells: list[str] | None = None  # the row being read
        self.inherited: set[int] = set()
        self.nested: set[int] = set()
        self.pending: dict[int, tuple[int, str]] = {}  # column → (rows left, text): rowspan
        self.cell: list[str] | None = None  # pieces of the cell being read
        self.cell_spans = (1, 1)
        self.cell_nested = False

    def fill_pending(self, upto: int | None) -> None:
        """Put the cells merged down from above into the row: those at the next column
        (``upto`` given), or all that are left (at the end of the row)."""
        cells = self.cells if self.cells is not None else []
        last = max(self.pending, default=-1)
        while len(cells) in self.pending or (upto is None and len(cells) <= last):
            column = len(cells)
            if column in self.pending:
                self.inherited.add(column)
                cells.append(self.pending[column][1])
            else:
                cells.append("")


class _HtmlReader:
    """Paragraphs and tables of an HTML fragment, read like a Word document: a paragraph,
    list item or ``<br>`` is a line; a cell spanning columns keeps its text in its first
    column; a cell spanning rows is repeated below and flagged as merged down; a table in a
    cell becomes lines of that cell («a; b» per row) and is named in a warning. The text of
    ``<head>``, ``<style>``, ``<script>`` and of Word's list bullets is not read."""

    def __init__(self, budget: _Budget):
        from html.parser import HTMLParser

        reader = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                reader.start(tag.lower(), dict(attrs))

            def handle_startendtag(self, tag, attrs):
                reader.start(tag.lower(), dict(attrs))
                if tag.lower() not in ("br", "td", "th", "tr", "table"):
                    reader.end(tag.lower())

            def handle_endtag(self, tag):
                reader.end(tag.lower())

            def handle_data(self, data):
                reader.data(data)

        self.parser = Parser(convert_charrefs=True)
        self.budget = budget
        self.blocks: list[_Block] = []
        self.paragraph: list[str] = []
        self.tables: list[_HtmlTable] = []
        self.table_number = 0
        self.skip_depth = 0
        self.ignored_spans: list[bool] = []
        self.paragraph_index = 0

    def read(self, text: str) -> list[_Block]:
        step = 65536  # fed in pieces so the time bound is checked while reading
        for start in range(0, len(text), step):
            self.budget.tick()
            self.parser.feed(text[start:start + step])
        self.parser.close()
        while self.tables:
            self.end("table")
        self.flush_paragraph()
        return self.blocks

    # -- text sinks --

    def _sink(self) -> list[str]:
        for table in reversed(self.tables):
            if table.cell is not None:
                return table.cell
            break
        return self.paragraph

    def line_break(self) -> None:
        sink = self._sink()
        if sink is self.paragraph and not self.tables:
            self.flush_paragraph()
        else:
            sink.append("\n")

    def flush_paragraph(self) -> None:
        text = _clean_cell("".join(self.paragraph))
        self.paragraph = []
        for line in text.split("\n"):
            if line:
                self.budget.paragraph()
                self.paragraph_index += 1
                self.blocks.append(_Paragraph(line.replace("**", "").strip(), self.paragraph_index))

    # -- events --

    def data(self, data: str) -> None:
        self.budget.tick()
        if self.skip_depth or any(self.ignored_spans):
            return
        self.budget.chars(len(data))
        self._sink().append(_HTML_WS_RE.sub(" ", data))

    def start(self, tag: str, attrs: dict) -> None:
        self.budget.tick()
        if tag in _HTML_SKIPPED:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "span":
            style = (attrs.get("style") or "").replace(" ", "").lower()
            self.ignored_spans.append("mso-list:ignore" in style)
            return
        if tag == "br":
            self._sink().append("\n")
        elif tag in _HTML_BLOCK_TAGS:
            self.line_break()
        elif tag == "table":
            outer = self.tables[-1] if self.tables else None
            if outer is None:
                self.flush_paragraph()
                self.table_number += 1
                self.tables.append(_HtmlTable(self.table_number))
            elif outer.cell is not None:
                outer.cell_nested = True
                self.tables.append(_HtmlTable(None))
            # a <table> straight inside a <table>: ignored, its rows join the outer one
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            self._end_row(table)
            self.budget.row()
            table.cells, table.inherited, table.nested = [], set(), set()
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            self._end_cell(table)
            if table.cells is None:
                self.budget.row()
                table.cells, table.inherited, table.nested = [], set(), set()
            table.fill_pending(upto=len(table.cells))
            table.cell = []
            table.cell_spans = (_span(attrs.get("colspan")), _span(attrs.get("rowspan")))
            table.cell_nested = False
            self.budget.cells(table.cell_spans[0])

    def end(self, tag: str) -> None:
        self.budget.tick()
        if tag in _HTML_SKIPPED:
            self.skip_depth = max(self.skip_depth - 1, 0)
            return
        if self.skip_depth:
            return
        if tag == "span":
            if self.ignored_spans:
                self.ignored_spans.pop()
            return
        if tag in _HTML_BLOCK_TAGS:
            self.line_break()
        elif tag in ("td", "th") and self.tables:
            self._end_cell(self.tables[-1])
        elif tag == "tr" and self.tables:
            self._end_row(self.tables[-1])
        elif tag == "table" and self.tables:
            table = self.tables.pop()
            self._end_row(table)
            if table.number is None:  # nested: its rows become lines of the outer cell
                lines = ["; ".join(c for c in (_one_line(cell).rstrip(";") for cell in row.cells)
                                   if c) for row in table.rows]
                outer = self.tables[-1] if self.tables else None
                if outer is not None and outer.cell is not None:
                    outer.cell.append("\n" + "\n".join(line for line in lines if line) + "\n")
            elif table.rows:
                self.blocks.append(_Table(rows=table.rows, docx_number=table.number))

    def _end_cell(self, table: _HtmlTable) -> None:
        if table.cell is None or table.cells is None:
            table.cell = None
            return
        text = _clean_cell("".join(table.cell))
        colspan, rowspan = table.cell_spans
        column = len(table.cells)
        if table.cell_nested:
            table.nested.add(column)
        table.cells.append(text)
        table.cells.extend([""] * (colspan - 1))
        if rowspan > 1:
            for offset in range(colspan):
                table.pending[column + offset] = (rowspan - 1, text if not offset else "")
        table.cell = None

    def _end_row(self, table: _HtmlTable) -> None:
        self._end_cell(table)
        if table.cells is None:
            return
        table.fill_pending(upto=None)
        for column in table.inherited:  # merged down into this row: one row fewer to go
            left, text = table.pending[column]
            if left <= 1:
                del table.pending[column]
            else:
                table.pending[column] = (left - 1, text)
        index = len(table.rows) + 1
        if any(table.cells):
            label = (f"Таблица {table.number}, строка {index}" if table.number
                     else f"строка {index}")
            table.rows.append(_Row(list(table.cells), index, label,
                                   inherited=frozenset(table.inherited),
                                   nested=frozenset(table.nested)))
        table.cells = None


def _html_blocks(text: str, budget: _Budget) -> list[_Block]:
    return _HtmlReader(budget).read(text)


# ---- docx ----------------------------------------------------------------------------------


DOCUMENT_PART = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _TBL, _TR, _TC, _R, _T, _BR = (
    _W + name for name in ("body", "p", "tbl", "tr", "tc", "r", "t", "br"))
_RUN_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
#: Elements around runs whose text Word shows (links, tracked insertions, fields, controls).
_INLINE_WRAPPERS = frozenset(_W + name for name in (
    "hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent"))
#: Elements around paragraphs, tables, rows and cells (content controls, custom XML).
_BLOCK_WRAPPERS = frozenset(_W + name for name in ("sdt", "sdtContent", "customXml"))


def _docx_blocks(data: bytes | BinaryIO, budget: "_Budget") -> list[_Block]:
    raw = data if isinstance(data, (bytes, bytearray)) else data.read()
    raw = bytes(raw)
    if not _is_docx_zip(raw):
        if raw[:8] == OLE_MAGIC:
            raise RoadmapImportError(OLD_DOC)
        raise RoadmapImportError(NOT_DOCX)
    try:
        with open_archive(raw) as archive, archive.open(DOCUMENT_PART) as part:
            return _DocxReader(budget).read(part)
    except ArchiveDamaged as exc:
        raise RoadmapImportError(DAMAGED_DOCX) from exc
    except RoadmapImportError:
        raise
    except ArchiveError as exc:
        raise RoadmapImportError(exc.message) from None
    except Exception as exc:  # noqa: BLE001 - corrupt XML, a damaged member, odd tables …
        raise RoadmapImportError(DAMAGED_DOCX) from exc


class _DocxReader:
    """The paragraphs and tables of a document's body, in one pass over its XML.

    The XML is read as a stream (``iterparse``); each paragraph or table of the body is turned
    into a block as soon as it ends and then dropped, so memory holds one block at a time.
    Every paragraph, row, cell and character is counted against the limits the moment the
    parser meets it, so an oversized document stops early. Word's text is read as python-docx
    reads it — runs (also inside links, tracked insertions, fields and content controls), tabs,
    line breaks — and merged cells the same way: a cell merged across columns is repeated in
    every column it spans, a cell merged down («vMerge continue») is the cell above it, found
    through a map of the previous row's cells by grid column (python-docx walks the rows above
    for every such cell, which grows with the cube of the table). A table nested in a cell
    becomes lines of that cell's text («a; b» per row) and the row is flagged for a warning.
    """

    def __init__(self, budget: "_Budget"):
        self.budget = budget

    def read(self, stream) -> list[_Block]:
        from lxml import etree

        blocks: list[_Block] = []
        paragraph_index = table_number = 0
        budget = self.budget
        events = etree.iterparse(
            stream, events=("start", "end"), tag=(_P, _TBL, _TR, _TC, _T),
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        for event, element in events:
            budget.tick()
            tag = element.tag
            if event == "start":
                if tag == _P:
                    budget.paragraph()
                elif tag == _TR:
                    budget.row()
                continue
            if tag == _T:
                budget.chars(len(element.text or ""))
                continue
            if tag == _TC:
                budget.cells(_grid_span(element))
                continue
            if tag == _TR or not _in_body(element):
                continue
            if tag == _P:
                paragraph_index += 1
                text = _clean_cell(_paragraph_text(element))
                if text:
                    blocks.append(_Paragraph(text, paragraph_index))
            else:
                table_number += 1
                rows = _docx_table_rows(element, table_number)
                if rows:
                    blocks.append(_Table(rows=rows, docx_number=table_number))
            _release(element)
        return blocks


def _in_body(element) -> bool:
    """Is the element a paragraph or table of the body (perhaps inside a content control)?"""
    parent = element.getparent()
    while parent is not None and parent.tag in _BLOCK_WRAPPERS:
        parent = parent.getparent()
    return parent is not None and parent.tag == _BODY


def _release(element) -> None:
    """Drop a body-level block and everything before it: it has been read."""
    element.clear(keep_tail=True)
    top = element
    while top.getparent() is not None and top.getparent().tag != _BODY:
        top = top.getparent()
    body = top.getparent()
    if body is not None:
        while top.getprevious() is not None:
            del body[0]


def _children(element, *tags: str):
    """Direct children with one of ``tags``, looking through content controls and custom XML."""
    for child in element:
        if child.tag in tags:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, *tags)


def _property(element, container: str, name: str) -> str | None:
    """``w:val`` of ``element/w:{container}/w:{name}`` ("" when the property has no value)."""
    props = element.find(_W + container)
    if props is None:
        return None
    prop = props.find(_W + name)
    if prop is None:
        return None
    return prop.get(_W + "val", "")


def _int_property(element, container: str, name: str, default: int) -> int:
    value = _property(element, container, name)
    try:
        return max(int(value), 0) if value else default
    except ValueError:
        return default


def _grid_span(tc) -> int:
    return max(_int_property(tc, "tcPr", "gridSpan", 1), 1)


def _merged_down(tc) -> bool:
    """A cell continuing a vertical merge (``w:vMerge`` without ``restart``)."""
    value = _property(tc, "tcPr", "vMerge")
    return value is not None and value != "restart"


def _paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _inline_text(paragraph, parts)
    return "".join(parts)


def _inline_text(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _R:
            for piece in child:
                if piece.tag == _T:
                    parts.append(piece.text or "")
                elif piece.tag == _BR:
                    if piece.get(_W + "type") in (None, "textWrapping"):
                        parts.append("\n")
                elif piece.tag in _RUN_CHARS:
                    parts.append(_RUN_CHARS[piece.tag])
        elif tag in _INLINE_WRAPPERS:
            _inline_text(child, parts)


def _cell_text(tc) -> tuple[str, bool]:
    """The text of a cell (its paragraphs, one per line) and whether it holds a table."""
    lines: list[str] = []
    nested = False
    for child in _children(tc, _P, _TBL):
        if child.tag == _P:
            lines.append(_paragraph_text(child))
        else:
            nested = True
            lines.extend(_nested_table_lines(child))
    return "\n".join(lines), nested


def _nested_table_lines(table) -> list[str]:
    """A table inside a cell as lines of text: one per row, its cells joined with «; »."""
    lines = []
    for tr in _children(table, _TR):
        cells = []
        for tc in _children(tr, _TC):
            if _merged_down(tc):
                continue  # its text is in the row above
            text = _one_line(_clean_cell(_cell_text(tc)[0])).rstrip(";")
            if text:
                cells.append(text)
        if cells:
            lines.append("; ".join(cells))
    return lines


def _docx_table_rows(table, table_number: int) -> list[_Row]:
    rows: list[_Row] = []
    above: list = []  # the cell (its first w:tc) of each column in the row above
    above_at: dict[int, object] = {}  # grid column where a w:tc starts → its first w:tc
    texts_of: dict[object, tuple[str, bool]] = {}  # a cell merged down is read once
    for index, tr in enumerate(_children(table, _TR), start=1):
        grid = _int_property(tr, "trPr", "gridBefore", 0)
        cells: list = []
        starts: dict[int, object] = {}
        for tc in _children(tr, _TC):
            first = above_at.get(grid, tc) if _merged_down(tc) else tc
            starts[grid] = first
            cells.extend([first] * _grid_span(first))
            grid += _grid_span(tc)
        texts: list[str] = []
        inherited: set[int] = set()
        nested: set[int] = set()
        for column, cell in enumerate(cells):
            if column and cell is cells[column - 1]:
                texts.append("")  # merged across columns: the text stays in the first one
                continue
            if column < len(above) and above[column] is cell:
                inherited.add(column)
            if cell not in texts_of:
                text, has_table = _cell_text(cell)
                texts_of[cell] = (_clean_cell(text), has_table)
            text, has_table = texts_of[cell]
            texts.append(text)
            if has_table and column not in inherited:
                nested.add(column)
        above, above_at = cells, starts
        rows.append(_Row(texts, index, f"Таблица {table_number}, строка {index}",
                         inherited=frozenset(inherited), nested=frozenset(nested)))
    return rows


def _zip_names(raw: bytes) -> list[str] | None:
    """The members of a zip (checked against bombs first), or None when it is not one."""
    try:
        with open_archive(raw) as archive:
            return archive.namelist()
    except ArchiveDamaged:
        return None
    except ArchiveError as exc:
        raise RoadmapImportError(exc.message) from None


def _is_docx_zip(raw: bytes) -> bool:
    return raw[:2] == b"PK" and DOCUMENT_PART in (_zip_names(raw) or ())


# --------------------------------------------------------------------------------------------
# Header detection and table segmentation
# --------------------------------------------------------------------------------------------


def _cell_role(cell: str) -> str | None:
    text = _norm(cell)
    if not text:
        return None
    compact = re.sub(r"[\s.]", "", text)
    if _NUMBER_HEADER_RE.match(compact):
        return "number"
    best: tuple[int, int, str] | None = None
    for order, (role, pattern) in enumerate(_ROLE_PATTERNS.items()):
        match = pattern.search(text)
        if match and (best is None or (match.start(), order) < best[:2]):
            best = (match.start(), order, role)
    return best[2] if best else None


def _looks_like_header(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    return (
        len(filled) >= 2
        and not any(_is_number(cell) for cell in filled)
        and all(len(_one_line(cell).split()) <= 10 and len(cell) <= 120 for cell in filled)
    )


def _header_roles(cells: list[str]) -> dict[str, int] | None:
    """Role → column of a measures header row, or None when the row is not one."""
    if not _looks_like_header(cells):
        return None
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _cell_role(cell)
        if role and role not in roles:
            roles[role] = index
    return roles if "text" in roles and "period" in roles else None


def _is_other_header(cells: list[str]) -> bool:
    """Header of some other table («№ | ФИО | Должность», «п/п № | …»)."""
    if not _looks_like_header(cells):
        return False
    filled = [_norm(cell) for cell in cells if cell]
    first = re.sub(r"[\s.]", "", filled[0])
    return bool(_NUMBER_HEADER_RE.match(first)) or any(
        cell in ("фио", "ф.и.о.", "ф. и. о.", "должность") for cell in filled
    )


def _same_cells(a: list[str], b: list[str]) -> bool:
    strip = lambda cells: [_norm(c) for c in cells if c]  # noqa: E731
    return strip(a) == strip(b)


def _split_tables(blocks: list[_Block], budget: _Budget) -> list[_Block]:
    """Split a table where its rows switch to another table's header."""
    result: list[_Block] = []
    for block in blocks:
        if not isinstance(block, _Table):
            result.append(block)
            continue
        segment: list[_Row] = []
        roles: dict[str, int] | None = None
        for row in block.rows:
            budget.tick()
            row_roles = _header_roles(row.cells)
            starts_new = False
            if row_roles is not None:
                starts_new = bool(segment) and row_roles != roles
            elif _is_other_header(row.cells):
                starts_new = bool(segment) and not _same_cells(row.cells, segment[0].cells)
            if starts_new:
                result.append(_Table(rows=segment, docx_number=block.docx_number))
                segment, roles = [], None
            if roles is None:
                roles = row_roles
            if not segment:
                row.after_break = False
            segment.append(row)
        if segment:
            result.append(_Table(rows=segment, docx_number=block.docx_number))
    return result


def _measures_header_index(table: _Table) -> int | None:
    for index, row in enumerate(table.rows[:4]):
        if _header_roles(row.cells) is not None:
            return index
    return None


def _modal_width(table: _Table) -> int:
    return Counter(len(row.cells) for row in table.rows).most_common(1)[0][0]


def _continues(first: _Table, roles: dict[str, int], following: _Table) -> bool:
    """Is ``following`` the next part of ``first`` (one Word table per section)?"""
    header = following.rows[0].cells
    if _header_roles(header) is not None:
        return _header_roles(header) == roles
    if _is_other_header(header):
        return False
    head_index = _measures_header_index(first)
    width = len(first.rows[head_index].cells) if head_index is not None else 0
    if _modal_width(following) != width:
        return False
    number = roles.get("number")
    key = number if number is not None else roles["text"]
    good = sum(1 for row in following.rows if key < len(row.cells) and row.cells[key]
               and (number is None or _is_number(row.cells[key])))
    return good * 2 >= len(following.rows)


def _join_split_tables(blocks: list[_Block]) -> list[_Block]:
    """Join parts of one measures table separated by a short caption (a section title)."""
    result: list[_Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        result.append(block)
        i += 1
        if not isinstance(block, _Table):
            continue
        head_index = _measures_header_index(block)
        if head_index is None:
            continue
        roles = _header_roles(block.rows[head_index].cells) or {}
        width = len(block.rows[head_index].cells)
        joined_caption: str | None = None
        while True:
            j = i
            captions: list[_Paragraph] = []
            while j < len(blocks) and isinstance(blocks[j], _Paragraph) and len(captions) < 3:
                captions.append(blocks[j])  # type: ignore[arg-type]
                j += 1
            if (
                not captions
                or len(captions) > 2
                or sum(len(c.text) for c in captions) > 300
                or j >= len(blocks)
                or not isinstance(blocks[j], _Table)
                or not _continues(block, roles, blocks[j])  # type: ignore[arg-type]
            ):
                break
            following: _Table = blocks[j]  # type: ignore[assignment]
            joined_caption = _one_line(" ".join(c.text for c in captions))
            label = (following.rows[0].label if following.docx_number
                     else f"Строка {captions[0].ref}")
            block.rows.append(_Row([joined_caption] + [""] * (width - 1), captions[0].ref, label,
                                   forced_section=True))
            block.rows.extend(following.rows)
            i = j + 1
        first_caption = result[-2] if len(result) >= 2 else None
        if joined_caption and isinstance(first_caption, _Paragraph) and _is_first_section_caption(
            first_caption.text, joined_caption
        ):
            label = block.rows[0].label if block.docx_number else f"Строка {first_caption.ref}"
            block.rows.insert(head_index + 1, _Row([first_caption.text] + [""] * (width - 1),
                                                   first_caption.ref, label, forced_section=True))
    return result


def _is_first_section_caption(text: str, next_caption: str) -> bool:
    """Is the paragraph above the first part of a joined table the title of its first section?
    Yes when it is short, is not the plan's title, and is numbered like the next caption."""
    numbered = lambda value: bool(_HEADING_NUMBER_RE.match(value))  # noqa: E731
    return (
        "\n" not in text
        and len(text) <= 150
        and not _is_title_start(text)
        and not _STAMP_RE.match(text)
        and numbered(text) == numbered(next_caption)
    )


# --------------------------------------------------------------------------------------------
# Cells placed by what they hold (text tables)
# --------------------------------------------------------------------------------------------

#: Words that say a cell names who does the work (matched at the start of a word).
_EXECUTOR_WORD_RE = re.compile(
    r"(?<![а-яё])(?:руководител|директор|заместител|замдиректор|специалист|методист|куратор|"
    r"учител|педагог|администраци|управлени[ея]\b|отдел\b|отдела\b|комитет|министерств|"
    r"департамент|центр\b|центры\b|консультант|тьютор|наставник|начальник|председател|"
    r"секретар|координатор|сотрудник|работник|психолог|логопед|служб[аы]\b|кабинет|"
    r"ответственн|исполнител|рабоч\w+ групп|образовательн\w+ организаци|школ[аы]\b)",
)
#: Capitalised abbreviations of organisations («РУО», «МКУО ЦОКО», «ОО»); abbreviations of
#: other things, common in plans, do not count.
_ACRONYM_RE = re.compile(r"(?<![А-ЯЁA-Zа-яё])[А-ЯЁ]{2,8}(?![А-ЯЁа-яё])")
_NOT_EXECUTORS = frozenset({
    "ШНОР", "ШНСУ", "ВПР", "ОГЭ", "ЕГЭ", "ГИА", "ФГОС", "КПК", "ИОМ", "ОВЗ", "ИОР", "ИСБШ",
    "СОО", "НОО", "ООО", "ВСОКО", "СМИ", "ВКС", "ИКТ", "ЦОС", "НИКО", "ФИС", "ОКО", "РФ", "ПК",
    "УВР", "ВР", "ОГЭ", "ДПО", "СОШ", "ООШ", "НОШ", "ПМПК", "ПДД",
})
_INITIALS_RE = re.compile(r"(?<![А-ЯЁа-яё])[А-ЯЁ]\.\s?[А-ЯЁ]\.?\s?[А-ЯЁ][а-яё]|"
                          r"[А-ЯЁ][а-яё]+\s[А-ЯЁ]\.\s?[А-ЯЁ]\.")


def _names_executors(text: str) -> bool:
    """Does the cell read like executors (an organisation, a post, a person)?"""
    if _EXECUTOR_WORD_RE.search(text.lower().replace("ё", "е")) or _INITIALS_RE.search(text):
        return True
    return any(word not in _NOT_EXECUTORS for word in _ACRONYM_RE.findall(text))


#: A deadline broken after its first word («В» | «течение года», «до» | «15 мая»).
_PERIOD_OPENINGS = frozenset({"в", "в течение", "до", "с", "к", "по", "не позднее", "не позже",
                              "ежегодно до", "ежемесячно до", "после", "начиная с"})


def _names_period(text: str) -> bool:
    from .periods import parse_period

    return parse_period(text[:300], 2000).understood


def _fit(role: str | None, text: str) -> float:
    """How well a cell's text suits a column of ``role`` (higher is better)."""
    words = len(text.split())
    if role == "number":
        return 3.0 if _is_number(text) else -6.0
    if _is_number(text):
        return -6.0 if role == "text" else -3.0
    if role == "period":
        if _names_period(text) or _norm(text) in _PERIOD_OPENINGS:
            return 2.0
        return -4.0 if words >= 3 else -1.0
    if role == "executors":  # a list of executors starts with one: «РУО, …», «И.Н. Хняч – …»
        if _names_executors(text):
            return 2.0 if _names_executors(" ".join(text.split()[:2])) else 0.5
        return -1.0
    if role == "text":
        return 1.0 if words >= 3 else 0.0
    if role in ("expected_result", "indicator"):
        return 0.0
    return -2.0  # a column nothing is read from


def _place_by_content(cells: list[str], roles: list[str | None],
                      positions_known: bool, lost: int = 0) -> list[str]:
    """The filled ``cells`` of a row put into the table's columns, in their order, so that each
    suits its column best (:func:`_fit`): a period where a period parses, a number in the «№»
    column, executors where names of organisations and posts are … Among equal choices the one
    nearest the cells' own places wins, counted from the end when the row lost ``lost`` cells
    at its start (an empty first cell dropped after a page break)."""
    width = len(roles)
    filled = [(index, cell) for index, cell in enumerate(cells) if cell]
    shift = 0 if positions_known else lost
    n = len(filled)
    minus_infinity = float("-inf")
    # best[i][j]: the best score of the first i cells placed in the first j columns.
    best = [[minus_infinity] * (width + 1) for _ in range(n + 1)]
    came = [[False] * (width + 1) for _ in range(n + 1)]  # True: cell i-1 is in column j-1
    for j in range(width + 1):
        best[0][j] = 0.0
    for i in range(1, n + 1):
        index, text = filled[i - 1]
        for j in range(i, width + 1):
            column = j - 1
            score = best[i - 1][j - 1] + _fit(roles[column], text) \
                - 0.05 * abs(column - (index + shift))
            if positions_known and column == index:
                score += 1.5
            skip = best[i][j - 1]
            if score >= skip:
                best[i][j], came[i][j] = score, True
            else:
                best[i][j] = skip
    placed = [""] * width
    i, j = n, width
    while i > 0:
        if came[i][j]:
            placed[j - 1] = filled[i - 1][1]
            i -= 1
        j -= 1
    return placed


# --------------------------------------------------------------------------------------------
# Rows → sections and items
# --------------------------------------------------------------------------------------------


@dataclass
class _TableResult:
    table: _Table
    header_index: int
    columns: dict[str, int]
    sections: list[ParsedSection]
    warnings: list[str]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _is_numbers_row(cells: list[str]) -> bool:
    tokens = " ".join(cells).split()
    if len(tokens) < 3 or not all(re.fullmatch(r"\d{1,2}\.?", t) for t in tokens):
        return False
    return [int(t.rstrip(".")) for t in tokens] == list(range(1, len(tokens) + 1))


def _is_child_number(parent: str, child: str) -> bool:
    parent = parent.replace(" ", "").rstrip(".)") + "."
    child = child.replace(" ", "")
    return child.startswith(parent) and len(child.rstrip(".")) > len(parent)


class _TableParser:
    """Walks the rows of one measures table (see the module docstring for the rules)."""

    def __init__(self, table: _Table, header_index: int, budget: _Budget):
        self.budget = budget
        self.table = table
        self.header_index = header_index
        header = table.rows[header_index].cells
        self.header = header
        self.width = len(header)
        self.columns = dict(sorted((_header_roles(header) or {}).items(),
                                   key=lambda kv: ROLES.index(kv[0])))
        self.data = table.rows[header_index + 1:]
        self.warnings: list[str] = []
        self._find_number_column()
        if table.docx_number is None:  # text: cells are placed by what they hold
            roles = {index: role for role, index in self.columns.items()}
            self.roles = [roles.get(index) for index in range(self.width)]
            above = 0  # how many cells the row above had, as pasted
            for row in self.data:
                budget.tick()
                pasted = len(row.cells)
                self._align(row, above)
                if not row.bare and not row.spaced:
                    above = pasted
        self.numbered = self._is_numbered()
        self.sections: list[ParsedSection] = []
        self.item: ParsedItem | None = None
        self.last_column: int | None = None  # the last filled column of the row above
        self.after_section = False

    # -- set-up --

    def _find_number_column(self) -> None:
        if "number" in self.columns:
            return
        used = set(self.columns.values())
        for index in range(self.width):
            if index in used or (_cell_role(self.header[index]) and self.header[index]):
                continue
            values = [row.own(index) for row in self.data if row.own(index)]
            if values and sum(_is_number(v) for v in values) * 10 >= len(values) * 6:
                self.columns = dict(sorted({**self.columns, "number": index}.items(),
                                           key=lambda kv: ROLES.index(kv[0])))
                return

    def _is_numbered(self) -> bool:
        number = self.columns.get("number")
        if number is None:
            return False
        full = [row for row in self.data
                if self._get(row, "text") and self._get(row, "period")
                and _header_roles(row.cells) is None]
        numbered = sum(1 for row in full if _is_number(row.own(number)))
        return bool(full) and numbered * 2 >= len(full)

    def _align(self, row: _Row, above: int) -> None:
        """Put a pasted row's cells into the right columns (``above``: how many cells the row
        above had). A row of the table's width with two texts or more keeps its places. A row
        that lost or gained empty cells (a page break, a PDF, spaces for tabs) is placed by
        content (:func:`_place_by_content`). A lone text — the rest of a cell broken by a page
        break — keeps its place, counted from the end when its row has fewer cells than the
        row above (it lost its empty first cell: 5 cells above, 4 below), or goes one column
        right when it plainly does not suit its own and suits that one; a text starting with a
        capital in the first column of a full row stays there (a section title)."""
        if row.bare or row.forced_section:
            return
        cells = list(row.cells)
        pasted = len(cells)
        while len(cells) > self.width and not cells[-1]:
            cells.pop()
        filled = [(index, cell) for index, cell in enumerate(cells) if cell]
        if not filled or len(cells) > self.width or len(filled) > self.width:
            return
        if _header_roles(cells) is not None or _same_cells(cells, self.header) \
                or _is_numbers_row(cells):
            return
        known = len(cells) == self.width
        if known and len(filled) >= 2:
            row.cells = cells
            return
        if row.spaced:
            lost = 0  # where the empty cells were is not known
        else:
            lost = max(above - pasted, 0) if above else self.width - len(cells)
            if above and lost and len(cells) + lost == self.width and len(filled) >= 2:
                row.cells = [""] * lost + cells  # it lost its empty first cells: 5 above, 4 here
                row.placed = True
                return
        if len(filled) == 1:
            index, text = filled[0]
            column = min(index + lost, self.width - 1)
            fit = 0.0 if column == 0 and known and text[:1].isupper() else _fit(
                self.roles[column], text)
            if fit <= -3 and not lost and column + 1 < self.width \
                    and _fit(self.roles[column + 1], text) > -3:
                column += 1
            row.cells = [""] * self.width
            row.cells[column] = text
            return
        row.cells = _place_by_content(cells, self.roles, known, lost)
        row.placed = True

    def _get(self, row: _Row, role: str, own: bool = False) -> str:
        index = self.columns.get(role)
        if index is None or index >= len(row.cells):
            return ""
        return row.own(index) if own else row.cells[index]

    # -- walk --

    def run(self) -> _TableResult:
        self._warn_unknown_columns()
        page_break = False
        for position, row in enumerate(self.data):
            self.budget.tick()
            cells = row.cells
            if not any(cells):
                continue
            if _header_roles(cells) is not None or _same_cells(cells, self.header) \
                    or _is_numbers_row(cells):
                page_break = True
                continue
            after_break = row.after_break or page_break
            page_break = False
            for column in sorted(row.nested):
                name = _one_line(self.header[column]) if column < self.width else ""
                self.warnings.append(
                    f"{row.label}: в ячейке{f' «{name}»' if name else ''} была вложенная "
                    "таблица — её текст добавлен в ячейку построчно, проверьте его")
            extra = [cell for cell in cells[self.width:] if cell]
            if extra:
                self.warnings.append(
                    f"{row.label}: ячейки за пределами таблицы не импортированы: "
                    f"«{_snippet(extra)}»")
            if row.bare:
                self._bare_line(row)
                continue
            if self.after_section and not row.forced_section and self._continues_section(row):
                continue  # the rest of a section title broken by a page or a line
            kind, value = self._classify_row(row, position, after_break)
            after_section, self.after_section = self.after_section, kind == "section"
            if kind == "section":
                self.sections.append(ParsedSection(title=value))
                self.item = None
            elif kind == "item":
                self._start_item(row, value)
            elif kind == "continuation" and self.item is not None:
                self._continue_item(row)
            elif kind == "continuation" and after_section and self._continues_section(row):
                self.after_section = True
            elif kind in ("continuation", "unplaced"):
                self.warnings.append(
                    f"{row.label}: не удалось отнести к пункту: «{_snippet(cells[:self.width])}»")
            else:  # "skip": value is the warning
                self.warnings.append(f"{row.label}: {value}")
            if kind == "item" or (kind == "continuation" and self.item is not None):
                last = [i for i, c in enumerate(row.cells[:self.width]) if c]
                self.last_column = last[-1] if last else self.last_column
        return _TableResult(self.table, self.header_index, self.columns, self.sections,
                            self.warnings)

    def _continues_section(self, row: _Row) -> bool:
        """A lone text right after a section title, before any item, that is not numbered: the
        rest of a long title broken by a page or a line. Joined to it."""
        texts = [cell for cell in row.cells[:self.width] if cell]
        if not (self.sections and len(texts) == 1):
            return False
        if _HEADING_NUMBER_RE.match(texts[0]) and not _starts_lower(texts[0]):
            return False
        section = self.sections[-1]
        section.title = _join_cell(section.title or "", texts[0]).rstrip(":").strip()
        return True

    _FIELDS = {"text": "text", "period": "period_text", "executors": "executors",
               "expected_result": "expected_result", "indicator": "indicator"}

    def _bare_line(self, row: _Row) -> None:
        """A line of its own between rows: the cell above continuing on a new line (Word and
        PDFs put a cell's second paragraph there) or a section title (a row merged across the
        table). It continues the last filled cell of the row above when it reads as the rest
        of that cell: it starts in lower case, or the cell is a period and the line is one, or
        the cell names executors and so does the line, or the cell is text (a measure, a
        result) and the line is not a numbered heading or a caption ending in «:»."""
        text = row.cells[0]
        if self.item is None or self.last_column is None:
            if self.after_section and self._continues_section(row):
                return
            self.sections.append(ParsedSection(title=text.rstrip(":").strip()))
            self.after_section, self.item = True, None
            return
        roles = {index: role for role, index in self.columns.items()}
        role = roles.get(self.last_column)
        attribute = self._FIELDS.get(role or "")
        if attribute is None or not self._bare_continues(
                text, role, getattr(self.item, attribute or "text", "")):
            if row.trailing:
                return  # text after the table, not a part of it
            self.sections.append(ParsedSection(title=text.rstrip(":").strip()))
            self.after_section, self.item = True, None
            return
        setattr(self.item, attribute, _join_cell(getattr(self.item, attribute), text))
        self.item.executor_names = _split_names(self.item.executors)

    @staticmethod
    def _bare_continues(text: str, role: str | None, above: str) -> bool:
        if _starts_lower(text) or _unfinished(above):
            return True
        if role == "period":
            return _names_period(text)
        if role == "executors":
            return _names_executors(text) or all(
                _ACRONYM_RE.fullmatch(word) for word in re.findall(r"[^\s,;.()«»]+", text))
        heading = re.match(r"^(?:\d{1,2}(?:\.\d{1,2})*\.|[IVXХІ]{1,5}\.?)\s+\S", text)
        return not heading and not text.endswith(":")

    def _warn_unknown_columns(self) -> None:
        known = set(self.columns.values())
        if len(known) >= self.width:
            return
        content = [row for row in self.data  # judged once per row, not once per column
                   if _header_roles(row.cells) is None and not _same_cells(row.cells, self.header)
                   and not _is_numbers_row(row.cells)]
        for index in range(self.width):
            if index in known:
                continue
            if any(row.own(index) for row in content):
                name = _one_line(self.header[index]) or f"№ {index + 1}"
                self.warnings.append(
                    f"{self.table.rows[self.header_index].label}: столбец «{name}» не распознан, "
                    "его содержимое не импортировано")

    def _classify_row(self, row: _Row, position: int, after_break: bool) -> tuple[str, str | None]:
        """→ ("section", title) | ("item", number or None) | ("continuation", None)
        | ("unplaced", None) | ("skip", warning)."""
        if row.forced_section:
            return "section", row.cells[0]
        number_col = self.columns.get("number")
        text_col = self.columns["text"]
        filled = [(i, c) for i, c in enumerate(row.cells[:self.width])
                  if c and i not in row.inherited]
        if not filled:  # everything merged down from the row above
            return "continuation", None
        number = row.own(number_col).strip()
        if _is_number(number):
            text = row.own(text_col)
            rest = [c for i, c in filled if i not in (number_col, text_col)]
            if not text and not rest:
                return "skip", f"номер «{number}» без текста мероприятия — строка пропущена"
            heads_a_group = _ROMAN_RE.match(number) or self._child_follows(number, position)
            if text and not rest and heads_a_group:
                return "section", f"{number} {text}".rstrip(":").strip()
            return "item", number
        distinct = {_norm(c) for _, c in filled}
        if len(distinct) == 1:
            return self._single_text_row(filled, after_break)
        if self.numbered:
            return self._unnumbered_row_in_numbered_table(row, number, after_break)
        return self._numberless_row(row, filled, after_break)

    def _single_text_row(self, filled: list[tuple[int, str]],
                         after_break: bool) -> tuple[str, str | None]:
        index, text = filled[0]
        if len(filled) >= 2:  # the same text in several cells: Word's merged cells
            return "section", text.rstrip(":").strip()
        if _starts_lower(text):
            return "continuation", None
        if index == self.columns["text"]:
            unfinished = self.item is not None and not _ends_sentence(self.item.text)
            if after_break and unfinished:
                return "continuation", None
            return "section", text.rstrip(":").strip()
        if index == 0 or index == self.columns.get("number"):
            return "section", text.rstrip(":").strip()
        return "continuation", None

    def _unnumbered_row_in_numbered_table(self, row: _Row, number: str,
                                          after_break: bool) -> tuple[str, str | None]:
        """Several different cells and no number: the rest of the item above, as a rule."""
        text = self._get(row, "text", own=True)
        if number:  # something that is not a number in the «№» column (a signature, a note …)
            return ("item", None) if text else ("unplaced", None)
        if (
            self.item is None
            or after_break
            or not text
            or _starts_lower(text)
            or _ends_with_broken_word(self.item.text)
        ):
            return "continuation", None
        if row.placed and not self._get(row, "period", own=True):
            return "unplaced", None  # «Начальник управления | Иванов И.И.» under the plan
        return "item", None  # a complete row whose number was forgotten

    def _numberless_row(self, row: _Row, filled: list[tuple[int, str]],
                        after_break: bool) -> tuple[str, str | None]:
        text = self._get(row, "text", own=True)
        if self.item is not None and (
            not text
            or _starts_lower(text)
            or _ends_with_broken_word(self.item.text)
            or (after_break and len(filled) * 2 <= len(self.columns))
        ):
            return "continuation", None
        return "item", None

    def _child_follows(self, number: str, position: int) -> bool:
        number_col = self.columns.get("number")
        for row in self.data[position + 1:]:
            following = row.own(number_col).strip()
            if _is_number(following):
                return _is_child_number(number, following)
        return False

    # -- building items --

    def _start_item(self, row: _Row, number: str | None) -> None:
        text = self._get(row, "text")
        if number is None and "number" not in self.columns:
            match = _LEADING_NUMBER_RE.match(text)
            if match:
                number, text = match.group(1), text[match.end():]
        executors = self._get(row, "executors")
        self.item = ParsedItem(
            number=number,
            text=text,
            period_text=self._get(row, "period"),
            executors=executors,
            executor_names=_split_names(executors),
            expected_result=self._get(row, "expected_result"),
            indicator=self._get(row, "indicator"),
            source_line=row.ref,
        )
        if not text:
            which = f"пункта {number}" if number else "пункта"
            self.warnings.append(f"{row.label}: у {which} нет текста мероприятия")
        if not self.sections:
            self.sections.append(ParsedSection(title=None))
        self.sections[-1].items.append(self.item)

    def _continue_item(self, row: _Row) -> None:
        item = self.item
        if item is None:  # a continuation row always follows an item (see _feed)
            raise RuntimeError("continuation row without an item")
        fields = {"text": "text", "period": "period_text", "executors": "executors",
                  "expected_result": "expected_result", "indicator": "indicator"}
        for role, attribute in fields.items():
            addition = self._get(row, role, own=True)
            if not addition:
                continue
            previous = getattr(item, attribute)
            if not previous:
                name = _one_line(self.header[self.columns[role]])
                self.warnings.append(
                    f"{row.label}: продолжение «{_snippet([addition], 60)}» добавлено в столбец "
                    f"«{name}» пункта {item.number or item.text[:40]}, где эта ячейка была "
                    "пустой — проверьте")
            setattr(item, attribute, _join_cell(previous, addition))
        item.executor_names = _split_names(item.executors)


# --------------------------------------------------------------------------------------------
# Heading: title, year, approving order
# --------------------------------------------------------------------------------------------

_TITLE_START_RE = re.compile(
    r"^(?:план\b|дорожн\w* карт|комплекс\w* мер|перечень мероприятий|программа мероприятий|"
    r"мероприятия по\b|меры по\b|система мер\b)",
    re.IGNORECASE,
)
_HEADING_NUMBER_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+")
_STAMP_RE = re.compile(
    r"^(?:утвержд[её]н[аоы]?\b|утв\.|приложение\b|к\s+(?:приказу|распоряжению|постановлению)\b)",
    re.IGNORECASE,
)
_KIND_RE = re.compile(r"(?<![а-яё])(приказ(?!ыва)|распоряжени|постановлени)", re.IGNORECASE)
_KINDS = {"приказ": "приказ", "распоряжени": "распоряжение", "постановлени": "постановление"}
_ORDER_NUMBER_RE = re.compile(
    r"(?:№|(?<![A-Za-zА-Яа-яЁё])N(?=\s*\d))\s*"
    r"([0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё/]*(?:\s*[-–]\s*[0-9A-Za-zА-Яа-яЁё/]+)*)"
)
_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_DATE_DIGITS_RE = re.compile(r"(?<![\d.])(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?(\d{4}|\d{2})(?![\d])")
_DATE_WORDS_RE = re.compile(
    r"(?<!\d)[«\"“„']?\s*(\d{1,2})\s*[»\"”']?\s+(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|"
    r"июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])\s+(\d{4})",
    re.IGNORECASE,
)
_AMENDMENT_WORD_RE = re.compile(r"изменени|редакци|ред\.", re.IGNORECASE)
_AMENDMENT_TAIL_RE = re.compile(r"(?:с\s+изменениями|в\s+редакции|в\s+ред\.).*$",
                                re.IGNORECASE)
_BRACKETS_RE = re.compile(r"\([^()]*\)")


def _cut_amendments(text: str) -> str:
    """Without «(с изменениями от …)», «(в ред. …)» and a trailing «в редакции …»: the original
    order is the one wanted. (Brackets are found first and their words checked after: one
    pattern doing both backtracks quadratically on a long bracket full of «ред.».)"""
    text = _BRACKETS_RE.sub(
        lambda match: " " if _AMENDMENT_WORD_RE.search(match.group()) else match.group(), text)
    return _AMENDMENT_TAIL_RE.sub(" ", text)


def _heading_text(line: str) -> str:
    """A heading line without Markdown bold and leading numbering («5. Дорожная карта»)."""
    line = line.replace("**", "").strip()
    return _HEADING_NUMBER_RE.sub("", line, count=1)


def _is_title_start(line: str) -> bool:
    return bool(_TITLE_START_RE.match(_heading_text(line).lstrip("«\"„“'( ")))


def _title_continues(title_lines: list[str], following: str) -> bool:
    following = following.replace("**", "").strip()
    if not following or _STAMP_RE.match(following) or _is_title_start(following):
        return False
    if _starts_lower(following) and not following.startswith(("-", "–", "—", "•")):
        return True
    first, last = title_lines[0], title_lines[-1]
    letters = lambda s: [c for c in s if c.isalpha()]  # noqa: E731
    if letters(first) and all(c.isupper() for c in letters(first)) and letters(following) \
            and all(c.isupper() for c in letters(following)):
        return True
    return following[:1] in "«\"„“(" and not _ends_sentence(last)


def _find_title(zone: list[str], backwards: bool) -> str | None:
    order = range(len(zone) - 1, -1, -1) if backwards else range(len(zone))
    for start in order:
        if not _is_title_start(zone[start]):
            continue
        lines = [_heading_text(zone[start])]
        for following in zone[start + 1:start + 4]:
            if not _title_continues(lines, following):
                break
            lines.append(following.replace("**", "").strip())
        return _one_line(" ".join(lines))
    return None


def _year_of(title: str | None) -> int | None:
    match = _YEAR_RE.search(title or "")
    return int(match.group(1)) if match else None


def _parse_date(text: str) -> tuple[int, date] | None:
    """(position, date) of the first valid date in ``text``."""
    found: list[tuple[int, date]] = []
    for match in _DATE_DIGITS_RE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        try:
            found.append((match.start(), date(year, month, day)))
        except ValueError:
            continue
    for match in _DATE_WORDS_RE.finditer(text):
        month_word = match.group(2).lower()
        month = next(v for k, v in _MONTHS.items() if month_word.startswith(k))
        try:
            found.append((match.start(), date(int(match.group(3)), month, int(match.group(1)))))
        except ValueError:
            continue
    return min(found, key=lambda pair: pair[0]) if found else None


def _parse_order_number(text: str) -> str | None:
    match = _ORDER_NUMBER_RE.search(text)
    if not match:
        return None
    return re.sub(r"\s+", "", match.group(1)).replace("–", "-").rstrip(".-/")


def _requisites(text: str) -> ApprovedBy:
    """Kind, number and date read from a piece of text (a stamp or a requisites line)."""
    text = _cut_amendments(text)
    text = re.sub(r"(?i)приложени[ея]\s*(?:№|N)?\s*\d+[\w.]*", " ", text)
    kind_match = _KIND_RE.search(text)
    kind = _KINDS[kind_match.group(1).lower()] if kind_match else None
    tail = text[kind_match.start():] if kind_match else text
    found_date = _parse_date(tail)
    return ApprovedBy(kind=kind, number=_parse_order_number(tail),
                      date=found_date[1] if found_date else None)


def _approval_from_stamp(lines: list[str]) -> ApprovedBy | None:
    """The approval stamp nearest above the table («УТВЕРЖДЕН приказом … от … № …»)."""
    for start in range(len(lines) - 1, -1, -1):
        if not _STAMP_RE.match(lines[start].replace("**", "").strip()):
            continue
        collected: list[str] = []
        result = ApprovedBy()
        for line in lines[start:start + 7]:
            another_stamp = line.lower().lstrip("* ").startswith("утвержд")
            if collected and (len(line) > 200 or _is_title_start(line) or another_stamp):
                break
            collected.append(_cut_amendments(line))
            result = _requisites(" ".join(collected))
            if result.number and result.date:
                break
        if result.number or result.date:
            return result
    return None


#: A line citing another document («На основании приказа министерства от … № …»).
_CITED_RE = re.compile(r"(?i)^\s*(?:на основании|в соответствии|во исполнение|согласно)\b|"
                       r"(?<![а-яё])(?:приказа|распоряжения|постановления|письма)(?![а-яё])")


def _approval_from_requisites(lines: list[str]) -> ApprovedBy | None:
    """The document's own requisites: «ПРИКАЗ» with «от 12.09.2022» / «№ 1496» lines nearby."""
    for index, line in enumerate(lines):
        compact = re.sub(r"[^а-яё]", "", line.lower())
        kind = next((k for stem, k in _KINDS.items() if compact == k), None)
        match = re.match(r"(?i)\s*(приказ|распоряжение|постановление)\b", line)
        if kind is None and not (match and len(line) <= 80):
            continue
        kind = kind or _KINDS[next(s for s in _KINDS if match.group(1).lower().startswith(s))]
        window = sorted(range(max(0, index - 4), min(len(lines), index + 7)),
                        key=lambda i: (abs(i - index), i))
        number: str | None = None
        found: date | None = None
        for i in window:
            candidate = _cut_amendments(lines[i])
            if len(candidate) > 80 or _CITED_RE.search(candidate):
                continue
            if number is None:
                number = _parse_order_number(candidate)
            if found is None:
                parsed = _parse_date(candidate)
                found = parsed[1] if parsed else None
        if found is None:  # a date spread over lines: «от «27»» | «февраля 2023 г.»
            short = [_cut_amendments(lines[i]) for i in range(max(0, index - 4),
                                                             min(len(lines), index + 7))]
            parsed = _parse_date(" ".join(line for line in short
                                          if len(line) <= 80 and not _CITED_RE.search(line)))
            found = parsed[1] if parsed else None
        if number or found:
            return ApprovedBy(kind=kind, number=number, date=found)
    return None


def _find_approval(lines: list[str]) -> ApprovedBy:
    return _approval_from_stamp(lines) or _approval_from_requisites(lines) or ApprovedBy()


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------


def _lines_of(block: _Block) -> list[str]:
    if isinstance(block, _Paragraph):
        return block.text.split("\n")
    lines: list[str] = []
    for row in block.rows:
        for cell in row.cells:
            lines.extend(line for line in cell.split("\n") if line)
    return lines


def _parse_blocks(blocks: list[_Block], no_table_message: str, budget: _Budget) -> ParsedRoadmap:
    blocks = _join_split_tables(_split_tables(blocks, budget))
    results: list[tuple[int, _TableResult]] = []
    for position, block in enumerate(blocks):
        if isinstance(block, _Table):
            header_index = _measures_header_index(block)
            if header_index is not None:
                results.append((position, _TableParser(block, header_index, budget).run()))
    if not results:
        raise RoadmapImportError(no_table_message)
    position, chosen = max(results, key=lambda pair: (pair[1].item_count, -pair[0]))

    before = blocks[:position]
    caption_rows = chosen.table.rows[:chosen.header_index]
    heading_lines: list[str] = []
    for block in before:  # paragraphs and small layout tables (a stamp set in two columns)
        if isinstance(block, _Paragraph) or (
            len(block.rows) <= 6 and not _is_other_header(block.rows[0].cells)
        ):
            heading_lines.extend(_lines_of(block))
    zone = [line for block in _preceding_paragraphs(blocks, position)
            for line in _lines_of(block)]
    for row in caption_rows:
        zone.extend(_lines_of(_Table(rows=[row])))
    first_table = next((i for i, b in enumerate(blocks) if isinstance(b, _Table)), len(blocks))
    document_heading = [line for b in blocks[:first_table] for line in _lines_of(b)]
    # The caption right above the table, unless it is a bare «План мероприятий» and the
    # document's heading names the plan with its year.
    caption_title = _find_title(zone, backwards=True)
    heading_title = _find_title(document_heading, backwards=False)
    if caption_title and (_year_of(caption_title) or not _year_of(heading_title)):
        title = caption_title
    else:
        title = heading_title or caption_title

    # Every measures table is imported, in document order: a second and third plan in one
    # document become further sections, each headed by its caption when it has none.
    imported = [(pos, result) for pos, result in results if result.item_count]
    several = len(imported) > 1
    sections: list[ParsedSection] = []
    warnings: list[str] = []
    for other_position, result in results:
        warnings.extend(result.warnings)
        if not result.item_count:
            warnings.append(f"{result.table.where}: таблица мероприятий найдена, но в ней нет "
                            "ни одного пункта")
            continue
        table_sections = [ParsedSection(s.title, list(s.items)) for s in result.sections]
        if several and table_sections and not table_sections[0].title:
            table_sections[0].title = _table_caption(blocks, other_position, result.table)
        sections.extend(table_sections)
    return ParsedRoadmap(
        title=title,
        year=_year_of(title),
        approved_by=_find_approval(heading_lines),
        columns=dict(chosen.columns),
        sections=sections,
        warnings=warnings,
    )


def _table_caption(blocks: list[_Block], position: int, table: _Table) -> str:
    """The name of a plan table: the plan title right above it, else the paragraph right above
    it when short, else where it is («Строки 109–125», «Таблица 2»)."""
    lines = [line for b in _preceding_paragraphs(blocks, position) for line in _lines_of(b)]
    title = _find_title(lines, backwards=True)
    if title:
        return title
    if lines and len(lines[-1]) <= 200:
        return lines[-1].rstrip(":").strip()
    return table.where


def _preceding_paragraphs(blocks: list[_Block], position: int) -> list[_Paragraph]:
    """The paragraphs right above ``blocks[position]`` (up to the previous table)."""
    start = position
    while start > 0 and isinstance(blocks[start - 1], _Paragraph):
        start -= 1
    return blocks[start:position]  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def parse_text(text: str, limits: ImportLimits | None = None) -> ParsedRoadmap:
    """Parse text pasted from Word/Excel: heading lines, then tab-separated table rows.

    ``limits`` bound the work (default: the settings); see :class:`ImportLimits`."""
    if not text or not text.strip():
        raise RoadmapImportError("Текст пуст: вставьте таблицу мероприятий из Word или Excel")
    budget = _Budget(limits, "Текст", "тексте", "Вставьте только таблицу плана мероприятий.")
    budget.chars(len(text))
    return _parse_blocks(_text_blocks(text, budget), NO_TABLE_TEXT, budget)


#: How pasted text is named in the preview and in the roadmap's source.
PASTED_NAME = "Вставленный текст"
#: The longest HTML copy of a pasted table read (Word's HTML is ten times its text).
PASTED_HTML_MAX = 5_000_000


def looks_like_html_table(text: str | None) -> bool:
    """Is ``text`` HTML holding a table (a page or Word's clipboard copy)?"""
    return bool(text) and _looks_like_html_table(text)  # type: ignore[arg-type]


def parse_pasted(data: bytes | str, limits: ImportLimits | None = None) -> ParsedRoadmap:
    """Parse what was pasted into the import form: text (tab-separated, or with runs of spaces)
    or the HTML copy of a table — never sniffed as a file."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return parse_text(text, limits)


def parse_docx(data: bytes | BinaryIO, limits: ImportLimits | None = None) -> ParsedRoadmap:
    """Parse a Word .docx file; raises :class:`RoadmapImportError` for a non-docx/corrupt file
    or one over ``limits`` (default: the settings)."""
    budget = _Budget(limits, "Документ", "документе", "Оставьте в файле только план "
                     "мероприятий или вставьте его таблицу текстом.")
    blocks = _docx_blocks(data, budget)
    if not any(isinstance(block, _Table) for block in blocks):
        raise RoadmapImportError("В документе нет таблиц: план мероприятий должен быть таблицей")
    return _parse_blocks(blocks, NO_TABLE_DOCX, budget)


def _decode_text(data: bytes) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel «Текст Юникод»
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:4096]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            return None
    controls = sum(1 for char in text[:4096] if ord(char) < 32 and char not in "\t\n\r\f")
    return None if controls > 3 else text


def parse_upload(filename: str, data: bytes, limits: ImportLimits | None = None) -> ParsedRoadmap:
    """Parse an uploaded file, judged by its content (the name is used in messages only)."""
    if not data:
        raise RoadmapImportError("Файл пуст")
    if data[:2] == b"PK":
        names = _zip_names(data) or []
        if DOCUMENT_PART in names:
            return parse_docx(data, limits)
        if "xl/workbook.xml" in names:
            raise RoadmapImportError(
                "Файл — таблица Excel (.xlsx). Скопируйте таблицу из Excel и вставьте её текстом "
                "или сохраните план как документ Word (.docx)")
        raise RoadmapImportError(NOT_DOCX)
    if data[:8] == OLE_MAGIC:
        raise RoadmapImportError(OLD_DOC)
    if data[:5] == b"%PDF-":
        raise RoadmapImportError(
            "Файл в формате PDF не поддерживается: загрузите документ Word (.docx) или вставьте "
            "таблицу текстом")
    text = _decode_text(data)
    if text is None:
        name = f"«{filename}» " if filename else ""
        raise RoadmapImportError(
            f"Файл {name}не является ни документом Word (.docx), ни текстом")
    return parse_text(text, limits)
