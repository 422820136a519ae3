package dev.vigil.config;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code llm} section: where token usage comes from (push, application counters in Redis, an SQL
 * ledger, the providers' usage APIs), how it is priced, which attribution labels it carries, and the
 * budgets. Every key is optional.
 */
public record LlmConfig(
        Push push,
        LlmOtlpConfig otlp,
        Optional<PriceFile> prices,
        Budgets budgets,
        List<String> labels,
        int maxLabelValues,
        int maxSeries,
        List<LlmRedisConfig> redis,
        List<LlmSqlConfig> sql,
        List<LlmApiConfig> apis) {

    /** Distinct values per label (models and providers included) before the rest are counted as "other". */
    public static final int DEFAULT_MAX_LABEL_VALUES = 100;
    /** Distinct label sets of the token and cost series; beyond it attribution labels become "other". */
    public static final int DEFAULT_MAX_SERIES = 10_000;
    /** Label names Vigil itself puts on the llm families, so attribution cannot reuse them. */
    private static final Set<String> RESERVED = Set.of("provider", "model", "type", "status", "period", "le", "label");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

    public LlmConfig {
        labels = List.copyOf(labels);
        redis = List.copyOf(redis);
        sql = List.copyOf(sql);
        apis = List.copyOf(apis);
    }

    /** The push endpoint; without a token it answers only when the server listens on loopback alone. */
    public record Push(boolean enabled, Optional<Secret> token) {
    }

    /** Budgets in US dollars for the calendar day and month in {@code timezone}. */
    public record Budgets(Optional<BigDecimal> dailyUsd, Optional<BigDecimal> monthlyUsd, ZoneId timezone) {
        public static final Budgets NONE = new Budgets(Optional.empty(), Optional.empty(), ZoneId.of("UTC"));
    }

    static LlmConfig read(YamlSection section, Set<String> redisNames, Set<String> sourceNames,
                          Function<String, String> env) throws ConfigException {
        Push push = section.section("push").isPresent() ? readPush(section.section("push").get()) : new Push(true, Optional.empty());
        Optional<PriceFile> prices = section.string("prices_file").isPresent()
                ? Optional.of(PriceFile.load(java.nio.file.Path.of(section.string("prices_file").get()), env)) : Optional.empty();
        Budgets budgets = section.section("budgets").isPresent() ? readBudgets(section.section("budgets").get()) : Budgets.NONE;
        List<String> labels = readLabels(section);
        LlmOtlpConfig otlp = section.section("otlp").isPresent() ? LlmOtlpConfig.read(section.section("otlp").get(), labels) : LlmOtlpConfig.OFF;
        int maxLabelValues = section.integer("max_label_values", DEFAULT_MAX_LABEL_VALUES, 1, 100_000);
        int maxSeries = section.integer("max_series", DEFAULT_MAX_SERIES, 1, 1_000_000);
        List<LlmRedisConfig> redis = new ArrayList<>();
        for (YamlSection s : section.sectionList("redis")) {
            redis.add(unique(s, sourceNames, LlmRedisConfig.read(s, redisNames, labels)));
        }
        List<LlmSqlConfig> sql = new ArrayList<>();
        for (YamlSection s : section.sectionList("sql")) {
            sql.add(unique(s, sourceNames, LlmSqlConfig.read(s)));
        }
        List<LlmApiConfig> apis = new ArrayList<>();
        for (LlmApiConfig.Provider provider : LlmApiConfig.Provider.values()) {
            for (YamlSection s : section.sectionList(provider.key())) {
                apis.add(unique(s, sourceNames, LlmApiConfig.read(provider, s)));
            }
        }
        section.finish();
        return new LlmConfig(push, otlp, prices, budgets, labels, maxLabelValues, maxSeries, redis, sql, apis);
    }

    private static <T extends LlmSourceName> T unique(YamlSection section, Set<String> names, T source) throws ConfigException {
        if (!names.add(source.name())) {
            throw section.error("name", "source name '" + source.name() + "' is used twice; give each entry its own name:");
        }
        return source;
    }

    private static Push readPush(YamlSection section) throws ConfigException {
        boolean enabled = section.bool("enabled", true);
        Optional<Secret> token = section.secret("token");
        section.finish();
        if (token.isPresent() && token.get().value().isEmpty()) {
            throw section.error("token", "is empty; put the bearer token the application sends in the file");
        }
        return new Push(enabled, token);
    }

    private static Budgets readBudgets(YamlSection section) throws ConfigException {
        BigDecimal max = new BigDecimal("1000000000");
        Optional<BigDecimal> daily = section.string("daily_usd").isPresent()
                ? Optional.of(Money.parse(section, "daily_usd", section.string("daily_usd").get(), max)) : Optional.empty();
        Optional<BigDecimal> monthly = section.string("monthly_usd").isPresent()
                ? Optional.of(Money.parse(section, "monthly_usd", section.string("monthly_usd").get(), max)) : Optional.empty();
        String zone = section.string("timezone", "UTC");
        section.finish();
        try {
            return new Budgets(daily, monthly, ZoneId.of(zone));
        } catch (DateTimeException e) {
            throw section.error("timezone", "unknown time zone '" + zone + "'; write it like UTC or Europe/Berlin");
        }
    }

    private static List<String> readLabels(YamlSection section) throws ConfigException {
        List<String> labels = section.stringList("labels");
        for (String label : labels) {
            if (!LABEL_NAME.matcher(label).matches() || RESERVED.contains(label)) {
                throw section.error("labels", "'" + label + "' cannot be an attribution label: use lower-case letters, digits"
                        + " and _, and none of " + String.join(", ", RESERVED.stream().sorted().toList()));
            }
        }
        if (Set.copyOf(labels).size() != labels.size()) {
            throw section.error("labels", "names a label twice");
        }
        return labels;
    }

    /** The lines of {@code --check-config}'s summary for this section; never the token. */
    String summary(boolean loopbackOnly) {
        StringBuilder out = new StringBuilder("llm: push ");
        if (!push.enabled()) {
            out.append("off");
        } else {
            out.append("on /api/v1/llm/usage, ").append(push.token().isPresent() ? "bearer token set"
                    : loopbackOnly ? "no token (loopback only)" : "no token: refused until llm.push.token_file is set");
        }
        out.append("; prices: built-in").append(prices.map(p -> " + " + p.models().size() + " from " + p.origin()).orElse(""));
        budgets.dailyUsd().ifPresent(d -> out.append("; daily budget $").append(d.toPlainString()));
        budgets.monthlyUsd().ifPresent(m -> out.append("; monthly budget $").append(m.toPlainString()));
        out.append(" (").append(budgets.timezone()).append(')');
        if (!labels.isEmpty()) {
            out.append("; labels ").append(labels);
        }
        out.append('\n');
        if (otlp.enabled()) {
            out.append(otlp.summary()).append('\n');
        }
        redis.forEach(r -> out.append(r.summary()).append('\n'));
        sql.forEach(s -> out.append(s.summary()).append('\n'));
        apis.forEach(a -> out.append(a.summary()).append('\n'));
        return out.toString();
    }
}
