"""The federal rule at its edges: ≥ 30% in at least 2 procedures (procedure + subject + grade)."""
from shnor_app.services.monitoring.identification import ProcedureResult as P
from shnor_app.services.monitoring.identification import fmt_share, identify, is_over_threshold


def test_exactly_30_percent_is_over_the_threshold():
    assert is_over_threshold(30)
    assert is_over_threshold(30.0)
    assert not is_over_threshold(29.99)
    assert not is_over_threshold(None)


def test_two_procedures_at_exactly_30_flag_the_school():
    v = identify([P("ВПР", "Математика", 5, 30.0), P("ОГЭ", "Русский язык", 9, 30)])
    assert v.flagged
    assert len(v.over) == 2
    assert "2 процедуры" in v.reason and "30%" in v.reason


def test_one_procedure_only_never_flags():
    v = identify([P("ВПР", "Математика", 5, 80.0)])
    assert not v.flagged
    assert len(v.over) == 1
    assert "Только 1 процедура" in v.reason and "не менее 2" in v.reason


def test_two_subjects_of_one_procedure_are_two_procedures():
    v = identify([P("ВПР", "Математика", 5, 35.0), P("ВПР", "Русский язык", 5, 31.0)])
    assert v.flagged and len(v.procedures) == 2


def test_one_subject_in_two_grades_is_two_procedures():
    v = identify([P("ВПР", "Математика", 5, 35.0), P("ВПР", "Математика", 6, 31.0)])
    assert v.flagged


def test_the_same_procedure_subject_and_grade_twice_counts_once():
    v = identify([P("ВПР", "Математика", 5, 35.0), P("ВПР", "математика ", 5, 40.0)])
    assert not v.flagged
    assert len(v.procedures) == 1 and v.procedures[0].share_2 == 40.0


def test_missing_values_are_not_counted_either_way():
    v = identify([P("ВПР", "Математика", 5, None), P("ОГЭ", "Математика", 9, 45.0),
                  P("ЕГЭ", "Русский язык", 11, 50.0, participants=0)])
    assert not v.flagged
    assert len(v.missing) == 2 and v.counted == 1
    assert [p.over_threshold for p in v.procedures] == [False, True, False]


def test_no_results_and_no_shares_are_explained():
    assert not identify([]).flagged
    assert "Нет результатов" in identify([]).reason
    only_missing = identify([P("ВПР", "Математика", 5, None)])
    assert not only_missing.flagged and "Ни по одной процедуре" in only_missing.reason


def test_below_threshold_everywhere_is_explained():
    v = identify([P("ВПР", "Математика", 5, 29.9), P("ОГЭ", "Русский язык", 9, 10)])
    assert not v.flagged and "не достигает 30%" in v.reason


def test_procedures_are_ordered_vpr_oge_ege_then_grade():
    v = identify([P("ЕГЭ", "Русский язык", 11, 1), P("ВПР", "Математика", 6, 1),
                  P("ОГЭ", "Математика", 9, 1), P("ВПР", "Математика", 5, 1)])
    assert [(p.procedure, p.grade) for p in v.procedures] == [
        ("ВПР", 5), ("ВПР", 6), ("ОГЭ", 9), ("ЕГЭ", 11)]


def test_fmt_share():
    assert fmt_share(34.5) == "34,5%"
    assert fmt_share(30) == "30%"
    assert fmt_share(None) == "—"
