package io.conduit.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelloRpcTest
{
    private static final Path SAMPLE = Path.of("src/main/java/io/conduit/samples/HelloRpc.java");
    private static final Path README = Path.of("../README.md");

    @Test
    void shouldCallTheServiceAndReportItsStatus()
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            HelloRpc.main(new String[0]);
        }
        finally
        {
            System.setOut(stdout);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8).lines()).containsExactly(
            "Greeting[text=hello, Ada, names=[Ada]]",
            "Greeting[text=hello, all, names=[Ada, Grace]]",
            "INVALID_ARGUMENT: say who to greet");
    }

    @Test
    void shouldAppearVerbatimInTheReadme() throws IOException
    {
        final String sample = Files.readString(SAMPLE, StandardCharsets.UTF_8);
        final String body = sample.substring(sample.indexOf("public final class HelloRpc"));

        assertThat(Files.readString(README, StandardCharsets.UTF_8)).contains(body);
    }
}
