package org.multimaster.db.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ListResult;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.SchedulerModel;
import org.multimaster.db.SchedulersConnector;

/** {@link SchedulersConnector} over {@link JdbcComponents}. Thread-safe. */
final class JdbcSchedulers implements SchedulersConnector {

    private final JdbcComponents components;

    JdbcSchedulers(JdbcComponents components) {
        this.components = components;
    }

    @Override
    public CompletableFuture<Long> findSchedulerId(String name) {
        return components.findId(name);
    }

    @Override
    public CompletableFuture<Void> setSchedulerMaster(long schedulerId, @Nullable Long masterId) {
        return components.setMaster(schedulerId, masterId);
    }

    @Override
    public CompletableFuture<Optional<SchedulerModel>> getScheduler(long schedulerId) {
        return components.get(schedulerId).thenApply(row -> row.map(JdbcSchedulers::toModel));
    }

    @Override
    public CompletableFuture<List<SchedulerModel>> getSchedulers(@Nullable Boolean active, @Nullable Long masterId) {
        return components
                .list(active, masterId)
                .thenApply(rows -> rows.stream().map(JdbcSchedulers::toModel).toList());
    }

    @Override
    public CompletableFuture<ListResult<SchedulerModel>> getSchedulers(ResultSpec spec) {
        return components
                .query(spec)
                .thenApply(page -> new ListResult<>(
                        page.items().stream().map(JdbcSchedulers::toModel).toList(),
                        page.total(),
                        page.offset(),
                        page.limit()));
    }

    private static SchedulerModel toModel(JdbcComponents.Row row) {
        return new SchedulerModel(row.id(), row.name(), row.enabled(), row.masterId());
    }
}
