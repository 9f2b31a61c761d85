package org.multimaster.db.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.ChangeSourcesConnector;
import org.multimaster.db.ListResult;
import org.multimaster.db.ResultSpec;

/** {@link ChangeSourcesConnector} over {@link JdbcComponents}. Thread-safe. */
final class JdbcChangeSources implements ChangeSourcesConnector {

    private final JdbcComponents components;

    JdbcChangeSources(JdbcComponents components) {
        this.components = components;
    }

    @Override
    public CompletableFuture<Long> findChangeSourceId(String name) {
        return components.findId(name);
    }

    @Override
    public CompletableFuture<Void> setChangeSourceMaster(long changeSourceId, @Nullable Long masterId) {
        return components.setMaster(changeSourceId, masterId);
    }

    @Override
    public CompletableFuture<Optional<ChangeSourceModel>> getChangeSource(long changeSourceId) {
        return components.get(changeSourceId).thenApply(row -> row.map(JdbcChangeSources::toModel));
    }

    @Override
    public CompletableFuture<List<ChangeSourceModel>> getChangeSources(
            @Nullable Boolean active, @Nullable Long masterId) {
        return components
                .list(active, masterId)
                .thenApply(rows -> rows.stream().map(JdbcChangeSources::toModel).toList());
    }

    @Override
    public CompletableFuture<ListResult<ChangeSourceModel>> getChangeSources(ResultSpec spec) {
        return components
                .query(spec)
                .thenApply(page -> new ListResult<>(
                        page.items().stream().map(JdbcChangeSources::toModel).toList(),
                        page.total(),
                        page.offset(),
                        page.limit()));
    }

    private static ChangeSourceModel toModel(JdbcComponents.Row row) {
        return new ChangeSourceModel(row.id(), row.name(), row.masterId());
    }
}
