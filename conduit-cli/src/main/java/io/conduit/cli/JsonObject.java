package io.conduit.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Writes one JSON object on one line, keys in the order put. Decimals are written with one digit after the
 * point; non-finite values as 0.
 */
final class JsonObject
{
    private final StringBuilder json = new StringBuilder("{");

    /**
     * @param key   to write.
     * @param value to write.
     * @return this.
     */
    JsonObject put(final String key, final long value)
    {
        return key(key).append(value);
    }

    /**
     * @param key   to write.
     * @param value to write, rounded to one decimal.
     * @return this.
     */
    JsonObject put(final String key, final double value)
    {
        final double finite = Double.isFinite(value) ? value : 0;
        return key(key).append(BigDecimal.valueOf(finite).setScale(1, RoundingMode.HALF_UP).toPlainString());
    }

    /**
     * @param key   to write.
     * @param value to write, escaped.
     * @return this.
     */
    JsonObject put(final String key, final String value)
    {
        key(key);
        quote(value);
        return this;
    }

    /**
     * @param key   to write.
     * @param value to write.
     * @return this.
     */
    JsonObject put(final String key, final boolean value)
    {
        return key(key).append(value);
    }

    /**
     * @param key   to write.
     * @param value a nested object.
     * @return this.
     */
    JsonObject put(final String key, final JsonObject value)
    {
        return key(key).append(value);
    }

    /**
     * @param key    to write.
     * @param values an array of nested objects.
     * @return this.
     */
    JsonObject put(final String key, final List<JsonObject> values)
    {
        key(key).json.append('[');
        for (int i = 0; i < values.size(); i++)
        {
            json.append(i == 0 ? "" : ",").append(values.get(i));
        }
        json.append(']');
        return this;
    }

    private JsonObject key(final String key)
    {
        if (json.length() > 1)
        {
            json.append(',');
        }
        quote(key);
        json.append(':');
        return this;
    }

    private JsonObject append(final Object value)
    {
        json.append(value);
        return this;
    }

    private void quote(final String text)
    {
        json.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"': json.append("\\\""); break;
                case '\\': json.append("\\\\"); break;
                case '\n': json.append("\\n"); break;
                case '\r': json.append("\\r"); break;
                case '\t': json.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        json.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        json.append(c);
                    }
            }
        }
        json.append('"');
    }

    @Override
    public String toString()
    {
        return json + "}";
    }
}
