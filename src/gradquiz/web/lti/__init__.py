"""gradquiz inside an LMS: the LTI 1.3 routes and pages."""
