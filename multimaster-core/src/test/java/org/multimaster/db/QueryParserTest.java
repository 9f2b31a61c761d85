package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.multimaster.db.ResultSpec.Filter;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.db.ResultSpec.Order;

/**
 * The query parameters of Buildbot's data API: what Buildbot 3.7 accepts, refuses (with its exact
 * error text) and ignores. The side-by-side test in the server module checks the same against a
 * running Buildbot.
 */
class QueryParserTest {

    private static final QueryParser MASTERS = QueryParser.of(ResourceType.MASTER);

    /** A query from alternating names and values, in order; repeated names gather their values. */
    private static Map<String, List<String>> query(String... namesAndValues) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.computeIfAbsent(namesAndValues[i], k -> new java.util.ArrayList<>())
                    .add(namesAndValues[i + 1]);
        }
        return query;
    }

    private static ResultSpec parse(String... namesAndValues) {
        return MASTERS.parse(query(namesAndValues));
    }

    private static void assertRefused(QueryParser parser, Map<String, List<String>> query, String buildbotText) {
        assertThatThrownBy(() -> parser.parse(query))
                .isInstanceOf(InvalidQueryException.class)
                .satisfies(e ->
                        assertThat(((InvalidQueryException) e).buildbotText()).isEqualTo(buildbotText));
    }

    @Test
    void shouldReadEveryOptionIntoTheSpec() {
        ResultSpec spec = parse(
                "order", "-last_active",
                "active", "yes",
                "name__contains", "build",
                "masterid__in", "1",
                "masterid__in", "3",
                "limit", "10",
                "offset", "20",
                "order", "name");

        assertThat(spec.filters())
                .containsExactly(
                        new Filter("active", Operator.EQ, List.of(true)),
                        new Filter("name", Operator.CONTAINS, List.of("build")),
                        new Filter("masterid", Operator.IN, List.of(1L, 3L)));
        assertThat(spec.order()).containsExactly(new Order("last_active", true), new Order("name", false));
        assertThat(spec.limit()).isEqualTo(10L);
        assertThat(spec.offset()).isEqualTo(20L);
        assertThat(ResultSpec.fromQuery(query(), ResourceType.MASTER)).isEqualTo(ResultSpec.all());
    }

    @Test
    void shouldSelectFieldsAndRequireOrderAndFiltersOnSelectedOnes() {
        assertThat(parse("field", "name", "field", "active", "active", "1", "order", "-name")
                        .fields())
                .containsExactly("name", "active");
        assertRefused(MASTERS, query("field", "name", "order", "masterid"), "cannot order on un-selected fields");
        assertRefused(MASTERS, query("field", "name", "active", "1"), "cannot filter on un-selected fields");
        assertRefused(
                MASTERS,
                query("field", "name", "order", "name", "active__ne", "1"),
                "cannot filter on un-selected fields");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "order|bogus|no such field 'bogus'",
                "order|-bogus|no such field 'bogus'",
                "order|--name|no such field '-name'",
                "order|-|no such field ''",
                "field|-name|no such field '-name'",
                "field|Name|no such field 'Name'",
                "limit|abc|invalid limit",
                "limit|1.5|invalid limit",
                "limit|1__0|invalid limit",
                "offset|_1|invalid offset",
                "offset|''|invalid offset",
                "masterid|x|invalid filter value for masterid",
                "masterid__gt|1e3|invalid filter value for masterid__gt",
                "active|maybe|invalid filter value for active",
                "active|' true'|invalid filter value for active",
                "last_active__lt|yesterday|invalid filter value for last_active__lt",
                "last_active|2026-11-28T10:00:00.5Z|invalid filter value for last_active",
                "id|1|unrecognized query parameter 'id'",
                "Name|x|unrecognized query parameter 'Name'",
                "''|x|unrecognized query parameter ''",
            })
    void shouldRefuseWhatBuildbotRefusesWithItsText(String name, String value, String text) {
        assertRefused(MASTERS, query(name, value), text);
    }

    @Test
    void shouldReportTheFirstMistakeInTheOrderOfTheParameters() {
        assertRefused(MASTERS, query("limit", "x", "bogus", "1"), "invalid limit");
        assertRefused(MASTERS, query("bogus", "1", "limit", "x"), "unrecognized query parameter 'bogus'");
    }

    @Test
    void shouldGiveCliUsersTheValueAndWhatToDo() {
        assertThatThrownBy(() -> parse("masterid", "abc"))
                .hasMessage("invalid value 'abc' for field masterid: expected an integer");
        assertThatThrownBy(() -> parse("order", "bogus"))
                .hasMessage("unknown order field 'bogus'; valid fields are [masterid, name, active, last_active]");
        assertThatThrownBy(() -> parse("limit", "ten")).hasMessage("invalid limit 'ten': expected an integer");
        assertThatThrownBy(() -> parse("last_active", "noon"))
                .hasMessageContaining("expected epoch seconds or an ISO-8601 time");
    }

    @Test
    void shouldIgnoreDoubleUnderscoreParametersThatBuildbotIgnoresUnlessStrict() {
        Map<String, List<String>> ignored =
                query("name__like", "x", "nme__eq", "x", "masterid__lt", "1", "masterid__lt", "2", "a__b__c", "x");

        assertThat(MASTERS.parse(ignored)).isEqualTo(ResultSpec.all());
        assertThatThrownBy(() -> MASTERS.strict().parse(query("name__like", "x")))
                .hasMessageStartingWith("unknown filter operator 'like' in 'name__like'");
        assertThatThrownBy(() -> MASTERS.strict().parse(query("nme__eq", "x")))
                .hasMessageStartingWith("unknown filter field 'nme' in 'nme__eq'");
        assertThatThrownBy(() -> MASTERS.strict().parse(query("masterid__lt", "1", "masterid__lt", "2")))
                .hasMessageStartingWith("filter masterid__lt takes exactly one value, got 2");
    }

    @Test
    void shouldReadNumbersAsPythonsIntReadsThem() {
        assertThat(parse("limit", " +1_000\t").limit()).isEqualTo(1000L);
        assertThat(parse("offset", "-2").offset()).isEqualTo(-2L);
        assertThat(parse("limit", "99999999999999999999999").limit()).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("masterid", "007").filters().get(0).values()).containsExactly(7L);
        // Query values reach Buildbot as bytes: only ASCII digits and spaces count there.
        assertRefused(MASTERS, query("limit", "\u0663"), "invalid limit");
        assertRefused(MASTERS, query("limit", "\u00a07"), "invalid limit");
        // Path segments reach it as text, where any Unicode digit and space does.
        assertThat(QueryParser.pathId("\u0663")).hasValue(3);
        assertThat(QueryParser.pathId("\u00a0+7 ")).hasValue(7);
        assertThat(QueryParser.pathId("-1")).hasValue(-1);
        assertThat(QueryParser.pathId("1_0")).hasValue(10);
        assertThat(QueryParser.pathId("7/")).isEmpty();
        assertThat(QueryParser.pathId("")).isEmpty();
        assertThat(QueryParser.pathId("1e3")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "TRUE", "Yes", "1"})
    void shouldReadTrueBooleansInAnyCase(String value) {
        assertThat(parse("active", value).filters().get(0).values()).containsExactly(true);
    }

    @Test
    void shouldReadDatetimesAsEpochSecondsOrIso8601() {
        assertThat(parse("last_active__gt", "1348971992").filters().get(0).values())
                .containsExactly(1348971992L);
        assertThat(parse("last_active__gt", "2012-09-30T02:26:32Z")
                        .filters()
                        .get(0)
                        .values())
                .containsExactly(1348971992L);
        assertThat(parse("last_active__gt", "2012-09-30T04:26:32+02:00")
                        .filters()
                        .get(0)
                        .values())
                .containsExactly(1348971992L);
    }

    @Test
    void shouldRefuseTextThatWasNotUtf8AsBuildbotDoes() {
        assertRefused(MASTERS, query("name", "caf\udce9"), "invalid filter value for name");
        assertThat(parse("name", "caf\u00e9 \ud83d\ude00").filters().get(0).values())
                .containsExactly("caf\u00e9 \ud83d\ude00");
    }

    @Test
    void shouldAcceptPropertyAndRefuseFiltersOnASingleItem() {
        assertThat(parse("property", "x")).isEqualTo(ResultSpec.all());
        QueryParser item = MASTERS.forItem();
        assertThat(item.parse(query("field", "name", "limit", "3")).fields()).containsExactly("name");
        assertRefused(item, query("name", "x"), "this is not a collection");
    }

    @Test
    void shouldRefuseFilteringANestedMasterButAllowOrderingIt() {
        QueryParser schedulers = QueryParser.of(ResourceType.SCHEDULER);

        assertRefused(schedulers, query("master", "1"), "invalid filter value for master");
        assertRefused(schedulers, query("master__eq", "1"), "invalid filter value for master__eq");
        assertRefused(schedulers, query("master__contains", "1"), "invalid filter value for master__contains");
        assertRefused(MASTERS, query("masterid__contains", "x"), "invalid filter value for masterid__contains");
        assertRefused(
                MASTERS,
                query("masterid__contains", "1"),
                "invalid operator contains for integer field masterid: contains takes a string field");
        assertRefused(schedulers, query("masterid", "1"), "unrecognized query parameter 'masterid'");
        assertThat(schedulers.parse(query("order", "-master", "enabled", "0")).order())
                .containsExactly(new Order("master", true));
    }
}
