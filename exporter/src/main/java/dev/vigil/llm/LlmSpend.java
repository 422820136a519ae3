package dev.vigil.llm;

import dev.vigil.config.LlmApiConfig;
import dev.vigil.config.LlmConfig;
import dev.vigil.config.LlmRedisConfig;
import dev.vigil.config.LlmSqlConfig;
import dev.vigil.config.PriceFile;
import dev.vigil.config.ServerConfig;
import dev.vigil.llm.api.AnthropicUsageReader;
import dev.vigil.llm.api.OpenAiUsageReader;
import dev.vigil.llm.otlp.OtlpHandler;
import dev.vigil.llm.otlp.OtlpIngest;
import dev.vigil.llm.price.PriceTable;
import dev.vigil.llm.push.PushHandler;
import dev.vigil.llm.redis.RedisUsageReader;
import dev.vigil.llm.sql.SqlLedgerReader;
import dev.vigil.poll.Source;
import dev.vigil.redis.RedisEndpoint;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Everything the {@code llm} section turns on: the price table, the ledger and its collector, the push
 * route and the polled sources that feed the ledger.
 */
public final class LlmSpend {
    private static final Logger LOG = Logger.getLogger(LlmSpend.class.getName());

    private final UsageLedger ledger;
    private final Optional<PushHandler> push;
    private final Optional<OtlpIngest> otlp;
    private final Optional<OtlpHandler> otlpRoutes;
    private final List<Source> sources = new ArrayList<>();

    public LlmSpend(LlmConfig config, ServerConfig server, Vertx vertx, Map<String, RedisEndpoint> redis, Clock clock) {
        PriceTable prices = PriceTable.load(config.prices());
        LOG.info("llm: " + prices.size() + " model prices (built-in table of " + prices.asOf()
                + config.prices().map(p -> ", with " + p.origin()).orElse("") + ")");
        config.prices().filter(p -> !p.unusable().isEmpty()).ifPresent(p -> LOG.info("llm: " + unusable(p)));
        this.ledger = new UsageLedger(config, prices, clock);
        IngestGate gate = new IngestGate(config.push().token(), server.loopbackOnly());
        this.push = config.push().enabled() ? Optional.of(new PushHandler(ledger, gate, clock)) : Optional.empty();
        this.otlp = config.otlp().enabled() ? Optional.of(new OtlpIngest(config.otlp(), ledger, clock)) : Optional.empty();
        this.otlpRoutes = otlp.map(o -> new OtlpHandler(o, gate));
        if ((push.isPresent() || otlp.isPresent()) && config.push().token().isEmpty() && !server.loopbackOnly()) {
            LOG.warning("llm: the push and OTLP endpoints refuse every request until llm.push.token_file is set, since Vigil listens on "
                    + server.host() + " (beyond loopback)");
        }
        for (LlmRedisConfig r : config.redis()) {
            sources.add(new LedgerFeed(r.name(), "llm-redis", r.interval(), r.timeout(),
                    new RedisUsageReader(r, redis.get(r.redis()), vertx), ledger));
        }
        for (LlmSqlConfig s : config.sql()) {
            sources.add(new LedgerFeed(s.name(), "llm-sql", s.interval(), s.timeout(), new SqlLedgerReader(s, config.labels(), vertx), ledger));
        }
        for (LlmApiConfig a : config.apis()) {
            UsageReader reader = switch (a.provider()) {
                case OPENAI -> new OpenAiUsageReader(a, vertx, clock);
                case ANTHROPIC -> new AnthropicUsageReader(a, vertx, clock);
            };
            sources.add(new LedgerFeed(a.name(), "llm-" + a.provider().key(), a.interval(), a.timeout(), reader, ledger));
        }
    }

    /** One line: how many price entries were left out and why, with a few names each, so none is skipped silently. */
    static String unusable(PriceFile file) {
        StringJoiner reasons = new StringJoiner("; ");
        int total = 0;
        for (Map.Entry<String, List<String>> e : new TreeMap<>(file.unusable()).entrySet()) {
            List<String> names = e.getValue();
            total += names.size();
            reasons.add(names.size() + " " + e.getKey() + " (" + String.join(", ", names.subList(0, Math.min(3, names.size())))
                    + (names.size() > 3 ? ", ..." : "") + ")");
        }
        return total + " entries of " + file.origin() + " cannot price calls and are left out: " + reasons;
    }

    /** The ledger's families, and the OTLP endpoints' own counters when they are on. */
    public List<MultiCollector> collectors() {
        List<MultiCollector> collectors = new ArrayList<>(List.of(new LedgerCollector(ledger)));
        otlp.ifPresent(o -> collectors.add(o.collector()));
        return collectors;
    }

    public List<Source> sources() {
        return List.copyOf(sources);
    }

    /** Adds the push and OTLP routes that are enabled. */
    public void mount(Router router) {
        push.ifPresent(p -> p.mount(router));
        otlpRoutes.ifPresent(o -> o.mount(router));
    }
}
