package org.multimaster.http;

import java.util.Objects;

/**
 * What {@code GET /healthz} answers: healthy (200) or not (503), and why. Immutable and
 * thread-safe.
 *
 * @param healthy whether all is well
 * @param detail what was checked and found, e.g. {@code last check-in 0.4 s ago}
 */
public record Health(boolean healthy, String detail) {

    public Health {
        Objects.requireNonNull(detail, "detail");
    }
}
