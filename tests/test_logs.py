"""The log configuration: an LTI launch's one-time ticket never reaches the log."""

import logging

from gradquiz.logs import TicketRedaction, log_config


def test_the_access_log_drops_lti_launch_tickets() -> None:
    config = log_config("info")
    assert config["handlers"]["stderr"]["filters"] == ["tickets"]
    assert config["filters"]["tickets"]["()"] is TicketRedaction
    for path in ("/lti/continue/Zq-p_4l", "/lti/window/Zq-p_4l?x=1"):
        record = logging.LogRecord(
            "uvicorn.access",
            logging.INFO,
            __file__,
            1,
            '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5000", "GET", path, "1.1", 303),
            None,
        )
        assert TicketRedaction().filter(record)
        line = record.getMessage()
        assert "Zq-p_4l" not in line and "/lti/" in line and "…" in line, line
    other = logging.LogRecord("gradquiz", logging.INFO, __file__, 1, "on /classes/x", (), None)
    TicketRedaction().filter(other)
    assert other.getMessage() == "on /classes/x"
