package io.conduit;

import java.util.Locale;

/**
 * Parses and prints byte sizes such as {@code 64k} or {@code 16m} (powers of 1024).
 */
public final class Sizes
{
    private Sizes()
    {
    }

    /**
     * @param text a whole number of bytes with an optional suffix k, m or g (case-insensitive, optional 'b' or
     *             'ib' after it).
     * @return the size in bytes.
     * @throws IllegalArgumentException when the text is not a size that fits an int, or is negative.
     */
    public static int parseBytes(final String text)
    {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib"))
        {
            s = s.substring(0, s.length() - 2);
        }
        else if (s.endsWith("b"))
        {
            s = s.substring(0, s.length() - 1);
        }
        long multiplier = 1;
        if (!s.isEmpty())
        {
            switch (s.charAt(s.length() - 1))
            {
                case 'k': multiplier = 1L << 10; break;
                case 'm': multiplier = 1L << 20; break;
                case 'g': multiplier = 1L << 30; break;
                default: break;
            }
        }
        if (multiplier != 1)
        {
            s = s.substring(0, s.length() - 1);
        }
        final long value;
        try
        {
            value = Long.parseLong(s) * multiplier;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid size: " + text);
        }
        if (value < 0 || value > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("size out of range: " + text);
        }
        return (int)value;
    }
}
