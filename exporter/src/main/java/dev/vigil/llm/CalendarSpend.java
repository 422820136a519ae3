package dev.vigil.llm;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * Dollars spent in the current calendar day and month of one time zone, from the time each cost happened.
 * A cost from an earlier day or month than the current one is left out; one stamped in the future (a skewed
 * clock) counts as now. Both totals start again at zero when the clock crosses midnight in that zone.
 * Guarded by the ledger's lock.
 */
final class CalendarSpend {
    private final Clock clock;
    private final ZoneId zone;
    private LocalDate day;
    private BigDecimal daySpend = BigDecimal.ZERO;
    private YearMonth month;
    private BigDecimal monthSpend = BigDecimal.ZERO;

    CalendarSpend(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
        roll();
    }

    void add(Instant when, BigDecimal usd) {
        roll();
        Instant now = clock.instant();
        LocalDate date = (when.isAfter(now) ? now : when).atZone(zone).toLocalDate();
        if (date.equals(day)) {
            daySpend = daySpend.add(usd);
        }
        if (YearMonth.from(date).equals(month)) {
            monthSpend = monthSpend.add(usd);
        }
    }

    BigDecimal today() {
        roll();
        return daySpend;
    }

    BigDecimal thisMonth() {
        roll();
        return monthSpend;
    }

    /** When the current day ends: the next midnight in the zone (a DST change makes that day 23 or 25 hours). */
    Instant dayEnd() {
        roll();
        return day.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** When the current month ends: midnight starting the first of the next month in the zone. */
    Instant monthEnd() {
        roll();
        return month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    }

    private void roll() {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        if (!today.equals(day)) {
            day = today;
            daySpend = BigDecimal.ZERO;
        }
        if (!YearMonth.from(today).equals(month)) {
            month = YearMonth.from(today);
            monthSpend = BigDecimal.ZERO;
        }
    }
}
