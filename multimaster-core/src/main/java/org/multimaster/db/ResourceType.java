package org.multimaster.db;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The resources of Buildbot's data API that multimaster serves, with their fields as the API names
 * and types them ({@code masterid}, {@code name}, ...). A query is checked against these fields.
 *
 * <p>Immutable and thread-safe.
 */
public enum ResourceType {
    /** {@code /masters}: Buildbot's master entity. */
    MASTER(
            "master",
            "masters",
            List.of(
                    new Field("masterid", FieldType.INTEGER),
                    new Field("name", FieldType.STRING),
                    new Field("active", FieldType.BOOLEAN),
                    new Field("last_active", FieldType.DATETIME))),
    /** {@code /schedulers}: a scheduler and the master running it ({@code master}, or null). */
    SCHEDULER(
            "scheduler",
            "schedulers",
            List.of(
                    new Field("schedulerid", FieldType.INTEGER),
                    new Field("name", FieldType.STRING),
                    new Field("enabled", FieldType.BOOLEAN),
                    new Field("master", FieldType.ENTITY))),
    /** {@code /changesources}: a change source and the master running it ({@code master}, or null). */
    CHANGESOURCE(
            "changesource",
            "changesources",
            List.of(
                    new Field("changesourceid", FieldType.INTEGER),
                    new Field("name", FieldType.STRING),
                    new Field("master", FieldType.ENTITY)));

    /** The type of a field, which decides how a value written in a query string is read. */
    public enum FieldType {
        /** A whole number, read as Python's {@code int()} reads it. */
        INTEGER,
        /** Text. */
        STRING,
        /** {@code on/true/yes/1} or {@code off/false/no/0}, any case. */
        BOOLEAN,
        /** A point in time: epoch seconds on the wire; epoch seconds or ISO-8601 in a query. */
        DATETIME,
        /** A nested entity (a scheduler's {@code master}): can be selected and ordered, not filtered. */
        ENTITY
    }

    /**
     * One field of a resource.
     *
     * @param name the field's name in the API, e.g. {@code last_active}
     * @param type its type
     */
    public record Field(String name, FieldType type) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    private final String singular;
    private final String plural;
    private final List<Field> fields;

    ResourceType(String singular, String plural, List<Field> fields) {
        this.singular = singular;
        this.plural = plural;
        this.fields = fields;
    }

    /** The resource's name, e.g. {@code master}. */
    public String singular() {
        return singular;
    }

    /** The resource's collection name, e.g. {@code masters}: the key of the list in a response. */
    public String plural() {
        return plural;
    }

    /** The fields, the key field (the id) first. */
    public List<Field> fields() {
        return fields;
    }

    /** The field with this name, if the resource has one. */
    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }
}
