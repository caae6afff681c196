package io.conduit.cli;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonObjectTest
{
    @Test
    void shouldWriteKeysInOrderWithOneDecimal()
    {
        final String json = new JsonObject()
            .put("count", 12L)
            .put("rate", 12345678.96)
            .put("name", "tcp")
            .toString();

        assertThat(json).isEqualTo("{\"count\":12,\"rate\":12345679.0,\"name\":\"tcp\"}");
    }

    @Test
    void shouldEscapeStringsAndWriteNonFiniteAsZero()
    {
        final String json = new JsonObject()
            .put("text", "a\"b\\c\nd\u0001")
            .put("nan", Double.NaN)
            .toString();

        assertThat(json).isEqualTo("{\"text\":\"a\\\"b\\\\c\\nd\\u0001\",\"nan\":0.0}");
    }
}
