package org.multimaster.http;

import java.util.Objects;

/**
 * Where the HTTP server listens: a host (name or address) and a TCP port, 0 for any free one.
 * Immutable and thread-safe.
 *
 * @param host the host or address to bind, e.g. {@code 127.0.0.1}, {@code 0.0.0.0} or {@code ::1}
 * @param port the port, 0 to 65535
 */
public record HttpEndpoint(String host, int port) {

    /** The default: loopback only, Buildbot's web port. */
    public static final HttpEndpoint DEFAULT = new HttpEndpoint("127.0.0.1", 8010);

    public HttpEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("HTTP host must not be blank; write HOST:PORT, e.g. 127.0.0.1:8010");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP port " + port + " must be between 0 and 65535 (0: any free port)");
        }
    }

    /**
     * Parses {@code HOST:PORT}; an IPv6 address goes in brackets ({@code [::1]:8010}).
     *
     * @throws IllegalArgumentException naming the bad text and the expected form
     */
    public static HttpEndpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.lastIndexOf(':');
        String bad = "invalid HTTP address '" + text + "': write HOST:PORT, e.g. 127.0.0.1:8010, 0.0.0.0:8010 or"
                + " [::1]:8010 (port 0: any free port)";
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(bad);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(bad);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad, e);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(bad);
        }
        return new HttpEndpoint(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
