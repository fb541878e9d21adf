from datetime import UTC, datetime

from userdesk.tenant import clock


def test_a_pinned_clock_is_what_every_reading_reports() -> None:
    at = datetime(2030, 5, 1, 12, 0, 0)
    with clock.pinned(at):
        assert clock.utcnow() == at
        assert clock.aware_now() == at.replace(tzinfo=UTC)
        assert clock.epoch() == at.replace(tzinfo=UTC).timestamp()
        clock.advance(90)
        assert (clock.utcnow() - at).total_seconds() == 90
    assert clock.utcnow() > datetime(2026, 1, 1)
