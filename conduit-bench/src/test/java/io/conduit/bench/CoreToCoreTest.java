package io.conduit.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

class CoreToCoreTest
{
    @Test
    @Timeout(60)
    void printsARoundTripEveryQuarterSecondAndStops() throws Exception
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            CoreToCore.main(new String[] {"1"});
        }
        finally
        {
            System.setOut(stdout);
        }

        final String line = captured.toString(StandardCharsets.UTF_8).trim();
        assertThat(line).startsWith("round trip ns, every 250 ms:");
        final long[] samples = Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split(" "))
            .mapToLong(Long::parseLong).toArray();
        assertThat(samples).hasSizeBetween(1, 8);
        assertThat(Arrays.stream(samples).min().getAsLong()).isPositive();
    }
}
