package dev.vigil.bullmq;

/** A Redis stream entry id, {@code <milliseconds>-<sequence>}; the milliseconds are Redis' own clock. */
record StreamId(long ms, long seq) implements Comparable<StreamId> {
    static final StreamId ZERO = new StreamId(0, 0);

    static StreamId parse(String id) {
        int dash = id.indexOf('-');
        return dash < 0
                ? new StreamId(Long.parseLong(id), 0)
                : new StreamId(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
    }

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compare(ms, o.ms);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return ms + "-" + seq;
    }
}
