package org.multimaster.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.DbConnector;
import org.multimaster.db.InvalidQueryException;
import org.multimaster.db.ListResult;
import org.multimaster.db.MasterModel;
import org.multimaster.db.MultimasterException;
import org.multimaster.db.QueryParser;
import org.multimaster.db.ResourceType;
import org.multimaster.db.ResultSpec;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.db.SchedulerModel;
import org.multimaster.json.BuildbotJson;

/**
 * Buildbot's data API for masters, schedulers and change sources: the paths Buildbot 3.7 serves
 * for them, its query parameters (through {@link QueryParser}) run in SQL, and its JSON.
 *
 * <p>Paths ({@code N} an id read as Buildbot reads it):
 *
 * <pre>
 * masters                          masters/N
 * schedulers                       schedulers/N
 * changesources                    changesources/N
 * masters/N/schedulers             masters/N/schedulers/N
 * masters/N/changesources          masters/N/changesources/N
 * </pre>
 *
 * <p>Reads on its own connector, never the running master's, so that no request can delay a
 * check-in. Thread-safe.
 */
final class DataApi {

    private final DbConnector db;
    private final Duration timeout;

    DataApi(DbConnector db, Duration timeout) {
        this.db = db;
        this.timeout = timeout;
    }

    /**
     * Answers a GET below {@code /api/v2/}.
     *
     * @param path the segments after {@code /api/v2/}
     * @param query the query parameters
     * @param compact whether the client accepts JSON (compact JSON); otherwise indented text, as
     *     Buildbot answers browsers
     * @throws MultimasterException if the database fails or does not answer in time
     */
    Reply get(List<String> path, Map<String, List<String>> query, boolean compact) {
        try {
            Object body = route(path, query);
            if (body == null) {
                return Reply.error(404, "Invalid path: " + String.join("/", path));
            }
            if (body instanceof Reply reply) {
                return reply;
            }
            return compact
                    ? Reply.of(200, Reply.JSON, BuildbotJson.write(body, BuildbotJson.Layout.COMPACT))
                    : Reply.of(200, Reply.TEXT, BuildbotJson.write(body, BuildbotJson.Layout.INDENTED));
        } catch (InvalidQueryException e) {
            return Reply.error(400, e.buildbotText());
        } catch (IllegalArgumentException e) {
            // The parser checks everything the connector checks; this is a safety net, still the client's input.
            return Reply.error(400, String.valueOf(e.getMessage()));
        }
    }

    /** The body for a path, a ready reply (not found), or null when no endpoint has this path. */
    private @Nullable Object route(List<String> path, Map<String, List<String>> query) {
        int n = path.size();
        if (n == 0) {
            return null;
        }
        String resource = path.get(0);
        OptionalLong first = n > 1 ? QueryParser.pathId(path.get(1)) : OptionalLong.empty();
        if (n == 1) {
            return switch (resource) {
                case "masters" -> masters(query);
                case "schedulers" -> schedulers(query, null);
                case "changesources" -> changeSources(query, null);
                default -> null;
            };
        }
        if (first.isEmpty()) {
            return null;
        }
        long id = first.getAsLong();
        if (n == 2) {
            return switch (resource) {
                case "masters" -> master(id, query);
                case "schedulers" -> scheduler(id, null, query);
                case "changesources" -> changeSource(id, null, query);
                default -> null;
            };
        }
        if (!resource.equals("masters")) {
            return null;
        }
        String nested = path.get(2);
        if (n == 3) {
            return switch (nested) {
                case "schedulers" -> schedulers(query, id);
                case "changesources" -> changeSources(query, id);
                default -> null;
            };
        }
        OptionalLong second = QueryParser.pathId(path.get(3));
        if (n > 4 || second.isEmpty()) {
            return null;
        }
        return switch (nested) {
            case "schedulers" -> scheduler(second.getAsLong(), id, query);
            case "changesources" -> changeSource(second.getAsLong(), id, query);
            default -> null;
        };
    }

    private Object masters(Map<String, List<String>> query) {
        ResultSpec spec = QueryParser.of(ResourceType.MASTER).parse(query);
        ListResult<MasterModel> page = await(db.masters().getMasters(spec));
        return BuildbotJson.collection(
                ResourceType.MASTER,
                page.items().stream()
                        .map(m -> BuildbotJson.select(BuildbotJson.master(m), spec.fields()))
                        .toList(),
                page.total());
    }

    private Object master(long id, Map<String, List<String>> query) {
        ResultSpec spec = QueryParser.of(ResourceType.MASTER).forItem().parse(query);
        Optional<MasterModel> master = await(db.masters().getMaster(id));
        if (master.isEmpty()) {
            return notFound(BuildbotNotFound.text(BuildbotNotFound.MASTER, spec, query, Map.of("masterid", id)));
        }
        return BuildbotJson.single(
                ResourceType.MASTER, BuildbotJson.select(BuildbotJson.master(master.get()), spec.fields()));
    }

