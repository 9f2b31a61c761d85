package org.multimaster.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.multimaster.db.MasterModel;

/**
 * JSON in Buildbot's data API shapes: keys sorted, datetimes as integer epoch seconds, and, as
 * Python's {@code json.dumps} does by default, non-ASCII characters escaped, so that a master name
 * survives any terminal or locale encoding.
 */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private Json() {}

    /** Buildbot's master item: {@code {"active":…,"last_active":…,"masterid":…,"name":…}}. */
    static Map<String, Object> item(MasterModel master) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("active", master.active());
        item.put("last_active", master.lastActive().getEpochSecond());
        item.put("masterid", master.id());
        item.put("name", master.name());
        return item;
    }

    /** Serializes a value on one line. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write JSON for " + value.getClass().getName(), e);
        }
    }
}
