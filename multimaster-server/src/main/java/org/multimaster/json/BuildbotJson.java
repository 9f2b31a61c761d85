package org.multimaster.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.MasterModel;
import org.multimaster.db.ResourceType;
import org.multimaster.db.SchedulerModel;

/**
 * The JSON of Buildbot's data API, byte for byte as Buildbot 3.7 writes it with Python's
 * {@code json.dumps}: keys sorted, datetimes as integer epoch seconds, every character outside
 * printable ASCII escaped as {@code \}{@code uXXXX} in lowercase hex (so a master name survives any
 * terminal or locale encoding), and one of Python's three layouts.
 *
 * <p>Shapes: a collection is {@code {"masters":[…],"meta":{"total":N}}}, a single item a
 * one-element list with {@code "meta":{}}, an error {@code {"error": "…"}}.
 *
 * <p>Thread-safe: every method builds its own generator.
 */
public final class BuildbotJson {

    /** Python's layouts of {@code json.dumps}. */
    public enum Layout {
        /** {@code separators=(',', ':')}: what Buildbot answers a client that accepts JSON. */
        COMPACT,
        /** {@code indent=2}: what Buildbot answers a browser or {@code curl} without an Accept header. */
        INDENTED,
        /** Python's default, {@code ", "} and {@code ": "}: Buildbot's error bodies. */
        SPACED
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    // Python writes lowercase hex digits in its escapes.
                    .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                    .build())
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private BuildbotJson() {}

    /** Serializes maps, lists, strings, numbers, booleans and nulls in one of Python's layouts. */
    public static String write(Object value, Layout layout) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
            // Python's ensure_ascii escapes DEL (0x7f) too, not only what lies beyond ASCII.
            generator.setHighestNonEscapedChar(0x7e);
            if (layout != Layout.COMPACT) {
                generator.setPrettyPrinter(new PythonPrettyPrinter(layout == Layout.INDENTED));
            }
            MAPPER.writeValue(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write JSON for " + value.getClass().getName(), e);
        }
        return out.toString();
    }

    /** Serializes on one line without spaces, as the CLI prints and Buildbot answers JSON clients. */
    public static String compact(Object value) {
        return write(value, Layout.COMPACT);
    }

    /** Buildbot's error body: {@code {"error": "message"}}. */
    public static String error(String message) {
        return write(Map.of("error", message), Layout.SPACED);
    }

    /** Buildbot's master item: {@code {"active":…,"last_active":…,"masterid":…,"name":…}}. */
    public static Map<String, Object> master(MasterModel master) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("active", master.active());
        item.put("last_active", master.lastActive().getEpochSecond());
        item.put("masterid", master.id());
        item.put("name", master.name());
        return item;
    }

    /**
     * Buildbot's scheduler item, its master nested.
     *
     * @param master the master that runs it, or null when none does
     */
    public static Map<String, Object> scheduler(SchedulerModel scheduler, @Nullable MasterModel master) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("enabled", scheduler.enabled());
        item.put("master", master == null ? null : master(master));
        item.put("name", scheduler.name());
        item.put("schedulerid", scheduler.id());
        return item;
    }

    /**
     * Buildbot's change source item, its master nested.
     *
     * @param master the master that runs it, or null when none does
     */
    public static Map<String, Object> changeSource(ChangeSourceModel changeSource, @Nullable MasterModel master) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("changesourceid", changeSource.id());
        item.put("master", master == null ? null : master(master));
        item.put("name", changeSource.name());
        return item;
    }

    /**
     * Keeps only the selected fields of an item, as Buildbot's {@code field=} does.
     *
     * @param fields the selected fields; empty keeps them all
     */
    public static Map<String, Object> select(Map<String, Object> item, Collection<String> fields) {
        if (fields.isEmpty()) {
            return item;
        }
        Map<String, Object> selected = new LinkedHashMap<>();
        item.forEach((key, value) -> {
            if (fields.contains(key)) {
                selected.put(key, value);
            }
        });
        return selected;
    }

    /** A collection: {@code {"masters":[…],"meta":{"total":N}}}. */
    public static Map<String, Object> collection(ResourceType type, List<?> items, long total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(type.plural(), items);
        body.put("meta", Map.of("total", total));
        return body;
    }

    /** A single item: {@code {"masters":[{…}],"meta":{}}}. */
    public static Map<String, Object> single(ResourceType type, Map<String, Object> item) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(type.plural(), List.of(item));
        body.put("meta", Map.of());
        return body;
    }
}
