package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig.Stat;
import java.util.Map;

/**
 * One application cache as read in a poll: configured by name, or found by a hash pattern.
 *
 * @param hash        the hash to HGETALL, or null when the numbers are in plain keys
 * @param names       field names in the hash, or the plain keys, by number
 * @param discovered  found by a pattern: when its hash is gone it drops out instead of being reported missing
 */
record CacheRef(String name, String level, String hash, Map<Stat, String> names, boolean discovered) {

    /** Identifies the cache's series and its state across polls. */
    String id() {
        return name + '\0' + level;
    }
}
