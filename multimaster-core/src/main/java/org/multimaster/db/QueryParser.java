package org.multimaster.db;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ResourceType.Field;
import org.multimaster.db.ResultSpec.Operator;

/**
 * Reads the query parameters of Buildbot's data API into a {@link ResultSpec}, accepting, refusing
 * and ignoring exactly what Buildbot 3.7 does, so that a client written for Buildbot sees the same
 * answers.
 *
 * <p>Parameters, read in the order their names first appear (the first mistake is reported):
 *
 * <ul>
 *   <li>{@code order=[-]FIELD}, repeatable: sort keys, {@code -} for descending;
 *   <li>{@code field=FIELD}, repeatable: return only these fields; filters and order must then
 *       name selected fields;
 *   <li>{@code limit=N}, {@code offset=N}: paging, integers as Python reads them (negative counts
 *       from the end, see {@link ResultSpec});
 *   <li>{@code FIELD=V}, repeatable: the field equals V (several: one of them);
 *   <li>{@code FIELD__OP=V}: a filter with an operator of {@link Operator}; {@code lt le gt ge}
 *       take one value. A {@code __} parameter with an unknown field or operator, or with several
 *       values for {@code lt le gt ge}, is ignored, as Buildbot ignores it; a {@link #strict()}
 *       parser refuses it instead;
 *   <li>{@code property=…} is accepted and has no effect on these resources;
 *   <li>anything else is refused: {@code unrecognized query parameter 'x'}.
 * </ul>
 *
 * <p>Values: integers as Python's {@code int()} reads them; booleans {@code on/true/yes/1} and
 * {@code off/false/no/0} in any case; datetimes as epoch seconds or ISO-8601
 * ({@code 2026-11-28T10:00:00Z}; beyond Buildbot, which takes epoch seconds only). A string that is
 * not valid UTF-8 reaches this parser with each bad byte as a lone surrogate
 * ({@code U+DC80}–{@code U+DCFF}, Python's {@code surrogateescape}) and is refused, as Buildbot
 * refuses it.
 *
 * <p>Immutable and thread-safe.
 */
public final class QueryParser {

    private final ResourceType type;
    private final boolean item;
    private final boolean strict;

    private QueryParser(ResourceType type, boolean item, boolean strict) {
        this.type = type;
        this.item = item;
        this.strict = strict;
    }

    /** A parser for a collection of {@code type} ({@code /masters}), lenient as Buildbot is. */
    public static QueryParser of(ResourceType type) {
        return new QueryParser(Objects.requireNonNull(type, "type"), false, false);
    }

    /** This parser for a single item ({@code /masters/7}): filters are refused, paging has no effect. */
    public QueryParser forItem() {
        return new QueryParser(type, true, strict);
    }

    /**
     * This parser refusing what Buildbot silently ignores: {@code FIELD__OP} parameters with an
     * unknown field or operator, and several values for {@code lt le gt ge}. For people typing
     * filters, where an ignored typo would go unnoticed.
     */
    public QueryParser strict() {
        return new QueryParser(type, item, true);
    }

