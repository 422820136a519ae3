package dev.vigil.postgres;

/** The server's {@code server_version_num} (e.g. 170002) and {@code server_version} text, read once per connection. */
record ServerVersion(int number, String text) {
    /** The oldest major version whose views Vigil reads; 12 is out of support and lacks columns we rely on. */
    static final int OLDEST_MAJOR = 13;

    int major() {
        return number / 10000;
    }

    boolean atLeast(int major) {
        return major() >= major;
    }
}
