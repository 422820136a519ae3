package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A discovery hands the poll the queues it already knows as the same objects (see BullmqSource.sameInstances). */
class RediscoveryTest {
    private final QueueRef emails = new QueueRef("bull", "emails");
    private final QueueRef reports = new QueueRef("bull", "reports");

    @Test
    void anUnchangedListIsTheSameListObject() {
        List<QueueRef> previous = List.of(emails, reports);
        List<QueueRef> found = List.of(new QueueRef("bull", "emails"), new QueueRef("bull", "reports"));
        assertThat(BullmqSource.sameInstances(previous, found)).isSameAs(previous);
    }

    @Test
    void aChangedListKeepsTheKnownQueuesObjectsAndAddsTheNewOnes() {
        QueueRef digest = new QueueRef("bull", "digest");
        List<QueueRef> next = BullmqSource.sameInstances(List.of(emails, reports),
                List.of(digest, new QueueRef("bull", "emails")));
        assertThat(next).containsExactly(digest, emails);
        assertThat(next.get(0)).isSameAs(digest);
        assertThat(next.get(1)).isSameAs(emails);
    }

    @Test
    void theFirstDiscoveryIsTakenAsFound() {
        List<QueueRef> found = List.of(emails);
        assertThat(BullmqSource.sameInstances(null, found)).isSameAs(found);
    }
}
