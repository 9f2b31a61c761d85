package org.multimaster.db.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ListResult;
import org.multimaster.db.ResourceType.FieldType;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.ResultSpec.Filter;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.db.ResultSpec.Order;

/**
 * A {@link ResultSpec} translated to SQL for one table: a WHERE clause, an ORDER BY and a paging
 * clause. Every value is a bound parameter, except the limit, which is written as a number (see
 * {@link Dialect#paging}); every identifier comes from a fixed field list.
 *
 * <p>Built (and so validated) on the caller's thread, so a bad spec throws at once.
 */
final class SpecQuery {

    private static final String TOTAL = "total_count";
    private static final String SORTED_BYTES = "sorted_bytes";
    private static final String LONGEST_SORT_KEY = "longest_sort_key";

    private final String table;
    private final String where;
    private final List<Object> whereParameters;
    private final String orderBy;
    private final String paging;
    private final List<Object> pagingParameters;
    private final String sortKeyCheck;

    private SpecQuery(
            String table,
            String where,
            List<Object> whereParameters,
            String orderBy,
            String paging,
            List<Object> pagingParameters,
            String sortKeyCheck) {
        this.table = table;
        this.where = where;
        this.whereParameters = whereParameters;
        this.orderBy = orderBy;
        this.paging = paging;
        this.pagingParameters = pagingParameters;
        this.sortKeyCheck = sortKeyCheck;
    }