    private Object schedulers(Map<String, List<String>> query, @Nullable Long masterId) {
        ResultSpec spec = ownedBy(QueryParser.of(ResourceType.SCHEDULER).parse(query), masterId);
        ListResult<SchedulerModel> page = await(db.schedulers().getSchedulers(spec));
        Map<Long, MasterModel> masters = masters(page.items().stream().map(SchedulerModel::masterId));
        return BuildbotJson.collection(
                ResourceType.SCHEDULER,
                page.items().stream()
                        .map(s -> BuildbotJson.select(
                                BuildbotJson.scheduler(s, owner(masters, s.masterId())), spec.fields()))
                        .toList(),
                page.total());
    }

    private Object scheduler(long id, @Nullable Long masterId, Map<String, List<String>> query) {
        ResultSpec spec = QueryParser.of(ResourceType.SCHEDULER).forItem().parse(query);
        Optional<SchedulerModel> scheduler = await(db.schedulers().getScheduler(id));
        if (scheduler.isEmpty() && masterId != null) {
            // Buildbot answers 500 here (it reads the owner of a scheduler it did not find).
            return notFound("no scheduler has id " + id);
        }
        if (scheduler.isEmpty()
                || (masterId != null && !masterId.equals(scheduler.get().masterId()))) {
            return notFound(
                    BuildbotNotFound.text(BuildbotNotFound.SCHEDULER, spec, query, ids(masterId, "schedulerid", id)));
        }
        Map<Long, MasterModel> masters = masters(scheduler.stream().map(SchedulerModel::masterId));
        return BuildbotJson.single(
                ResourceType.SCHEDULER,
                BuildbotJson.select(
                        BuildbotJson.scheduler(
                                scheduler.get(), owner(masters, scheduler.get().masterId())),
                        spec.fields()));
    }

    private Object changeSources(Map<String, List<String>> query, @Nullable Long masterId) {
        ResultSpec spec = ownedBy(QueryParser.of(ResourceType.CHANGESOURCE).parse(query), masterId);
        ListResult<ChangeSourceModel> page = await(db.changeSources().getChangeSources(spec));
        Map<Long, MasterModel> masters = masters(page.items().stream().map(ChangeSourceModel::masterId));
        return BuildbotJson.collection(
                ResourceType.CHANGESOURCE,
                page.items().stream()
                        .map(c -> BuildbotJson.select(
                                BuildbotJson.changeSource(c, owner(masters, c.masterId())), spec.fields()))
                        .toList(),
                page.total());
    }

    private Object changeSource(long id, @Nullable Long masterId, Map<String, List<String>> query) {
        ResultSpec spec = QueryParser.of(ResourceType.CHANGESOURCE).forItem().parse(query);
        Optional<ChangeSourceModel> changeSource = await(db.changeSources().getChangeSource(id));
        if (changeSource.isEmpty() && masterId != null) {
            // Buildbot answers 500 here (it reads the owner of a change source it did not find).
            return notFound("no change source has id " + id);
        }
        if (changeSource.isEmpty()
                || (masterId != null && !masterId.equals(changeSource.get().masterId()))) {
            return notFound(BuildbotNotFound.text(
                    BuildbotNotFound.CHANGESOURCE, spec, query, ids(masterId, "changesourceid", id)));
        }
        Map<Long, MasterModel> masters = masters(changeSource.stream().map(ChangeSourceModel::masterId));
        return BuildbotJson.single(
                ResourceType.CHANGESOURCE,
                BuildbotJson.select(
                        BuildbotJson.changeSource(
                                changeSource.get(),
                                owner(masters, changeSource.get().masterId())),
                        spec.fields()));
    }

    /** The spec restricted to components owned by {@code masterId}, for {@code masters/N/…} paths. */
    private static ResultSpec ownedBy(ResultSpec spec, @Nullable Long masterId) {
        return masterId == null ? spec : spec.and(ResultSpec.Filter.of("masterid", Operator.EQ, masterId));
    }

    /** The masters with these ids (nulls skipped), by id, read in one query. */
    private Map<Long, MasterModel> masters(java.util.stream.Stream<@Nullable Long> ids) {
        List<Object> wanted =
                ids.filter(Objects::nonNull).distinct().map(id -> (Object) id).toList();
        if (wanted.isEmpty()) {
            return Map.of();
        }
        ResultSpec spec = ResultSpec.builder()
                .filter(new ResultSpec.Filter("masterid", Operator.IN, wanted))
                .build();
        return await(db.masters().getMasters(spec)).items().stream()
                .collect(Collectors.toMap(MasterModel::id, Function.identity()));
    }

    private static @Nullable MasterModel owner(Map<Long, MasterModel> masters, @Nullable Long masterId) {
        return masterId == null ? null : masters.get(masterId);
    }

    private static Reply notFound(String text) {
        return Reply.error(404, text);
    }

    /** The ids of a path in path order, as Buildbot passes them to its endpoint. */
    private static Map<String, Long> ids(@Nullable Long masterId, String idName, long id) {
        Map<String, Long> ids = new java.util.LinkedHashMap<>();
        if (masterId != null) {
            ids.put("masterid", masterId);
        }
        ids.put(idName, id);
        return ids;
    }

    /**
     * Waits for a database call, at most the request timeout.
     *
     * @throws MultimasterException if it failed or did not complete in time
     */
    <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new MultimasterException("database call failed: " + cause, cause == null ? e : cause);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new MultimasterException("the database did not answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultimasterException("interrupted while waiting for the database", e);
        }
    }
}
