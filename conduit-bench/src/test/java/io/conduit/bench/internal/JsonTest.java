package io.conduit.bench.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonTest
{
    @Test
    void shouldRoundTripNestedValuesInKeyOrder()
    {
        final Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("p50Us", 12.5);
        inner.put("msgsPerSec", 10_000L);
        final Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("scenario", "tcp-pingpong \"quoted\"\n");
        outer.put("conduit", inner);
        outer.put("peer", null);
        outer.put("list", List.of(1L, true, "x"));

        final String text = Json.write(outer);

        assertThat(text).startsWith("{\"scenario\":\"tcp-pingpong \\\"quoted\\\"\\n\",\"conduit\":{\"p50Us\":12.5");
        assertThat(Json.parseObject(text)).isEqualTo(outer);
    }

    @Test
    void shouldWriteIntegralDoublesWithoutFraction()
    {
        assertThat(Json.write(Map.of("durationS", 3.0))).isEqualTo("{\"durationS\":3}");
    }

    @Test
    void shouldRejectMalformedText()
    {
        assertThatThrownBy(() -> Json.parse("{\"a\":1")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Json.write(Map.of("x", Double.NaN))).hasMessageContaining("non-finite");
    }
}
