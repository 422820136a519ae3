package dev.vigil.llm.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenUsageSeriesTest {
    private static final long VIGIL_START = 1_000;
    private static final Attributes POD_1 = new Attributes(Map.of("service.name", "chat-api", "service.instance.id", "pod-1"));
    private static final Attributes INPUT = new Attributes(Map.of("gen_ai.token.type", "input", "gen_ai.request.model", "gpt-4o-mini"));
    private static final Attributes OUTPUT = new Attributes(Map.of("gen_ai.token.type", "output", "gen_ai.request.model", "gpt-4o-mini"));

    private final TokenUsageSeries series = new TokenUsageSeries(VIGIL_START, 100);
    private long exports;

    @Test
    void deltaPointsAreTheirOwnIncrease() {
        assertThat(series.increase(point(TokenPoint.DELTA, INPUT, 5_000, 3, 700), 700, 1)).isEqualTo(increase(700, 3));
        assertThat(series.increase(point(TokenPoint.DELTA, INPUT, 6_000, 1, 20), 20, 2)).isEqualTo(increase(20, 1));
    }

    @Test
    void cumulativeSeriesAddTheirGrowthAndARestartBeginsANewSeries() {
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 2, 1_000), 1_000, 1)).isEqualTo(increase(1_000, 2));
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 5, 1_600), 1_600, 2)).isEqualTo(increase(600, 3));
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 5, 1_600), 1_600, 3)).isEqualTo(increase(0, 0));
        // The sender restarted: a new start time, sums from zero again.
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 9_000, 1, 50), 50, 4)).isEqualTo(increase(50, 1));
    }

    @Test
    void aSumThatGoesDownWithoutANewStartIsRefusedAndTheNextGrowthCountsFromIt() {
        series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 4, 1_000), 1_000, 1);
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 4, 900), 900, 2).regressed()).isTrue();
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 5, 950), 950, 3)).isEqualTo(increase(50, 1));
    }

    @Test
    void aRetriedOlderPointIsNotANewBaseline() {
        // An exporter that timed out waiting for the answer sends the same point again after a newer one went through.
        TokenPoint first = point(TokenPoint.CUMULATIVE, INPUT, 2_000, 2, 1_000);
        series.increase(first, 1_000, 1);
        series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 5, 1_600), 1_600, 2);
        assertThat(series.increase(first, 1_000, 3)).isEqualTo(increase(0, 0));
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 6, 1_700), 1_700, 4)).isEqualTo(increase(100, 1));
    }

    @Test
    void aSeriesOlderThanVigilIsABaselineUnlessVigilFollowsItsStream() {
        // Started before Vigil: a previous Vigil may have counted it.
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 500, 9, 7_000), 7_000, 1)).isEqualTo(increase(0, 0));
        // In the same request, a second series of that stream is a baseline too.
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, OUTPUT, 500, 9, 900), 900, 1)).isEqualTo(increase(0, 0));
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, INPUT, 500, 10, 7_040), 7_040, 2)).isEqualTo(increase(40, 1));
        // A model first used later, in a stream Vigil already follows: all of it is new.
        Attributes newModel = new Attributes(Map.of("gen_ai.token.type", "input", "gen_ai.request.model", "gpt-4.1"));
        assertThat(series.increase(point(TokenPoint.CUMULATIVE, newModel, 500, 2, 300), 300, 3)).isEqualTo(increase(300, 2));
    }

    @Test
    void aForgottenSeriesComesBackAsABaselineNotCountedAgain() {
        TokenUsageSeries small = new TokenUsageSeries(VIGIL_START, 1);
        small.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 1, 100), 100, 1);
        small.increase(point(TokenPoint.CUMULATIVE, OUTPUT, 2_000, 1, 10), 10, 1);
        // INPUT was forgotten: its next point cannot be told from a new series', and its 100 were counted already.
        assertThat(small.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 2, 150), 150, 2)).isEqualTo(increase(0, 0));
        assertThat(small.increase(point(TokenPoint.CUMULATIVE, INPUT, 2_000, 3, 170), 170, 3)).isEqualTo(increase(20, 1));
        // A series that started after every forgotten one cannot have been forgotten: counted in full.
        assertThat(small.increase(point(TokenPoint.CUMULATIVE, INPUT, 3_000, 1, 40), 40, 4)).isEqualTo(increase(40, 1));
    }

    /** Each point made is one export interval later than the one before, as a sender's are. */
    private TokenPoint point(int temporality, Attributes attributes, long start, long count, long sum) {
        exports++;
        return new TokenPoint(POD_1, attributes, temporality, start, start + 60_000 * exports, count, sum);
    }

    private static TokenUsageSeries.Increase increase(long tokens, long calls) {
        return new TokenUsageSeries.Increase(tokens, calls, false);
    }
}
