"""The opening words a question is named by on the instructor's pages."""

from gradquiz.content.preview import first_words


def test_a_paragraph_cut_short_by_display_maths_ends_with_an_ellipsis() -> None:
    # The class statistics named a question
    # "A computational graph computes", the sentence broken off at its display formula.
    stem = (
        "<p>A computational graph computes</p>\n"
        '<div class="math-display"><math><mi>x</mi></math></div>\n<p>in stages</p>'
    )
    assert first_words(stem) == "A computational graph computes…"
    # A finished sentence, or a stem of one paragraph, is not marked cut.
    assert first_words("<p>Which is right?</p><p>More</p>") == "Which is right?"
    assert first_words("<p>Only one paragraph</p>\n") == "Only one paragraph"
