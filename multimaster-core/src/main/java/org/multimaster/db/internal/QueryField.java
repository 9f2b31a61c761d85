package org.multimaster.db.internal;

import java.time.Instant;
import java.util.Locale;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ResourceType.FieldType;

/**
 * One field of a resource as the data API names it, the column that stores it, and how values
 * given for it in a filter are converted to the column's type.
 *
 * @param name the data API name, e.g. {@code masterid}
 * @param column the column, e.g. {@code id}
 * @param type the field's type; an {@link FieldType#ENTITY} field is the nullable id of the
 *     nested entity (a component's master), ordered with nulls first and never filtered
 * @param hashColumn for a name field, the column holding its SHA-1, used for exact matches so that
 *     no collation can merge names that differ by case
 */
record QueryField(
        String name,
        String column,
        FieldType type,
        @Nullable String hashColumn) {

    static QueryField of(String name, String column, FieldType type) {
        return new QueryField(name, column, type, null);
    }

    /** Converts a filter value for this field into what is bound to the column. */
    Object toColumnValue(Object value) {
        return switch (type) {
            case STRING -> text(value instanceof String s ? s : String.valueOf(value));
            case INTEGER -> toLong(value, "an integer");
            case DATETIME -> value instanceof Instant instant ? wholeSeconds(instant) : toLong(value, "epoch seconds");
            case BOOLEAN -> toBoolean(value) ? 1 : 0;
            case ENTITY ->
                throw new IllegalArgumentException(
                        "field " + name + " is a nested entity and cannot be filtered; order or select it only");
        };
    }

    private String text(String value) {
        OptionalInt surrogate = NamedRows.unpairedSurrogate(value);
        if (surrogate.isPresent()) {
            throw new IllegalArgumentException("invalid value " + NamedRows.quoted(value) + " for field " + name
                    + ": it holds an unpaired surrogate (" + NamedRows.escape(surrogate.getAsInt())
                    + "), which is not Unicode text");
        }
        return value;
    }

    private long toLong(Object value, String expected) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(
                "invalid value '" + value + "' for field " + name + ": expected " + expected);
    }

    private long wholeSeconds(Instant instant) {
        if (instant.getNano() != 0) {
            throw new IllegalArgumentException(
                    "invalid value " + instant + " for field " + name + ": expected whole seconds");
        }
        return instant.getEpochSecond();
    }

    private boolean toBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default ->
                throw new IllegalArgumentException("invalid value '" + value + "' for field " + name
                        + ": expected a boolean (on/true/yes/1 or off/false/no/0)");
        };
    }
}
