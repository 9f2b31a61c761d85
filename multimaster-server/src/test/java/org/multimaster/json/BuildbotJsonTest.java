package org.multimaster.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multimaster.db.ChangeSourceModel;
import org.multimaster.db.MasterModel;
import org.multimaster.db.ResourceType;
import org.multimaster.db.SchedulerModel;
import org.multimaster.json.BuildbotJson.Layout;

/** Buildbot's JSON byte for byte, as Python's {@code json.dumps} writes it in Buildbot 3.7. */
class BuildbotJsonTest {

    /** The masters of Buildbot's own data API examples. */
    static final MasterModel MASTER_7 = new MasterModel(7, "master-7", false, Instant.ofEpochSecond(1348971992));

    static final MasterModel MASTER_8 = new MasterModel(8, "master-8", true, Instant.ofEpochSecond(1008971992));

    private static Map<String, Object> mastersPage() {
        return BuildbotJson.collection(
                ResourceType.MASTER, List.of(BuildbotJson.master(MASTER_7), BuildbotJson.master(MASTER_8)), 2);
    }

    @Test
    void shouldWriteBuildbotsMastersCollectionCompactly() {
        assertThat(BuildbotJson.compact(mastersPage()))
                .isEqualTo(
                        "{\"masters\":[{\"active\":false,\"last_active\":1348971992,\"masterid\":7,\"name\":\"master-7\"},"
                                + "{\"active\":true,\"last_active\":1008971992,\"masterid\":8,\"name\":\"master-8\"}],"
                                + "\"meta\":{\"total\":2}}");
    }

    @Test
    void shouldIndentByTwoSpacesAsPythonDoes() {
        assertThat(BuildbotJson.write(mastersPage(), Layout.INDENTED))
                .isEqualTo("{\n"
                        + "  \"masters\": [\n"
                        + "    {\n"
                        + "      \"active\": false,\n"
                        + "      \"last_active\": 1348971992,\n"
                        + "      \"masterid\": 7,\n"
                        + "      \"name\": \"master-7\"\n"
                        + "    },\n"
                        + "    {\n"
                        + "      \"active\": true,\n"
                        + "      \"last_active\": 1008971992,\n"
                        + "      \"masterid\": 8,\n"
                        + "      \"name\": \"master-8\"\n"
                        + "    }\n"
                        + "  ],\n"
                        + "  \"meta\": {\n"
                        + "    \"total\": 2\n"
                        + "  }\n"
                        + "}");
        assertThat(BuildbotJson.write(BuildbotJson.collection(ResourceType.MASTER, List.of(), 0), Layout.INDENTED))
                .isEqualTo("{\n  \"masters\": [],\n  \"meta\": {\n    \"total\": 0\n  }\n}");
    }

    @Test
    void shouldWriteASingleItemAsAOneElementListWithEmptyMeta() {
        assertThat(BuildbotJson.compact(BuildbotJson.single(ResourceType.MASTER, BuildbotJson.master(MASTER_7))))
                .isEqualTo("{\"masters\":[{\"active\":false,\"last_active\":1348971992,\"masterid\":7,"
                        + "\"name\":\"master-7\"}],\"meta\":{}}");
        assertThat(BuildbotJson.write(
                        BuildbotJson.single(ResourceType.MASTER, BuildbotJson.master(MASTER_7)), Layout.INDENTED))
                .endsWith("\n  ],\n  \"meta\": {}\n}");
    }

    @Test
    void shouldNestTheMasterOfSchedulersAndChangeSources() {
        assertThat(BuildbotJson.compact(BuildbotJson.scheduler(new SchedulerModel(3, "nightly", true, 8L), MASTER_8)))
                .isEqualTo("{\"enabled\":true,\"master\":{\"active\":true,\"last_active\":1008971992,\"masterid\":8,"
                        + "\"name\":\"master-8\"},\"name\":\"nightly\",\"schedulerid\":3}");
        assertThat(BuildbotJson.compact(BuildbotJson.changeSource(new ChangeSourceModel(4, "git", null), null)))
                .isEqualTo("{\"changesourceid\":4,\"master\":null,\"name\":\"git\"}");
    }

    @Test
    void shouldKeepOnlySelectedFields() {
        assertThat(BuildbotJson.compact(BuildbotJson.select(BuildbotJson.master(MASTER_7), List.of("name", "active"))))
                .isEqualTo("{\"active\":false,\"name\":\"master-7\"}");
    }

    @Test
    void shouldEscapeAsPythonsEnsureAsciiDoes() {
        // json.dumps({"name": "a\"\\/\n\t\x01\x7fé€😀"}) in Python 3.
        assertThat(BuildbotJson.compact(Map.of("name", "a\"\\/\n\t\u0001\u007f\u00e9\u20ac\ud83d\ude00")))
                .isEqualTo("{\"name\":\"a\\\"\\\\/\\n\\t\\u0001\\u007f\\u00e9\\u20ac\\ud83d\\ude00\"}");
    }

    @Test
    void shouldWriteErrorsWithPythonsDefaultSeparators() {
        assertThat(BuildbotJson.error("invalid limit")).isEqualTo("{\"error\": \"invalid limit\"}");
    }
}
