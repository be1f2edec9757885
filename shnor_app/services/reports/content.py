"""The shape every report has, whatever its kind: sections with a text, figures and tables.

A report is computed into a :class:`ReportData` — plain values only (text, whole and decimal
numbers, ``None`` for «нет данных»), so that the very same structure is rendered into the
.docx, the PDF and the .xlsx annex, shown on the page, and stored as JSON with the issued
report: what was printed can be shown again without computing anything.

Each section has a generated ``text`` («В 2026 году на сопровождении находилось 12 ШНОР…»)
that the user may edit before issuing; the edited text replaces it and is kept.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

TEXT_MAX = 5000  # characters of one section's text


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    widths: list[float] = field(default_factory=list)  # relative widths of the columns
    section_rows: list[int] = field(default_factory=list)  # rows spanning the table (headings)


@dataclass
class Section:
    key: str
    title: str
    text: str = ""
    facts: list[list] = field(default_factory=list)  # [label, value] pairs
    tables: list[Table] = field(default_factory=list)

    def fact(self, label: str):
        """The value of the figure named ``label`` (KeyError when there is none)."""
        for name, value in self.facts:
            if name == label:
                return value
        raise KeyError(label)


@dataclass
class ReportData:
    kind: str                 # ReportKind name
    title: str
    territory: str
    authority: str            # the body the report is issued by (the document's heading)
    period_label: str
    as_of: str                # «dd.mm.yyyy»
    sections: list[Section]

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ReportData":
        sections = [Section(s["key"], s["title"], s.get("text", ""), s.get("facts", []),
                            [Table(**t) for t in s.get("tables", [])])
                    for s in data.get("sections", [])]
        return cls(data["kind"], data["title"], data["territory"], data.get("authority", ""),
                   data["period_label"], data["as_of"], sections)

    def with_texts(self, texts: dict[str, str]) -> "ReportData":
        """The same report with the sections' texts the user edited (keys it does not name
        keep the generated text)."""
        for s in self.sections:
            if s.key in texts:
                s.text = texts[s.key]
        return self


def share(part: int, whole: int) -> float | None:
    """Percent with one decimal; None when there is nothing to count."""
    return round(100.0 * part / whole, 1) if whole else None


def fmt_value(value) -> str:
    """A figure as a document prints it: «12», «33,3», «—» for no data."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        text = f"{value:.1f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def percent(value) -> str:
    return "нет данных" if value is None else f"{fmt_value(value)} %"
