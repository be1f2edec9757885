"""Every figure of «Итоги сопровождения» on plain facts with known answers: the groups with
and without a measure and all schools (median, quartiles, number), the small-group caution,
the doses, the exit from the list (a school that left and returned) and the risk factors."""
from shnor_app.services import outcomes as svc
from shnor_app.services.outcomes import Facts, compute
from shnor_app.services.outcomes.compute import coverage

BASE, LATEST = 2021, 2024
CHANGES = {1: -10, 2: -8, 3: -6, 4: -4, 5: 2, 6: 4, 7: 0, 8: -2}


def facts() -> Facts:
    f = Facts()
    f.schools = {i: f"Школа {i}" for i in CHANGES}
    f.school_muni = {i: 10 if i <= 4 else 20 for i in CHANGES}
    f.municipalities = {10: "Приречный район", 20: "Заречный район"}
    for i, change in CHANGES.items():
        f.share_2[(i, BASE)] = 40.0
        f.share_2[(i, LATEST)] = 40.0 + change
    f.share_2[(1, 2022)] = 35.0
    f.shnor = {1: {2022}, 2: {2022, 2023}, 3: {2022, 2024}, 4: {2022, 2023, 2024},
               5: {2022, 2023, 2024}, 6: {2022, 2023, 2024}}
    f.measures = {
        "visits": {1: {2022: 20}, 2: {2023: 1}, 3: {2024: 2}, 4: {2022: 1}, 5: {2023: 3},
                   6: {2020: 5}},  # school 6: before the support, does not count
        "mentoring": {1: {2022: 1, 2023: 1}},
    }
    f.teachers = {2: 5, 3: 5}
    f.trained = {2: {2023: {21, 22, 23}, 2024: {21, 24}}, 3: {2022: {31}}}
    f.factors = [(100, "Низкая мотивация"), (101, "Дефицит кадров")]
    f.high_risks = {(100, 2022): {1, 2}}
    f.programmes = {(100, 2022, 1): (4, 5), (100, 2022, 2): (0, 0)}
    return f


def _measure(r, key):
    return next(m for m in r.measures if m.key == key)


def test_years_compared_default_to_the_earliest_cohort():
    r = compute(facts())
    assert (r.cohort, r.baseline, r.latest) == (2022, 2021, 2024)
    assert r.cohorts == [2022, 2023]      # 2024: no results of 2023 to start from
    assert compute(facts(), 2023).baseline == 2022
    assert compute(facts(), 1999).cohort == 2022  # a year that cannot be chosen


def test_with_without_and_all_schools():
    with_, without, every = _measure(compute(facts()), "visits").groups
    assert with_.org_ids == [1, 2, 3, 4, 5]
    assert (with_.n, with_.median, with_.q1, with_.q3) == (5, -6.0, -8.0, -4.0)
    assert not with_.small and svc.caution(with_) == ""
    assert without.org_ids == [6] and without.median == 4.0 and without.small
    assert (every.n, every.median) == (8, -3.0)


def test_small_group_gets_the_plain_caution():
    with_, without, _ = _measure(compute(facts()), "mentoring").groups
    assert with_.n == 1 and with_.small
    assert svc.caution(with_).startswith("Школ в группе меньше 5 (1): по такой группе выводы")
    assert without.n == 5 and not without.small
    empty = _measure(compute(facts()), "partnership").groups[0]
    assert empty.n == 0 and empty.median is None
    assert "сравнивать не с чем" in svc.caution(empty)


def test_doses():
    r = compute(facts())
    events, kpk = r.doses
    assert [g.org_ids for g in events.groups] == [[1], [2, 3, 4, 5, 6]]
    assert events.groups[0].median == -10.0
    # school 2: 4 of 5 teachers trained in 2022–2024 = 80 %; school 3: 1 of 5
    assert [g.org_ids for g in kpk.groups] == [[2], [3]]
    assert coverage(facts(), 2, range(2022, 2025)) == 80.0


def test_exit_from_the_list_and_a_school_that_returned():
    r = compute(facts())
    y2022 = next(e for e in r.exits if e.key == "2022")
    assert y2022.shnor == [1, 2, 3, 4, 5, 6]
    assert y2022.left_1 == [1, 3]          # not ШНОР in 2023
    assert y2022.left_2 == [1, 2]          # not ШНОР in 2024
    assert y2022.returned == [3]           # left in 2023, back in 2024
    y2024 = next(e for e in r.exits if e.key == "2024")
    assert y2024.left_1 is None and y2024.left_2 is None  # 2025 not known yet
    munis = {e.label: e for e in r.exits_by_muni}
    assert munis["Приречный район"].shnor == [1, 2, 3, 4]
    assert munis["Приречный район"].left_1 == [1, 3]
    assert munis["Заречный район"].left_1 == []
    by_measure = {e.key: e for e in r.exits_by_measure}
    assert by_measure["mentoring:with"].left_1 == [1]
    assert by_measure["mentoring:without"].returned == [3]
    sets = r.exit_sets()
    assert sets["exit:y:2022:returned"][1] == [3]


def test_risk_factors_against_results():
    r = compute(facts())
    row = next(x for x in r.risks if x.factor_id == 100)
    assert row.high.org_ids == [1, 2] and row.high.median == -9.0
    assert row.programme_done.org_ids == [1] and row.programme_not.org_ids == [2]
    assert (row.items_done, row.items, row.done_share) == (4, 5, 80.0)
    other = next(x for x in r.risks if x.factor_id == 101)
    assert other.high.n == 0


def test_every_group_by_its_key_and_no_data():
    r = compute(facts())
    groups = r.groups()
    assert groups["m:visits:with"].org_ids == [1, 2, 3, 4, 5]
    assert groups["r:100:done"].org_ids == [1]
    assert groups["d:coverage:high"].org_ids == [2]
    empty = compute(Facts())
    assert empty.cohort is None and empty.measures == [] and empty.cohorts == []


def test_formats():
    assert svc.fmt_pp(-3.5) == "−3,5 п. п." and svc.fmt_pp(1.0) == "+1 п. п."
    assert svc.fmt_pp(0) == "0 п. п." and svc.fmt_pp(None) == "—"


def test_risks_fall_back_to_the_latest_year_with_profiles():
    f = facts()
    f.high_risks = {(101, 2024): {5, 6}}
    f.share_2[(5, 2023)] = 50.0
    f.share_2[(6, 2023)] = 40.0
    r = compute(f)
    assert r.risk_year == 2024
    row = next(x for x in r.risks if x.factor_id == 101)
    # from 2023 (the year before the profiles) to 2024: school 5 42 − 50, school 6 44 − 40
    assert row.high.org_ids == [5, 6] and sorted(row.high.changes) == [-8.0, 4.0]
