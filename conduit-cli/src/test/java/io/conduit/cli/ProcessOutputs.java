package io.conduit.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests that run the {@code conduit} command as child processes share: reading the files the children's
 * output went to, and a free loopback port for them.
 */
final class ProcessOutputs
{
    private ProcessOutputs()
    {
    }

    static String read(final Path directory, final String file) throws IOException
    {
        return Files.readString(directory.resolve(file), StandardCharsets.UTF_8);
    }

    static String lastLine(final Path directory, final String file) throws IOException
    {
        final List<String> lines = Files.readAllLines(directory.resolve(file), StandardCharsets.UTF_8);
        assertThat(lines).as(file).isNotEmpty();
        return lines.get(lines.size() - 1);
    }

    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
