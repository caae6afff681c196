package io.conduit.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the flat JSON objects the commands print: string and number values, keys in order.
 */
final class FlatJson
{
    private static final Pattern OBJECT = Pattern.compile("\\{(.*)}");
    private static final Pattern MEMBER = Pattern.compile("\"([^\"]+)\":(\"([^\"]*)\"|-?[0-9]+(\\.[0-9]+)?)(,|$)");

    private FlatJson()
    {
    }

    /**
     * @param line holding one object.
     * @return its members: strings as String, numbers as Double.
     * @throws IllegalArgumentException when the line is not such an object.
     */
    static Map<String, Object> parse(final String line)
    {
        final Matcher object = OBJECT.matcher(line.trim());
        if (!object.matches())
        {
            throw new IllegalArgumentException("not a JSON object: " + line);
        }
        final Map<String, Object> members = new LinkedHashMap<>();
        final Matcher member = MEMBER.matcher(object.group(1));
        int end = 0;
        while (member.find() && member.start() == end)
        {
            members.put(member.group(1), member.group(3) != null ? member.group(3) : Double.valueOf(member.group(2)));
            end = member.end();
        }
        if (end != object.group(1).length())
        {
            throw new IllegalArgumentException("not a flat JSON object: " + line);
        }
        return members;
    }
}
