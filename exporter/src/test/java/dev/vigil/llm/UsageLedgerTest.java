package dev.vigil.llm;

import dev.vigil.config.LlmConfig;
import dev.vigil.config.LlmOtlpConfig;
import dev.vigil.llm.price.PriceTable;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UsageLedgerTest {
    /** A clock the test moves by hand. */
    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(String now) {
            this.now = Instant.parse(now);
        }

        void set(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            TestClock self = this;
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return zone;
                }

                @Override
                public Clock withZone(ZoneId z) {
                    return self.withZone(z);
                }

                @Override
                public Instant instant() {
                    return self.now;
                }
            };
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static LlmConfig config(String zone) {
        return new LlmConfig(new LlmConfig.Push(true, Optional.empty()), LlmOtlpConfig.OFF, Optional.empty(),
                new LlmConfig.Budgets(Optional.of(new BigDecimal("200")), Optional.empty(), ZoneId.of(zone)),
                List.of(), 100, 10_000, List.of(), List.of(), List.of());
    }

    private static UsageEvent spent(String usd, String at) {
        return new UsageEvent("openai", "gpt-4o", Tokens.NONE, 1, RequestStatus.OK, OptionalLong.empty(),
                Optional.of(new BigDecimal(usd)), Map.of(), Optional.of(Instant.parse(at)));
    }

    private static double spend(UsageLedger ledger, String period) {
        return gauge(ledger, "llm_spend_usd", period);
    }

    private static double gauge(UsageLedger ledger, String name, String period) {
        MetricSnapshot family = ledger.snapshot().stream().filter(f -> f.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        return ((GaugeSnapshot) family).getDataPoints().stream()
                .filter(p -> p.getLabels().get("period").equals(period)).findFirst().orElseThrow().getValue();
    }

    @Test
    void spendRollsOverAtMidnightAndMonthEndOfTheBudgetTimeZone() {
        TestClock clock = new TestClock("2026-03-31T23:00:00Z"); // 19:00 on March 31st in New York
        UsageLedger ledger = new UsageLedger(config("America/New_York"), PriceTable.load(Optional.empty()), clock);
        ledger.record(List.of(spent("1.25", "2026-03-31T22:00:00Z"), spent("0.000001", "2026-03-31T22:30:00Z"),
                spent("9", "2026-03-30T12:00:00Z"), spent("100", "2026-02-27T12:00:00Z")));
        assertThat(spend(ledger, "day")).isEqualTo(1.250001);
        assertThat(spend(ledger, "month")).isEqualTo(10.250001);

        clock.set("2026-04-01T03:59:59Z"); // still March 31st in New York
        ledger.record(List.of(spent("0.5", "2026-04-01T03:00:00Z")));
        assertThat(spend(ledger, "day")).isEqualTo(1.750001);
        assertThat(spend(ledger, "month")).isEqualTo(10.750001);

        clock.set("2026-04-01T04:00:00Z"); // midnight in New York: a new day and a new month
        assertThat(spend(ledger, "day")).isEqualTo(0.0);
        assertThat(spend(ledger, "month")).isEqualTo(0.0);
        // A cost stamped in the future (a skewed clock) counts as now; a late one from March does not count.
        ledger.record(List.of(spent("2", "2026-04-02T00:00:00Z"), spent("3", "2026-04-01T03:30:00Z")));
        assertThat(spend(ledger, "day")).isEqualTo(2.0);
        assertThat(spend(ledger, "month")).isEqualTo(2.0);
    }

    @Test
    void periodEndsAreTheNextMidnightAndFirstOfMonthInTheBudgetTimeZone() {
        TestClock clock = new TestClock("2026-03-08T04:59:59Z"); // 23:59:59 on March 7th in New York (EST, -05:00)
        UsageLedger ledger = new UsageLedger(config("America/New_York"), PriceTable.load(Optional.empty()), clock);
        assertThat(gauge(ledger, "llm_budget_period_end_timestamp_seconds", "day"))
                .isEqualTo(Instant.parse("2026-03-08T05:00:00Z").getEpochSecond());
        assertThat(gauge(ledger, "llm_budget_period_end_timestamp_seconds", "month"))
                .isEqualTo(Instant.parse("2026-04-01T04:00:00Z").getEpochSecond()); // EDT (-04:00) by then

        clock.set("2026-03-08T05:00:00Z"); // March 8th, the day clocks go forward: 23 hours long
        assertThat(gauge(ledger, "llm_budget_period_end_timestamp_seconds", "day"))
                .isEqualTo(Instant.parse("2026-03-09T04:00:00Z").getEpochSecond());

        clock.set("2026-12-31T23:30:00Z"); // a zone ahead of UTC is already in the new year
        UsageLedger tokyo = new UsageLedger(config("Asia/Tokyo"), PriceTable.load(Optional.empty()), clock);
        assertThat(gauge(tokyo, "llm_budget_period_end_timestamp_seconds", "day"))
                .isEqualTo(Instant.parse("2027-01-01T15:00:00Z").getEpochSecond());
        assertThat(gauge(tokyo, "llm_budget_period_end_timestamp_seconds", "month"))
                .isEqualTo(Instant.parse("2027-01-31T15:00:00Z").getEpochSecond());
    }

    @Test
    void aHundredThousandSmallCostsAddUpExactly() {
        UsageLedger ledger = new UsageLedger(config("UTC"), PriceTable.load(Optional.empty()), new TestClock("2026-06-15T12:00:00Z"));
        List<UsageEvent> batch = java.util.Collections.nCopies(1000, spent("0.00001", "2026-06-15T11:00:00Z"));
        for (int i = 0; i < 100; i++) {
            ledger.record(batch);
        }
        // 0.1 + 0.2 style float drift would show here; the ledger's sum is exactly one dollar.
        assertThat(spend(ledger, "day")).isEqualTo(1.0);
    }
}
