package io.conduit.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the control protocol between {@code conduit demo} and its peer process: a verb, then tab-separated
 * {@code key=value} fields. Values cannot hold tabs or line breaks; those are written as spaces.
 * <pre>
 *   demo → peer:  publish  mechanism=tcp  uri=tcp://127.0.0.1:41234  streamId=1  sizeBytes=64  ...
 *   peer → demo:  result   sent=40000  backPressured=0  cpuNs=123456789  [failure=...]
 *   demo → peer:  serve    uri=tcp://127.0.0.1:0
 *   peer → demo:  serving  endpoint=tcp://127.0.0.1:41235  [failure=...]
 *   demo → peer:  close
 *   peer → demo:  closed   [cpuNs=123456789, when it was serving]
 * </pre>
 */
final class PeerMessage
{
    static final String READY = "ready";
    static final String PUBLISH = "publish";
    static final String RESULT = "result";
    static final String SERVE = "serve";
    static final String SERVING = "serving";
    static final String CLOSE = "close";
    static final String CLOSED = "closed";
    static final String QUIT = "quit";
    /** Made up by the reader when the peer's output ends: the peer has exited. */
    static final String END = "end";

    private final String verb;
    private final Map<String, String> fields = new LinkedHashMap<>();

    /**
     * @param verb what the message asks or answers.
     */
    PeerMessage(final String verb)
    {
        this.verb = verb;
    }

    /**
     * @param line as read.
     * @return the message.
     */
    static PeerMessage parse(final String line)
    {
        final String[] parts = line.split("\t");
        final PeerMessage message = new PeerMessage(parts[0].trim());
        for (int i = 1; i < parts.length; i++)
        {
            final int eq = parts[i].indexOf('=');
            if (eq > 0)
            {
                message.fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return message;
    }

    /**
     * @param key   of the field.
     * @param value of the field; null leaves the field out.
     * @return this.
     */
    PeerMessage with(final String key, final Object value)
    {
        if (value != null)
        {
            fields.put(key, String.valueOf(value).replaceAll("[\t\r\n]", " "));
        }
        return this;
    }

    /**
     * @return the verb.
     */
    String verb()
    {
        return verb;
    }

    /**
     * @param key of the field.
     * @return its value, or null.
     */
    String get(final String key)
    {
        return fields.get(key);
    }

    /**
     * @param key of the field.
     * @return its value as a number.
     * @throws IllegalArgumentException when it is missing or not a number.
     */
    long getLong(final String key)
    {
        final String value = fields.get(key);
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid peer message field: " + key + "=" + value + ", verb=" + verb);
        }
    }

    /**
     * @return the fields, in order.
     */
    Map<String, String> fields()
    {
        return Collections.unmodifiableMap(fields);
    }

    /**
     * @return the message as one line, without the line break.
     */
    String encode()
    {
        final StringBuilder line = new StringBuilder(verb);
        fields.forEach((key, value) -> line.append('\t').append(key).append('=').append(value));
        return line.toString();
    }

    @Override
    public String toString()
    {
        return encode();
    }
}
