package org.multimaster.db;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of a query result: the items plus the paging facts a client needs to page on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param items the items of this page, in the query's order
 * @param total the number of items matching the filters, before offset and limit
 * @param offset the offset that was applied (0 when none)
 * @param limit the limit that was applied, or {@code null} when none
 * @param <T> the item type
 */
public record ListResult<T>(
        List<T> items, long total, long offset, @Nullable Long limit) {

    public ListResult {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (total < items.size()) {
            throw new IllegalArgumentException("total " + total + " is smaller than the " + items.size() + " items");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " must not be negative");
        }
    }
}
