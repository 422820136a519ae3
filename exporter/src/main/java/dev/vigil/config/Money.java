package dev.vigil.config;

import java.math.BigDecimal;

/** US dollar amounts written in the config, read as exact decimals: never through a double. */
final class Money {
    private Money() {
    }

    static BigDecimal parse(YamlSection section, String key, String text, BigDecimal max) throws ConfigException {
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw section.error(key, "expected an amount in US dollars such as 0.15, got '" + text + "'");
        }
        if (value.signum() < 0 || value.compareTo(max) > 0) {
            throw section.error(key, "must be between 0 and " + max.toPlainString() + ", got " + value.toPlainString());
        }
        return value.stripTrailingZeros();
    }
}
