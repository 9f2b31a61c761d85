package org.multimaster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multimaster.db.ResultSpec.Filter;
import org.multimaster.db.ResultSpec.Operator;
import org.multimaster.db.ResultSpec.Order;

class ResultSpecTest {

    @Test
    void shouldSelectEverythingInDefaultOrderWhenEmpty() {
        ResultSpec all = ResultSpec.all();

        assertThat(all.filters()).isEmpty();
        assertThat(all.order()).isEmpty();
        assertThat(all.offset()).isZero();
        assertThat(all.limit()).isNull();
        assertThat(all.fields()).isEmpty();
        assertThat(ResultSpec.builder().build()).isEqualTo(all).hasSameHashCodeAs(all);
    }

    @Test
    void shouldKeepEverythingTheBuilderWasGiven() {
        ResultSpec spec = ResultSpec.builder()
                .filter("name", Operator.CONTAINS, "x")
                .filter(Filter.of("active", Operator.EQ, true))
                .order("-last_active", "name")
                .offset(20)
                .limit(10L)
                .fields("masterid", "name")
                .build();

        assertThat(spec.filters())
                .containsExactly(
                        new Filter("name", Operator.CONTAINS, List.of("x")),
                        new Filter("active", Operator.EQ, List.of(true)));
        assertThat(spec.order()).containsExactly(new Order("last_active", true), new Order("name", false));
        assertThat(spec.offset()).isEqualTo(20);
        assertThat(spec.limit()).isEqualTo(10L);
        assertThat(spec.fields()).containsExactly("masterid", "name");
    }

    @Test
    void shouldNotChangeBuiltSpecWhenBuilderIsReused() {
        ResultSpec.Builder builder = ResultSpec.builder().filter("masterid", Operator.EQ, 1L);
        ResultSpec first = builder.build();

        builder.filter("name", Operator.EQ, "x").order("name").limit(1L);

        assertThat(first.filters()).hasSize(1);
        assertThat(first.order()).isEmpty();
        assertThat(first.limit()).isNull();
        assertThatThrownBy(() -> first.filters().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldResolveNegativeOffsetAndLimitAsPythonSlicesDo() {
        // rows[offset:offset + limit] on 10 rows
        assertThat(paging(-3, null, 10)).containsExactly(7L, null);
        assertThat(paging(0, -1L, 10)).containsExactly(0L, 9L);
        assertThat(paging(-4, 2L, 10)).containsExactly(6L, 2L);
        assertThat(paging(-1, 2L, 10)).containsExactly(9L, 0L);
        assertThat(paging(-3, 2L, 10)).containsExactly(7L, 2L);
        assertThat(paging(-2, 2L, 10)).containsExactly(8L, 0L);
        assertThat(paging(2, -7L, 10)).containsExactly(2L, 3L);
        assertThat(paging(5, -1L, 10)).containsExactly(5L, 0L);
        assertThat(paging(-20, 3L, 10)).containsExactly(0L, 0L);
        assertThat(paging(-20, null, 10)).containsExactly(0L, null);
        assertThat(paging(3, 4L, 10)).containsExactly(3L, 4L);
        assertThat(paging(Long.MIN_VALUE, Long.MIN_VALUE, 10)).containsExactly(0L, 0L);
        assertThat(paging(Long.MAX_VALUE, Long.MAX_VALUE, 10)).containsExactly(Long.MAX_VALUE, 0L);
        assertThat(ResultSpec.builder().limit(0L).limit(null).build().limit()).isNull();
        assertThat(ResultSpec.builder().offset(2).limit(-1L).build().pagingNeedsTotal())
                .isFalse();
        assertThat(ResultSpec.builder().offset(2).limit(-3L).build().pagingNeedsTotal())
                .isTrue();
        assertThat(ResultSpec.builder().offset(-1).build().pagingNeedsTotal()).isTrue();
    }

    private static List<Long> paging(long offset, Long limit, long total) {
        ResultSpec spec =
                ResultSpec.builder().offset(offset).limit(limit).build().withAbsolutePaging(total);
        return java.util.Arrays.asList(spec.offset(), spec.limit());
    }

    @ParameterizedTest
    @EnumSource(
            value = Operator.class,
            names = {"LT", "LE", "GT", "GE"})
    void shouldRejectSeveralValuesForSingleValueOperators(Operator op) {
        assertThat(op.acceptsSeveralValues()).isFalse();
        assertThatThrownBy(() -> new Filter("last_active", op, List.of(1L, 2L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("last_active__" + op.wireName())
                .hasMessageContaining("exactly one value");
        assertThatThrownBy(() -> ResultSpec.builder().filter("last_active", op, 1L, 2L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(
            value = Operator.class,
            names = {"EQ", "NE", "CONTAINS", "IN", "NOTIN"})
    void shouldAcceptSeveralValuesForSetOperators(Operator op) {
        assertThat(op.acceptsSeveralValues()).isTrue();
        assertThat(new Filter("masterid", op, List.of(1L, 2L, 3L)).values()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void shouldRejectFilterWithoutValueOrField() {
        assertThatThrownBy(() -> new Filter("masterid", Operator.EQ, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("masterid__eq");
        assertThatThrownBy(() -> ResultSpec.builder().filter("masterid", Operator.IN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter(" ", Operator.EQ, List.of(1L)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Filter("masterid", Operator.EQ, Arrays.asList(1L, null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldCopyFilterValues() {
        List<Object> values = new java.util.ArrayList<>(List.of(1L));
        Filter filter = new Filter("masterid", Operator.IN, values);

        values.add(2L);

        assertThat(filter.values()).containsExactly(1L);
    }

    @Test
    void shouldParseOrderInBuildbotNotation() {
        assertThat(Order.parse("name")).isEqualTo(new Order("name", false));
        assertThat(Order.parse("-name")).isEqualTo(new Order("name", true));
        assertThat(Order.parse("-name")).hasToString("-name");
        assertThatThrownBy(() -> Order.parse("-")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Order.parse("--name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResultSpec.builder().order("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseOperatorWireNames() {
        for (Operator op : Operator.values()) {
            assertThat(Operator.fromWireName(op.wireName())).isEqualTo(op);
        }
        assertThat(Operator.fromWireName("notin")).isEqualTo(Operator.NOTIN);
        assertThatThrownBy(() -> Operator.fromWireName("like"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("like")
                .hasMessageContaining("contains");
        assertThatThrownBy(() -> Operator.fromWireName("EQ")).isInstanceOf(IllegalArgumentException.class);
    }
}
