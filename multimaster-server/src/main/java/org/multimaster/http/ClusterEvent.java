package org.multimaster.http;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One change of the cluster, in the shape of Buildbot's event stream: a key such as
 * {@code ["masters", "7", "stopped"]} and a message, the changed resource.
 *
 * <p>Keys: {@code masters/N/started}, {@code masters/N/stopped} (message {@code active, masterid,
 * name}, as Buildbot sends them), {@code masters/N/updated} (a check-in or a new master; the whole
 * master), {@code masters/N/removed}; {@code schedulers/N/claimed}, {@code schedulers/N/released},
 * and the same for {@code changesources} (message: the component's id and name, and the
 * {@code masterid} that claimed or released it).
 *
 * @param key the event's key
 * @param message the changed resource
 */
record ClusterEvent(List<String> key, Map<String, Object> message) {

    ClusterEvent {
        key = List.copyOf(key);
        message = Map.copyOf(Objects.requireNonNull(message, "message"));
    }

    /** An event on {@code resource/id/type}. */
    static ClusterEvent of(String resource, long id, String type, Map<String, Object> message) {
        return new ClusterEvent(List.of(resource, String.valueOf(id), type), message);
    }
}
