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

import io.conduit.Conduit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelloConduitTest
{
    private static final Path SAMPLE = Path.of("src/main/java/io/conduit/samples/HelloConduit.java");
    private static final Path README = Path.of("../README.md");

    @Test
    void shouldSayHelloOverTcpShmAndInproc()
    {
        try (Conduit conduit = Conduit.launch())
        {
            assertThat(HelloConduit.exchange(conduit, "tcp://127.0.0.1:0"))
                .matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*: hello from session -?[0-9]+");
            assertThat(HelloConduit.exchange(conduit, "shm:hello-test-" + ProcessHandle.current().pid()))
                .matches("shm:hello-test-[0-9]+: hello from session -?[0-9]+");
            assertThat(HelloConduit.exchange(conduit, "inproc:hello-test"))
                .matches("inproc:hello-test: hello from session -?[0-9]+");
        }
    }

    @Test
    void shouldRunMainToTheEnd()
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            HelloConduit.main(new String[0]);
        }
        finally
        {
            System.setOut(stdout);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8).lines())
            .hasSize(3)
            .allMatch(line -> line.contains(": hello from session "));
    }

    @Test
    void shouldAppearVerbatimInTheReadme() throws IOException
    {
        final String sample = Files.readString(SAMPLE, StandardCharsets.UTF_8);
        final String body = sample.substring(sample.indexOf("public final class HelloConduit"));

        assertThat(Files.readString(README, StandardCharsets.UTF_8)).contains(body);
    }
}
