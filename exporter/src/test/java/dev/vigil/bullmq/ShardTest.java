package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ShardConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {
    private static final List<QueueRef> QUEUES = IntStream.range(0, 30_000)
            .mapToObj(i -> new QueueRef(i % 2 == 0 ? "bull" : "{tenant}", "queue-" + i)).toList();

    @Test
    void everyQueueBelongsToExactlyOneShard() {
        for (int n : new int[] {2, 3, 7, 64}) {
            Map<QueueRef, Integer> owners = new HashMap<>();
            for (int i = 0; i < n; i++) {
                Shard shard = new Shard(new ShardConfig(i, n));
                for (QueueRef q : QUEUES) {
                    if (shard.owns(q)) {
                        assertThat(owners.put(q, i)).as("%s owned twice of %d", q, n).isNull();
                    }
                }
            }
            assertThat(owners).as("every queue owned, of %d", n).hasSize(QUEUES.size());
        }
    }

    @Test
    void sharesAreEvenWithinTwoPercent() {
        int n = 3;
        int[] sizes = new int[n];
        QUEUES.forEach(q -> sizes[Shard.of(q, n)]++);
        for (int size : sizes) {
            assertThat(size).isBetween(QUEUES.size() / n * 98 / 100, QUEUES.size() / n * 102 / 100);
        }
    }

    /**
     * Replicas of different versions (a rolling update) must agree, so the assignment itself is pinned; the
     * expected shards were computed by a separate implementation of FNV-1a and jump hashing (in Python).
     */
    @Test
    void assignmentIsPinned() {
        List<String> names = List.of("emails", "render", "tenant:7:export", "ünïcode", "a", "b", "c", "d");
        assertThat(names.stream().map(n -> Shard.of(new QueueRef("bull", n), 3)).toList()).containsExactly(2, 0, 0, 2, 1, 0, 0, 2);
        assertThat(names.stream().map(n -> Shard.of(new QueueRef("bull", n), 1000)).toList())
                .containsExactly(826, 660, 818, 17, 470, 400, 816, 597);
    }

    @Test
    void prefixIsPartOfTheKey() {
        long differing = IntStream.range(0, 1000)
                .filter(i -> Shard.of(new QueueRef("bull", "q" + i), 4) != Shard.of(new QueueRef("other", "q" + i), 4)).count();
        assertThat(differing).isBetween(650L, 850L); // 3 in 4 would differ by chance
    }

    @Test
    void addingAShardMovesQueuesOnlyToIt() {
        for (QueueRef q : QUEUES) {
            int before = Shard.of(q, 3);
            int after = Shard.of(q, 4);
            assertThat(after).as("%s", q).isIn(before, 3);
        }
        long moved = QUEUES.stream().filter(q -> Shard.of(q, 4) == 3).count();
        assertThat(moved).isBetween(QUEUES.size() / 4 * 95 / 100L, QUEUES.size() / 4 * 105 / 100L);
    }

    @Test
    void selectKeepsTheShardsQueuesSortedAndWholeKeepsAll() {
        Set<QueueRef> all = new TreeSet<>(QUEUES.subList(0, 100));
        assertThat(new Shard(ShardConfig.WHOLE).select(all)).isSameAs(all);
        Set<QueueRef> one = new Shard(new ShardConfig(1, 3)).select(all);
        assertThat(List.copyOf(one)).isSorted().allMatch(q -> Shard.of(q, 3) == 1).isNotEmpty();
        assertThat(one).hasSize((int) all.stream().filter(q -> Shard.of(q, 3) == 1).count());
    }
}
