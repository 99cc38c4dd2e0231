"""analysis/smart.py: which SMART criteria a plan meets, in words a plan author reads."""

from __future__ import annotations

from generator.analysis.smart import smart_check
from generator.model.schema import GoalMeta


def meta(**extra: object) -> GoalMeta:
    base: dict[str, object] = {
        "id": "fewer-errors",
        "title": "Fewer errors",
        "owner": "CNO",
        "kpi": {
            "metric": "medication_errors_per_1000_doses",
            "name": "medication errors",
            "unit": "errors / 1000 doses",
            "direction": "decrease",
            "baseline": {"value": 4.3, "date": "2025-12-31"},
            "target": {"value": 3.9, "date": "2027-06-30"},
        },
    }
    base.update(extra)
    return GoalMeta.model_validate(base)


def by_letter(check):  # type: ignore[no-untyped-def]
    return {c.letter: c for c in check.criteria}


def test_complete_plan_reads_in_words_not_ids() -> None:
    goal = meta(
        target_groups=["ward-nurses", "night-shift"],
        actions=["New double-check protocol", "Online course"],
        costs={"training": 1000},
        parent="safer-care-2027",
        department="Patient safety",
        kpi={
            "metric": "medication_errors_per_1000_doses",
            "name": "medication errors",
            "direction": "decrease",
            "baseline": {"value": 4.3, "date": "2025-12-31"},
            "target": {"value": 3.9, "date": "2027-06-30"},
            "milestones": [{"date": "2026-12-31", "value": 4.1}],
        },
    )
    check = smart_check(goal, has_paths=True, metric_has_data=True, parent_title="Safer care")
    c = by_letter(check)
    assert check.complete and check.score == 5
    assert c["S"].have == (
        "KPI: medication errors, to decrease",
        "target groups: ward nurses, night shift",
    )
    assert "2 actions" in c["A"].have and "learning path linked" in c["A"].have
    assert c["R"].have == ("serves “Safer care”", "department: Patient safety")
    assert c["T"].have == ("deadline 30 Jun 2027", "1 milestone")


def test_missing_parts_are_named_with_the_field_to_fill() -> None:
    check = smart_check(meta(), has_paths=False, metric_has_data=False)
    c = by_letter(check)
    assert check.score == 0
    assert c["S"].verdict == "partly"
    assert any("target_groups" in m for m in c["S"].missing)
    assert c["M"].verdict == "partly"
    assert c["M"].missing == (
        "add observations of the metric medication_errors_per_1000_doses to the KPI data",
    )
    assert c["A"].verdict == "no" and any("(actions)" in m for m in c["A"].missing)
    assert c["R"].verdict == "no" and any("parent" in m for m in c["R"].missing)
    assert c["T"].verdict == "partly" and c["T"].have == ("deadline 30 Jun 2027",)
