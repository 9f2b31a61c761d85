package org.multimaster.runtime;

import java.util.Objects;

/**
 * A master started or stopped, as Buildbot's data layer reports it ({@code masters/N/started},
 * {@code masters/N/stopped}). Immutable and thread-safe.
 *
 * @param type what happened
 * @param masterId the master's id
 * @param name the master's name
 * @param active the master's state after the event
 */
public record MasterEvent(Type type, long masterId, String name, boolean active) {

    /** The kinds of event. */
    public enum Type {
        /** The master was marked active. */
        STARTED,
        /** The master was marked inactive, and its housekeeping has run. */
        STOPPED
    }

    public MasterEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }
}