    /**
     * Reads a query.
     *
     * @param query each parameter name with its values, in the order the names first appear
     * @return the spec
     * @throws InvalidQueryException for the first malformed, unknown or conflicting parameter
     */
    public ResultSpec parse(Map<String, List<String>> query) {
        Objects.requireNonNull(query, "query");
        ResultSpec.Builder spec = ResultSpec.builder();
        List<String> order = null;
        List<String> fields = null;
        List<ResultSpec.Filter> filters = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            List<String> values = parameter.getValue();
            if (values.isEmpty()) {
                continue;
            }
            switch (name) {
                case "order" -> {
                    for (String key : values) {
                        checkField(key.startsWith("-") ? key.substring(1) : key, "order", key);
                    }
                    order = values;
                }
                case "field" -> {
                    for (String field : values) {
                        checkField(field, "field", field);
                    }
                    fields = values;
                }
                case "limit" -> spec.limit(paging(values.get(0), "limit"));
                case "offset" -> spec.offset(paging(values.get(0), "offset"));
                case "property" -> {
                    // Build properties; these resources have none, and Buildbot accepts the parameter.
                }
                default -> filter(name, values).ifPresent(filters::add);
            }
        }
        if (fields != null) {
            Set<String> selected = new LinkedHashSet<>(fields);
            if (order != null) {
                List<String> unselected = order.stream()
                        .map(key -> key.replaceFirst("^-+", ""))
                        .filter(f -> !selected.contains(f))
                        .toList();
                if (!unselected.isEmpty()) {
                    throw new InvalidQueryException(
                            "cannot order on " + unselected + ": field= does not select it; add field="
                                    + unselected.get(0),
                            "cannot order on un-selected fields");
                }
            }
            for (ResultSpec.Filter filter : filters) {
                if (!selected.contains(filter.field())) {
                    throw new InvalidQueryException(
                            "cannot filter on '" + filter.field() + "': field= does not select it; add field="
                                    + filter.field(),
                            "cannot filter on un-selected fields");
                }
            }
            spec.fields(fields.toArray(String[]::new));
        }
        if (item && !filters.isEmpty()) {
            throw new InvalidQueryException(
                    "a single " + type.singular() + " takes no filter (got "
                            + filters.get(0).field() + "); query /" + type.plural() + " to filter",
                    "this is not a collection");
        }
        filters.forEach(spec::filter);
        if (order != null) {
            spec.order(order.toArray(String[]::new));
        }
        return spec.build();
    }

    /**
     * Reads a path segment that holds an id ({@code /masters/7}) as Buildbot's {@code n:} path
     * pattern does, with Python's {@code int()} on text.
     *
     * @return the id, or empty if Buildbot would not match the segment as a number (then the path
     *     is invalid, 404)
     */
    public static OptionalLong pathId(String segment) {
        Optional<BigInteger> value = PythonInt.fromText(Objects.requireNonNull(segment, "segment"));
        return value.map(v -> OptionalLong.of(PythonInt.clamp(v))).orElseGet(OptionalLong::empty);
    }

    private void checkField(String name, String parameter, String given) {
        if (type.field(name).isEmpty()) {
            String message = "unknown " + parameter + " field '" + given + "'; valid fields are " + fieldNames();
            // Buildbot answers 500 for an empty name (it reads its first character): no text to match.
            throw new InvalidQueryException(message, given.isEmpty() ? message : "no such field '" + name + "'");
        }
    }

    private long paging(String value, String parameter) {
        return PythonInt.fromBytes(value)
                .map(PythonInt::clamp)
                .orElseThrow(() -> new InvalidQueryException(
                        "invalid " + parameter + " '" + value + "': expected an integer", "invalid " + parameter));
    }

    private Optional<ResultSpec.Filter> filter(String name, List<String> values) {
        Optional<Field> exact = type.field(name);
        if (exact.isPresent()) {
            return Optional.of(new ResultSpec.Filter(name, Operator.EQ, convert(exact.get(), name, values)));
        }
        int separator = name.lastIndexOf("__");
        if (separator < 0) {
            throw new InvalidQueryException(
                    "unknown filter field '" + name + "'; valid fields are " + fieldNames(),
                    "unrecognized query parameter '" + name + "'");
        }
        String fieldName = name.substring(0, separator);
        String opName = name.substring(separator + 2);
        Optional<Operator> op = java.util.Arrays.stream(Operator.values())
                .filter(o -> o.wireName().equals(opName))
                .findFirst();
        Optional<Field> field = type.field(fieldName);
        if (op.isEmpty()) {
            return ignored("unknown filter operator '" + opName + "' in '" + name + "'; use one of "
                    + java.util.Arrays.stream(Operator.values())
                            .map(Operator::wireName)
                            .toList());
        }
        if (field.isEmpty()) {
            return ignored(
                    "unknown filter field '" + fieldName + "' in '" + name + "'; valid fields are " + fieldNames());
        }
        if (values.size() > 1 && !op.get().acceptsSeveralValues()) {
            return ignored("filter " + name + " takes exactly one value, got " + values.size()
                    + "; only eq, ne, contains, in and notin take several");
        }
        List<Object> converted = convert(field.get(), name, values);
        if (op.get() == Operator.CONTAINS && field.get().type() != ResourceType.FieldType.STRING) {
            // Buildbot answers 500 here: Python cannot look for a substring in a number.
            String message = "invalid operator contains for "
                    + field.get().type().name().toLowerCase(Locale.ROOT) + " field " + fieldName
                    + ": contains takes a string field";
            throw new InvalidQueryException(message, message);
        }
        return Optional.of(new ResultSpec.Filter(fieldName, op.get(), converted));
    }

    private Optional<ResultSpec.Filter> ignored(String why) {
        if (strict) {
            throw new InvalidQueryException(why, why);
        }
        return Optional.empty();
    }

    private List<Object> convert(Field field, String parameter, List<String> values) {
        List<Object> converted = new ArrayList<>(values.size());
        for (String value : values) {
            converted.add(convert(field, parameter, value));
        }
        return converted;
    }

    private static Object convert(Field field, String parameter, String value) {
        @Nullable
        Object converted = switch (field.type()) {
            case INTEGER -> PythonInt.fromBytes(value).map(PythonInt::clamp).orElse(null);
            case STRING -> isUtf8(value) ? value : null;
            case BOOLEAN -> bool(value);
            case DATETIME -> epochSeconds(value);
            case ENTITY -> null;
        };
        if (converted == null) {
            throw new InvalidQueryException(
                    "invalid value '" + printable(value) + "' for field " + field.name() + ": " + expected(field),
                    "invalid filter value for " + parameter);
        }
        return converted;
    }

    private static String expected(Field field) {
        return switch (field.type()) {
            case INTEGER -> "expected an integer";
            case STRING -> "expected UTF-8 text";
            case BOOLEAN -> "expected a boolean (on/true/yes/1 or off/false/no/0)";
            case DATETIME -> "expected epoch seconds or an ISO-8601 time in whole seconds, e.g. 2026-11-28T10:00:00Z";
            case ENTITY -> "a nested entity cannot be filtered; order or select it only";
        };
    }

    private static @Nullable Boolean bool(String value) {
        // Buildbot lowercases the bytes: only ASCII letters change, and nothing is trimmed.
        StringBuilder lower = new StringBuilder(value.length());
        value.chars().forEach(c -> lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : (char) c));
        return switch (lower.toString()) {
            case "on", "true", "yes", "1" -> Boolean.TRUE;
            case "off", "false", "no", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static @Nullable Long epochSeconds(String value) {
        Optional<BigInteger> seconds = PythonInt.fromBytes(value);
        if (seconds.isPresent()) {
            return PythonInt.clamp(seconds.get());
        }
        Instant instant;
        try {
            instant = Instant.parse(value.strip());
        } catch (DateTimeException e) {
            try {
                instant = OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeException e2) {
                return null;
            }
        }
        return instant.getNano() == 0 ? instant.getEpochSecond() : null;
    }

    private static boolean isUtf8(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || (c >= 0xD800 && c <= 0xDFFF)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private String fieldNames() {
        return type.fields().stream().map(Field::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
