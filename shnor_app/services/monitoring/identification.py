"""The federal rule for identifying schools with low educational results (ФИОКО, 2021).

A school is *flagged* when, in the year, at least :data:`MIN_PROCEDURES` (2) assessment
procedures have a share of «2» (ВПР) or of participants who did not pass the minimum threshold
(ОГЭ, ЕГЭ) of :data:`THRESHOLD` (30%) **or more**. Each procedure + subject + grade counts as
one procedure: ВПР in mathematics in grade 5 and ВПР in Russian in grade 5 are two.

Edges, decided here once:

* exactly 30% is over the threshold (≥, not >);
* a result without a share of «2», or with 0 participants, is not counted either way — it is
  listed as «нет данных» so that the methodist sees what is missing;
* a school with results of one procedure only can never be flagged (one is fewer than two);
* the same procedure + subject + grade given twice counts once, with the worse share.

Pure functions on plain values: the pages, the CLI and the tests all come through
:func:`identify`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...formatting import count_words

THRESHOLD = 30.0
MIN_PROCEDURES = 2


@dataclass(frozen=True)
class ProcedureResult:
    procedure: str          # "ВПР", "ОГЭ", "ЕГЭ"
    subject: str
    grade: int
    share_2: float | None
    participants: int | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.procedure, self.subject.strip().lower(), self.grade)

    @property
    def counted(self) -> bool:
        return self.share_2 is not None and self.participants != 0

    @property
    def over_threshold(self) -> bool:
        return self.counted and is_over_threshold(self.share_2)

    @property
    def label(self) -> str:
        return f"{self.procedure} {self.subject}, {self.grade} кл."


@dataclass
class Verdict:
    flagged: bool
    procedures: list[ProcedureResult] = field(default_factory=list)
    over: list[ProcedureResult] = field(default_factory=list)
    missing: list[ProcedureResult] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return len(self.procedures) - len(self.missing)

    @property
    def reason(self) -> str:
        """Why the school is or is not on the list, in a methodist's words."""
        if not self.procedures:
            return "Нет результатов оценочных процедур за год — школа не может быть отнесена к ШНОР."
        if not self.counted:
            return "Ни по одной процедуре не указана доля «2» / не преодолевших порог."
        n = len(self.over)
        shares = "; ".join(f"{p.label} — {fmt_share(p.share_2)}" for p in self.over[:3])
        if n > 3:
            shares += f" и ещё {n - 3}"
        if self.flagged:
            return (f"{count_words(n, 'процедура', 'процедуры', 'процедур')} с долей «2» "
                    f"(не преодолевших порог) {fmt_share(THRESHOLD)} и более: {shares}.")
        if n == 0:
            text = (f"Ни в одной из {self.counted} процедур доля «2» (не преодолевших порог) "
                    f"не достигает {fmt_share(THRESHOLD)}.")
        else:
            text = (f"Только 1 процедура с долей «2» {fmt_share(THRESHOLD)} и более ({shares}); "
                    f"для отнесения к ШНОР нужно не менее {MIN_PROCEDURES}.")
        if self.counted == 1 and n == 0:
            text += " Результаты только одной процедуры."
        return text


def is_over_threshold(share_2: float | None, threshold: float = THRESHOLD) -> bool:
    """Exactly the threshold counts (30% is «30% или более»)."""
    return share_2 is not None and round(float(share_2), 6) >= threshold


def identify(results, *, threshold: float = THRESHOLD,
             min_procedures: int = MIN_PROCEDURES) -> Verdict:
    """Apply the rule to one school's results of one year (an iterable of ProcedureResult)."""
    by_key: dict[tuple, ProcedureResult] = {}
    for r in results:
        prev = by_key.get(r.key)
        if prev is None or (r.counted and (not prev.counted or r.share_2 > prev.share_2)):
            by_key[r.key] = r
    procedures = sorted(by_key.values(), key=lambda p: (_ORDER.get(p.procedure, 9), p.grade,
                                                         p.subject.lower()))
    over = [p for p in procedures if p.counted and is_over_threshold(p.share_2, threshold)]
    missing = [p for p in procedures if not p.counted]
    return Verdict(len(over) >= min_procedures, procedures, over, missing)


_ORDER = {"ВПР": 0, "ОГЭ": 1, "ЕГЭ": 2}


def fmt_share(value: float | None) -> str:
    """34.5 → «34,5%»; 30 → «30%»; None → «—»."""
    if value is None:
        return "—"
    text = f"{float(value):.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}%"
