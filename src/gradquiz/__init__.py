"""gradquiz: timed multiple-choice exams and practice on deep learning fundamentals."""

__version__ = "0.1.0"
