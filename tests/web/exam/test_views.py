from gradquiz.web.exam.views import cited_works


def test_a_reference_cites_each_work_between_semicolons_outside_brackets() -> None:
    reference = "Nielsen (2015), ch. 2 (eq. BP1; BP2); Goodfellow et al. (2016), §6.5;  ; CS231n"
    assert cited_works(reference) == (
        "Nielsen (2015), ch. 2 (eq. BP1; BP2)",
        "Goodfellow et al. (2016), §6.5",
        "CS231n",
    )
    assert cited_works(reference) is cited_works(reference)  # split once, then looked up
