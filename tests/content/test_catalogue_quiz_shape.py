"""The catalogue of courses/ passes `flask courses check` with no warning at all (issue 14).

EXPECTED TO FAIL until the quizzes of courses/ are rewritten: the quiz-shape checks
(training/content/quiz_shape.py) report the shape of the first edition's quizzes. Once the
catalogue is rewritten, this test keeps it from regressing.
"""

import pytest

from training.content.validation import DEFAULT_AUDIENCE_CODES, validate_catalogue

from .conftest import CATALOGUE


@pytest.mark.skipif(not CATALOGUE.is_dir(), reason="no courses/ folder")
def test_the_catalogue_has_no_error_and_no_warning():
    problems = validate_catalogue(CATALOGUE, DEFAULT_AUDIENCE_CODES)
    assert [str(problem) for problem in problems] == []
