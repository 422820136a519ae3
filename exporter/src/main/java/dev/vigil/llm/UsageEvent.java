package dev.vigil.llm;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Usage the ledger adds up: one call pushed by the application, or the growth of a counter, a ledger row
 * or a provider's report bucket since it was last read.
 *
 * @param requests  calls this stands for (1 for a pushed call, 0 when only tokens or dollars moved)
 * @param costUsd   the dollars when the source knows them (overrides the price table), else empty
 * @param labels    attribution label values (tenant, feature, ...); unconfigured names are ignored
 * @param time      when the usage happened, for the day's and month's spend; empty when unknown
 * @param batch     made through the provider's batch API, so priced at the model's batch prices
 */
public record UsageEvent(String provider, String model, Tokens tokens, long requests, RequestStatus status,
                         OptionalLong durationMillis, Optional<BigDecimal> costUsd, Map<String, String> labels,
                         Optional<Instant> time, boolean batch) {
    public UsageEvent {
        labels = Map.copyOf(labels);
    }

    /** Usage of the provider's ordinary (not batch) API. */
    public UsageEvent(String provider, String model, Tokens tokens, long requests, RequestStatus status,
                      OptionalLong durationMillis, Optional<BigDecimal> costUsd, Map<String, String> labels, Optional<Instant> time) {
        this(provider, model, tokens, requests, status, durationMillis, costUsd, labels, time, false);
    }

    /** Usage that a polled source found grown, with no duration and no attribution beyond its labels. */
    public static UsageEvent counted(String provider, String model, Tokens tokens, long requests, RequestStatus status,
                              Optional<BigDecimal> costUsd, Map<String, String> labels, Optional<Instant> time) {
        return new UsageEvent(provider, model, tokens, requests, status, OptionalLong.empty(), costUsd, labels, time);
    }
}
