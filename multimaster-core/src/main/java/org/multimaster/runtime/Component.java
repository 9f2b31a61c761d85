package org.multimaster.runtime;

import java.util.Objects;

/**
 * A claimable component of a master: a scheduler or a change source, by name. Immutable and
 * thread-safe.
 *
 * @param kind scheduler or change source
 * @param name the component's name
 */
public record Component(Kind kind, String name) {

    /** The kinds of claimable component. */
    public enum Kind {
        /** A scheduler ({@code schedulers} / {@code scheduler_masters}). */
        SCHEDULER,
        /** A change source ({@code changesources} / {@code changesource_masters}). */
        CHANGE_SOURCE;

        /** The kind's name in log messages, e.g. {@code change source}. */
        public String label() {
            return this == SCHEDULER ? "scheduler" : "change source";
        }
    }

    public Component {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(kind.label() + " name must not be blank");
        }
    }

    /** A scheduler. */
    public static Component scheduler(String name) {
        return new Component(Kind.SCHEDULER, name);
    }

    /** A change source. */
    public static Component changeSource(String name) {
        return new Component(Kind.CHANGE_SOURCE, name);
    }

    @Override
    public String toString() {
        return kind.label() + " '" + name + "'";
    }
}
