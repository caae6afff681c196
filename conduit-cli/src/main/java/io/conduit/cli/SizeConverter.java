package io.conduit.cli;

import io.conduit.Sizes;
import picocli.CommandLine;

/**
 * Reads a byte size such as {@code 64}, {@code 4k} or {@code 1m} (powers of 1024).
 */
final class SizeConverter implements CommandLine.ITypeConverter<Integer>
{
    @Override
    public Integer convert(final String value)
    {
        try
        {
            return Sizes.parseBytes(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException("not a size in bytes: '" + value + "'");
        }
    }
}