    /**
     * Translates a spec.
     *
     * @param table the table, or a join, the rows come from
     * @param fields the resource's fields; the first is its id, the default order and tie-breaker
     * @param spec the spec, its offset and limit absolute (see {@link ResultSpec#withAbsolutePaging})
     * @throws IllegalArgumentException if the spec names an unknown field, uses an operator the
     *     field's type does not support, or gives a value of the wrong type
     */
    static SpecQuery of(String table, List<QueryField> fields, Dialect dialect, ResultSpec spec) {
        if (spec.offset() < 0 || (spec.limit() != null && spec.limit() < 0)) {
            throw new IllegalArgumentException("paging of " + spec + " counts from the end; make it absolute first");
        }
        Map<String, QueryField> byName = new LinkedHashMap<>();
        fields.forEach(f -> byName.put(f.name(), f));
        QueryField id = fields.get(0);

        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        for (Filter filter : spec.filters()) {
            QueryField field = lookup(byName, filter.field(), "filter");
            conditions.add(condition(field, filter, dialect, parameters));
        }
        for (String name : spec.fields()) {
            lookup(byName, name, "field");
        }

        List<String> keys = new ArrayList<>();
        List<String> stringKeys = new ArrayList<>();
        boolean idOrdered = false;
        for (Order order : spec.order()) {
            QueryField field = lookup(byName, order.field(), "order");
            idOrdered |= field.equals(id);
            if (field.type() == FieldType.ENTITY) {
                // Nulls first, as Buildbot sorts None before any value (and last when descending).
                keys.add("(" + field.column() + " IS NULL)" + (order.descending() ? " ASC" : " DESC"));
            }
            keys.add(sortExpression(field, dialect) + (order.descending() ? " DESC" : " ASC"));
            if (field.type() == FieldType.STRING) {
                stringKeys.add(field.column());
            }
        }
        if (!idOrdered) {
            // A total order makes offset/limit paging stable.
            keys.add(id.column() + " ASC");
        }

        List<Object> pagingParameters = new ArrayList<>();
        if (spec.offset() > 0) {
            pagingParameters.add(spec.offset());
        }
        return new SpecQuery(
                table,
                conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions),
                parameters,
                " ORDER BY " + String.join(", ", keys),
                dialect.paging(spec.limit(), spec.offset() > 0),
                pagingParameters,
                sortKeyCheck(dialect, stringKeys));
    }

    /**
     * The columns that tell whether a page's order may rest on a cut sort key: where the database
     * compares only the first bytes of a sorted string, the number of them and the longest sorted
     * string of each row; empty otherwise.
     */
    private static String sortKeyCheck(Dialect dialect, List<String> stringKeys) {
        if (stringKeys.isEmpty()) {
            return "";
        }
        return dialect.sortedStringBytes()
                .map(bytes -> ", " + bytes + " AS " + SORTED_BYTES + ", GREATEST(0, "
                        + stringKeys.stream()
                                .map(c -> "OCTET_LENGTH(" + c + ")")
                                .collect(Collectors.joining(", "))
                        + ") AS " + LONGEST_SORT_KEY)
                .orElse("");
    }

    /** Reads one row of a query's result. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * Checks a spec on the caller's thread (a bad spec throws at once) and returns the database work
     * that reads one page of it plus the total.
     *
     * <p>One statement returns the page and, through a count in a subquery, the total: both come from the
     * same snapshot, so a concurrent registration cannot make the total disagree with the page. Only
     * an empty page (offset past the end, or limit 0) needs a separate count, and so does paging that
     * counts from the end, to know where the end is.
     *
     * @param columns the selected columns, read by {@code reader}
     */
    static <T> SqlExecutor.SqlWork<ListResult<T>> page(
            String table,
            List<QueryField> fields,
            Dialect dialect,
            ResultSpec spec,
            String columns,
            RowReader<T> reader) {
        boolean fromTheEnd = spec.pagingNeedsTotal();
        // Without counting from the end, the absolute paging does not depend on the total.
        ResultSpec absoluteIfKnown = spec.withAbsolutePaging(0);
        SpecQuery checked = of(table, fields, dialect, absoluteIfKnown);
        return connection -> {
            @Nullable Long knownTotal = null;
            SpecQuery query = checked;
            ResultSpec absolute = absoluteIfKnown;
            if (fromTheEnd) {
                knownTotal = checked.count(connection);
                absolute = spec.withAbsolutePaging(knownTotal);
                query = of(table, fields, dialect, absolute);
            }
            Page<T> page = query.read(connection, columns, reader);
            OptionalLong sortedBytes = page.cutSortKeysAt();
            if (sortedBytes.isPresent()) {
                // A string of the page is at least as long as the database's sort key, so it may
                // tie with another one that differs only further on: read the page again with the
                // whole strings compared (which costs a sort of 10,000 rows a quarter more, so only then).
                dialect.setSortedStringBytes(connection, dialect.maxNameBytes());
                try {
                    page = query.read(connection, columns, reader);
                } finally {
                    dialect.setSortedStringBytes(connection, sortedBytes.getAsLong());
                }
            }
            long total = page.total();
            if (page.items().isEmpty()) {
                total = knownTotal != null ? knownTotal : query.count(connection);
            }
            return new ListResult<>(page.items(), total, absolute.offset(), absolute.limit());
        };
    }

    /**
     * One page as {@link #selectSql} read it.
     *
     * @param total the count of every matching row, 0 if the page is empty
     * @param cutSortKeysAt the session's sort key length in bytes if a sorted string of the page is
     *     at least that long, else empty
     */
    private record Page<T>(List<T> items, long total, OptionalLong cutSortKeysAt) {}

    private <T> Page<T> read(Connection connection, String columns, RowReader<T> reader) throws SQLException {
        List<T> items = new ArrayList<>();
        long total = 0;
        long sortedBytes = Long.MAX_VALUE;
        long longestSortKey = 0;
        try (PreparedStatement select = connection.prepareStatement(selectSql(columns, TOTAL))) {
            bind(select, true);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    items.add(reader.read(rs));
                    total = rs.getLong(TOTAL);
                    if (!sortKeyCheck.isEmpty()) {
                        sortedBytes = rs.getLong(SORTED_BYTES);
                        longestSortKey = Math.max(longestSortKey, rs.getLong(LONGEST_SORT_KEY));
                    }
                }
            }
        }
        return new Page<>(
                items, total, longestSortKey >= sortedBytes ? OptionalLong.of(sortedBytes) : OptionalLong.empty());
    }

    private long count(Connection connection) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(countSql())) {
            bind(count, false);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * {@code SELECT columns, (SELECT COUNT(*) FROM table WHERE …) AS totalColumn FROM table WHERE …
     * ORDER BY … LIMIT/OFFSET}: the count is of every matching row, and one statement reads both from
     * one snapshot. A scalar subquery rather than a window count ({@code COUNT(*) OVER ()}): the window
     * runs over every matching row in the page's query, which then sorts them all, while the subquery
     * lets the page read the first rows of an index in its order (a page by name of 100,000 masters
     * took 120 ms on PostgreSQL that way) and the count read a narrower index. Where the database cuts
     * sort keys, two more columns tell whether it may have cut one of the page's (see {@link #sortKeyCheck}).
     */
    String selectSql(String columns, String totalColumn) {
        return "SELECT " + columns + ", (" + countSql() + ") AS " + totalColumn + sortKeyCheck + " FROM " + table
                + where + orderBy + paging;
    }

    /** {@code SELECT COUNT(*) FROM table WHERE …}. */
    String countSql() {
        return "SELECT COUNT(*) FROM " + table + where;
    }

    /**
     * Binds the parameters of {@link #selectSql} (with paging: the count's conditions, the page's,
     * then the offset) or {@link #countSql} (without).
     */
    void bind(PreparedStatement statement, boolean withPaging) throws SQLException {
        int index = 1;
        for (Object value : whereParameters) {
            statement.setObject(index++, value);
        }
        if (withPaging) {
            for (Object value : whereParameters) {
                statement.setObject(index++, value);
            }
            for (Object value : pagingParameters) {
                statement.setObject(index++, value);
            }
        }
    }

    private static QueryField lookup(Map<String, QueryField> byName, String name, String use) {
        QueryField field = byName.get(name);
        if (field == null) {
            throw new IllegalArgumentException(
                    "unknown " + use + " field '" + name + "'; valid fields are " + byName.keySet());
        }
        return field;
    }

    private static String sortExpression(QueryField field, Dialect dialect) {
        return field.type() == FieldType.STRING ? dialect.binaryText(field.column()) : field.column();
    }

    private static String condition(QueryField field, Filter filter, Dialect dialect, List<Object> parameters) {
        Operator op = filter.op();
        List<Object> values = filter.values().stream().map(field::toColumnValue).collect(Collectors.toList());
        boolean string = field.type() == FieldType.STRING;
        switch (op) {
            case EQ, NE, IN, NOTIN -> {
                boolean negated = op == Operator.NE || op == Operator.NOTIN;
                String column = field.column();
                if (field.hashColumn() != null) {
                    // Exact, case-sensitive and indexed on every database, whatever the collation.
                    column = field.hashColumn();
                    values = values.stream()
                            .map(v -> (Object) NameHash.of((String) v))
                            .toList();
                }
                parameters.addAll(values);
                if (values.size() == 1) {
                    return column + (negated ? " <> ?" : " = ?");
                }
                return column + (negated ? " NOT IN (" : " IN (")
                        + String.join(", ", Collections.nCopies(values.size(), "?")) + ")";
            }
            case LT, LE, GT, GE -> {
                // Booleans compare too (false < true), as in Buildbot.
                String symbol = switch (op) {
                    case LT -> " < ";
                    case LE -> " <= ";
                    case GT -> " > ";
                    default -> " >= ";
                };
                Object value = values.get(0);
                if (string && !canBeStored((String) value, dialect)) {
                    // Where no stored text holds NUL, none sorts between the part before the first
                    // NUL and the value itself: below the value is at or below that part.
                    String text = (String) value;
                    value = text.substring(0, text.indexOf('\0'));
                    symbol = op == Operator.LT || op == Operator.LE ? " <= " : " > ";
                }
                parameters.add(value);
                return string
                        ? dialect.binaryText(field.column()) + symbol + dialect.binaryText("?")
                        : field.column() + symbol + "?";
            }
            case CONTAINS -> {
                if (!string) {
                    throw unsupported(field, op);
                }
                if (values.size() == 1) {
                    if (!canBeStored((String) values.get(0), dialect)) {
                        return "1 = 0";
                    }
                    parameters.add(values.get(0));
                    return dialect.containsParameter(field.column());
                }
                // Buildbot 3.7 intersects the set of values with the set of the field's characters:
                // only a value that is one character can match, when that character occurs.
                List<String> conditions = new ArrayList<>();
                for (Object value : values) {
                    String text = (String) value;
                    if (text.codePointCount(0, text.length()) == 1 && canBeStored(text, dialect)) {
                        parameters.add(text);
                        conditions.add(dialect.containsParameter(field.column()));
                    }
                }
                return conditions.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", conditions) + ")";
            }
            default -> throw new IllegalStateException("operator " + op);
        }
    }

    /** Whether the database can hold {@code text}: where text cannot hold NUL, none holds it. */
    private static boolean canBeStored(String text, Dialect dialect) {
        return dialect.textHoldsNul() || text.indexOf('\0') < 0;
    }

    private static IllegalArgumentException unsupported(QueryField field, Operator op) {
        return new IllegalArgumentException("operator " + op.wireName() + " does not apply to "
                + field.type().name().toLowerCase(java.util.Locale.ROOT) + " field " + field.name()
                + (op == Operator.CONTAINS ? "; contains takes a string field" : ""));
    }
}
