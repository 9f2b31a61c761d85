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
    void shouldRejectNegativeOffsetAndLimit() {
        assertThatThrownBy(() -> ResultSpec.builder().offset(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> ResultSpec.builder().limit(-5L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThat(ResultSpec.builder().limit(0L).limit(null).build().limit()).isNull();
    }

    @ParameterizedTest
    @EnumSource(
            value = Operator.class,
            names = {"LT", "LE", "GT", "GE", "CONTAINS"})
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
            names = {"EQ", "NE", "IN", "NOTIN"})
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
