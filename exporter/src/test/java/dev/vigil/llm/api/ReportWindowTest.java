package dev.vigil.llm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReportWindowTest {

    @Test
    void theMonthIsAskedForUntilOneReadSucceedsThenOnlyTheRevisionWindow() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-20T15:30:00Z"), ZoneOffset.UTC);
        ReportWindow window = new ReportWindow(clock, Duration.ofDays(3));
        assertThat(window.next()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        // The first poll failed (no read()): the next one still asks for the whole month.
        assertThat(window.next()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        window.read();
        assertThat(window.next()).isEqualTo(Instant.parse("2026-11-17T00:00:00Z"));
    }

    @Test
    void earlyInTheMonthTheRevisionWindowReachesFurtherBack() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T02:00:00Z"), ZoneOffset.UTC);
        ReportWindow window = new ReportWindow(clock, Duration.ofDays(3));
        assertThat(window.next()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
    }
}
