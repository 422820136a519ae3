package dev.vigil.llm;

import dev.vigil.poll.PollResult;
import dev.vigil.poll.Source;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * A polled llm source as the poll engine sees it: each successful read goes into the ledger, whose families
 * the ledger's collector publishes. The poll itself publishes no families, so a source that goes down does
 * not take the counters other sources fed down with it; its self metrics say it is down.
 */
final class LedgerFeed implements Source {
    private final String name;
    private final String kind;
    private final Duration interval;
    private final Duration timeout;
    private final UsageReader reader;
    private final UsageLedger ledger;

    LedgerFeed(String name, String kind, Duration interval, Duration timeout, UsageReader reader, UsageLedger ledger) {
        this.name = name;
        this.kind = kind;
        this.interval = interval;
        this.timeout = timeout;
        this.reader = reader;
        this.ledger = ledger;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Future<PollResult> poll() {
        return reader.read().map(reading -> {
            ledger.record(reading.events());
            return new PollResult(List.of(), reading.detail(), reading.events().size());
        });
    }

    @Override
    public Future<Void> close() {
        return reader.close();
    }
}
