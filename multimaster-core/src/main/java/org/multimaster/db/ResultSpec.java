package org.multimaster.db;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Buildbot's generic data query options: filters, order, offset, limit and a field projection.
 *
 * <p>A connector executes a spec in SQL (filtering, counting, ordering and paging), so no query
 * loads every row. Field names and value types are checked by the connector that runs the spec,
 * because only it knows its fields; everything that can be checked without knowing the resource is
 * checked here, when the spec is built. {@link #fromQuery} reads a spec from the query parameters
 * of Buildbot's data API.
 *
 * <p>Offset and limit follow Buildbot, which slices a Python list with them: a negative offset
 * counts from the end ({@code offset=-2}: the last two), and the page ends at {@code offset +
 * limit}, which, when negative, also counts from the end ({@code limit=-1}: all but the last).
 *
 * <p>Immutable and thread-safe.
 */
public final class ResultSpec {

    private static final ResultSpec ALL = new ResultSpec(List.of(), List.of(), 0, null, List.of());

    private final List<Filter> filters;
    private final List<Order> order;
    private final long offset;
    private final @Nullable Long limit;
    private final List<String> fields;

    private ResultSpec(
            List<Filter> filters, List<Order> order, long offset, @Nullable Long limit, List<String> fields) {
        this.filters = List.copyOf(filters);
        this.order = List.copyOf(order);
        this.offset = offset;
        this.limit = limit;
        this.fields = List.copyOf(fields);
    }

    /** Returns the spec that selects every row in the default (id) order. */
    public static ResultSpec all() {
        return ALL;
    }

    /** Returns a new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the query parameters of a request for a collection of {@code type}, as Buildbot 3.7
     * reads them: the same parameters are accepted, refused (with Buildbot's error text) and
     * ignored. Same as {@code QueryParser.of(type).parse(query)}; see {@link QueryParser}.
     *
     * @param query the decoded parameters, each name with its values, in the order the names first
     *     appear in the query string
     * @param type the resource queried
     * @throws InvalidQueryException if a parameter is malformed, unknown or names an unknown field
     */
    public static ResultSpec fromQuery(Map<String, List<String>> query, ResourceType type) {
        return QueryParser.of(type).parse(query);
    }

    /** The filters; a row must match all of them. */
    public List<Filter> filters() {
        return filters;
    }

    /** The sort keys, most significant first; empty means the resource's default order. */
    public List<Order> order() {
        return order;
    }

    /** The number of matching rows to skip; negative counts from the end (see the class comment). */
    public long offset() {
        return offset;
    }

    /**
     * The maximum number of rows to return, or {@code null} for no limit; negative ends the page
     * that many rows before the end (see the class comment).
     */
    public @Nullable Long limit() {
        return limit;
    }

    /** Returns this spec with one more filter, which rows must match too. */
    public ResultSpec and(Filter filter) {
        List<Filter> more = new ArrayList<>(filters);
        more.add(Objects.requireNonNull(filter, "filter"));
        return new ResultSpec(more, order, offset, limit, fields);
    }

    /** Whether offset or limit count from the end, so that paging needs the total first. */
    public boolean pagingNeedsTotal() {
        return offset < 0 || (limit != null && saturatedSum(offset, limit) < 0);
    }

    /**
     * Returns this spec with offset and limit made absolute for a result of {@code total} rows, as
     * Python's {@code rows[offset:offset + limit]} would slice it: offset 0 or more, limit 0 or
     * more or none.
     *
     * @param total the number of rows that match the filters
     */
    public ResultSpec withAbsolutePaging(long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total " + total + " must not be negative");
        }
        long start = offset < 0 ? Math.max(0, total + offset) : offset;
        Long count = null;
        if (limit != null) {
            long end = saturatedSum(offset, limit);
            end = end < 0 ? Math.max(0, total + end) : end;
            count = Math.max(0, end - start);
        } else if (offset >= 0) {
            return this;
        }
        return new ResultSpec(filters, order, start, count, fields);
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /** The fields to return, or empty for all of them. */
    public List<String> fields() {
        return fields;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultSpec that
                && filters.equals(that.filters)
                && order.equals(that.order)
                && offset == that.offset
                && Objects.equals(limit, that.limit)
                && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filters, order, offset, limit, fields);
    }

    @Override
    public String toString() {
        return "ResultSpec[filters=" + filters + ", order=" + order + ", offset=" + offset + ", limit=" + limit
                + ", fields=" + fields + "]";
    }

    /** A filter operator, as written after {@code __} in a query parameter. */
    public enum Operator {
        /** Equal; with several values: equal to one of them. */
        EQ,
        /** Not equal; with several values: equal to none of them. */
        NE,
        /** Less than. */
        LT,
        /** Less than or equal. */
        LE,
        /** Greater than. */
        GT,
        /** Greater than or equal. */
        GE,
        /**
         * Substring of a string field. With several values, as Buildbot 3.7 computes it: one of the
         * values is a single character that occurs in the field.
         */
        CONTAINS,
        /** Equal to one of the values. */
        IN,
        /** Equal to none of the values. */
        NOTIN;

        /** The operator's name on the wire, e.g. {@code le}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the operator accepts several values (Buildbot's plural operators). */
        public boolean acceptsSeveralValues() {
            return this == EQ || this == NE || this == CONTAINS || this == IN || this == NOTIN;
        }

        /**
         * Parses a wire name such as {@code gt}.
         *
         * @throws IllegalArgumentException naming the bad operator and the valid ones
         */
        public static Operator fromWireName(String name) {
            for (Operator op : values()) {
                if (op.wireName().equals(name)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown filter operator '" + name + "'; use one of "
                    + Arrays.stream(values()).map(Operator::wireName).toList());
        }
    }

    /**
     * One filter: {@code field op values}.
     *
     * @param field the field name, e.g. {@code name}
     * @param op the operator
     * @param values one value, or several for {@code eq ne contains in notin}; strings are converted
     *     to the field's type by the connector
     */
    public record Filter(String field, Operator op, List<Object> values) {

        public Filter {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(op, "op");
            values = List.copyOf(Objects.requireNonNull(values, "values"));
            if (field.isBlank()) {
                throw new IllegalArgumentException("filter field must not be blank");
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("filter " + field + "__" + op.wireName() + " needs a value");
            }
            if (values.size() > 1 && !op.acceptsSeveralValues()) {
                throw new IllegalArgumentException("filter " + field + "__" + op.wireName()
                        + " takes exactly one value, got " + values.size()
                        + "; only eq, ne, contains, in and notin take several");
            }
        }

        /** Returns a filter with a single value. */
        public static Filter of(String field, Operator op, Object value) {
            return new Filter(field, op, List.of(value));
        }
    }

    /**
     * One sort key.
     *
     * @param field the field name
     * @param descending whether to sort in descending order
     */
    public record Order(String field, boolean descending) {

        public Order {
            Objects.requireNonNull(field, "field");
            if (field.isBlank() || field.startsWith("-")) {
                throw new IllegalArgumentException("order field '" + field + "' must be a field name");
            }
        }

        /** Parses Buildbot's notation: {@code name} ascending, {@code -name} descending. */
        public static Order parse(String key) {
            Objects.requireNonNull(key, "key");
            return key.startsWith("-") ? new Order(key.substring(1), true) : new Order(key, false);
        }

        @Override
        public String toString() {
            return descending ? "-" + field : field;
        }
    }

    /**
     * Builds a {@link ResultSpec}. Not thread-safe; {@link #build()} returns an immutable spec.
     */
    public static final class Builder {

        private final List<Filter> filters = new ArrayList<>();
        private final List<Order> order = new ArrayList<>();
        private final List<String> fields = new ArrayList<>();
        private long offset;
        private @Nullable Long limit;

        private Builder() {}

        /** Adds a filter. */
        public Builder filter(Filter filter) {
            filters.add(Objects.requireNonNull(filter, "filter"));
            return this;
        }

        /** Adds a filter with one or more values. */
        public Builder filter(String field, Operator op, Object... values) {
            return filter(new Filter(field, op, Arrays.asList(values)));
        }

        /** Adds sort keys in Buildbot's notation ({@code -name} for descending). */
        public Builder order(String... keys) {
            for (String key : keys) {
                order.add(Order.parse(key));
            }
            return this;
        }

        /** Sets the number of rows to skip; negative counts from the end. */
        public Builder offset(long offset) {
            this.offset = offset;
            return this;
        }

        /**
         * Sets the maximum number of rows; {@code null} removes the limit; negative ends the page
         * that many rows before the end.
         */
        public Builder limit(@Nullable Long limit) {
            this.limit = limit;
            return this;
        }

        /** Restricts the fields returned. */
        public Builder fields(String... names) {
            for (String name : names) {
                fields.add(Objects.requireNonNull(name, "field"));
            }
            return this;
        }

        /** Returns the immutable spec. */
        public ResultSpec build() {
            return new ResultSpec(filters, order, offset, limit, fields);
        }
    }
}
