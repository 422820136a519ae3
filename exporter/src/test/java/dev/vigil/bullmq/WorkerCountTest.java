package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Worker connections counted from CLIENT LIST lines as Redis 7 writes them, the way BullMQ's getWorkers() counts. */
class WorkerCountTest {
    private static final QueueRef EMAILS = new QueueRef("bull", "emails"); // base64: ZW1haWxz
    private static final QueueRef IDLE = new QueueRef("bull", "idle");     // base64: aWRsZQ== (padding kept)

    private static String client(int id, String name) {
        return "id=" + id + " addr=127.0.0.1:" + (50000 + id) + " laddr=127.0.0.1:6379 fd=" + (8 + id) + " name=" + name
                + " age=3 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0"
                + " rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=1928 events=r cmd=bzpopmin user=default redir=-1 resp=2 lib-name= lib-ver=";
    }

    private static String list(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void countsTheQueuesOwnNameAndNamedWorkersOnly() {
        WorkerCount count = WorkerCount.parse(List.of(list(
                client(1, "bull:ZW1haWxz"),
                client(2, "bull:ZW1haWxz"),
                client(3, "bull:ZW1haWxz:w:mailer"),  // a worker given a name
                client(4, "bull:ZW1haWxz:qe"),        // the queue's QueueEvents: not a worker
                client(5, "bullx:ZW1haWxz"),          // another prefix
                client(6, ""),                         // a connection without a name
                client(7, "bull:aWRsZQ=="))), "bull");
        assertThat(count.workers(EMAILS)).isEqualTo(3);
        assertThat(count.workers(IDLE)).isEqualTo(1);
        assertThat(count.workers(new QueueRef("bull", "absent"))).isZero();
    }

    @Test
    void onAClusterTakesTheLargestCountOnAnyNodeNeverTheSum() {
        WorkerCount count = WorkerCount.parse(List.of(
                list(client(1, "bull:ZW1haWxz"), client(2, "bull:ZW1haWxz")),
                list(client(1, "bull:ZW1haWxz"), client(2, "bull:aWRsZQ==")),
                list()), "bull");
        assertThat(count.workers(EMAILS)).isEqualTo(2);
        assertThat(count.workers(IDLE)).isEqualTo(1);
    }

    @Test
    void aPrefixWithAColonIsMatchedWhole() {
        String lines = list(client(1, "bull:tenant:42:cmVwb3J0cw=="), client(2, "bull:cmVwb3J0cw=="));
        assertThat(WorkerCount.parse(List.of(lines), "bull:tenant:42").workers(new QueueRef("bull:tenant:42", "reports"))).isEqualTo(1);
        assertThat(WorkerCount.parse(List.of(lines), "bull").workers(new QueueRef("bull", "reports"))).isEqualTo(1);
    }

    @Test
    void aNameThatIsNotExactlyTheEncodingOfAQueueNameCountsForNone() {
        WorkerCount count = WorkerCount.parse(List.of(list(
                client(1, "bull:ZW1haWxz"),
                client(2, "bull:ZW1haWxz="),    // padding where none belongs: not what BullMQ writes
                client(3, "bull:aWRsZR=="),     // decodes to "idle" too, but is not its encoding
                client(4, "bull:not-base64"),
                client(5, "bull:/w=="))), "bull"); // one byte that is not UTF-8
        assertThat(count.workers(EMAILS)).isEqualTo(1);
        assertThat(count.workers(IDLE)).isZero();
    }
}
