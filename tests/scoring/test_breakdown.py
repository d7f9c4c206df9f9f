"""Reading an interview's jury score and attendance factor out of a ranking's breakdown
(scoring.breakdown), as scoring.services freezes it: the one reading the national result's
ranking API, the candidate's public page and the open data share."""

from decimal import Decimal as D
from types import SimpleNamespace

from scoring.breakdown import NationalInterview, interview_figures, national_interview
from scoring.enums import CriterionKind

INTERVIEW = {
    "code": "wawancara",
    "name": "Wawancara",
    "kind": "interview",
    "weight": "100",
    "score": "72.00",
    "contribution": "72.00",
    "counted": 3,
    "judged": "90.00",
    "factor": "0.80",
}
JUDGED = {
    "code": "produk_hukum",
    "name": "Produk hukum daerah",
    "kind": "judged",
    "weight": "40",
    "score": "89.00",
    "contribution": "35.60",
    "counted": 3,
}


def test_interview_figures_of_frozen_and_live_criteria():
    assert interview_figures(INTERVIEW) == (D("90.00"), D("0.80"))
    assert interview_figures({**INTERVIEW, "factor": None}) == (D("90.00"), None)
    assert interview_figures(JUDGED) == (None, None)
    live = SimpleNamespace(
        criterion=SimpleNamespace(kind=CriterionKind.INTERVIEW), judged=D("90.00"), factor=D("0.80")
    )
    assert interview_figures(live) == (D("90.00"), D("0.80"))
    # A live judged criterion holds its score as `judged`: it is not an interview's.
    live.criterion.kind = CriterionKind.JUDGED
    assert interview_figures(live) == (None, None)


def test_national_interview_of_a_national_result_row_only():
    result = {
        "stages": [
            {"stage": "national_selection", "weight": "60", "total": "89.00", "criteria": [JUDGED]},
            {"stage": "national_interview", "weight": "40", "total": "72.00",
             "criteria": [INTERVIEW]},
        ],
        "attendance": "secretary",
        "attendee": "Sekretaris Daerah",
        "factor": "0.80",
    }  # fmt: skip
    assert national_interview(result) == NationalInterview(D("90.00"), D("0.80"), D("72.00"))
    assert national_interview({"criteria": [JUDGED]}) is None
    assert national_interview({}) is None
