package io.conduit.systemtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.conduit.internal.FrameDescriptor;
import io.conduit.test.Frames;
import io.conduit.test.JavaProcess;

import static io.conduit.internal.FrameDescriptor.CURRENT_VERSION;
import static io.conduit.internal.FrameDescriptor.HEADER_LENGTH;
import static io.conduit.internal.FrameDescriptor.TYPE_DATA;
import static io.conduit.internal.FrameDescriptor.TYPE_HEARTBEAT;
import static io.conduit.internal.FrameDescriptor.UNFRAGMENTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile bytes sent with a raw socket to a subscriber process close that connection and count a protocol error,
 * while a well-behaved publisher process keeps delivering to the same subscriber throughout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpHostileBytesTest
{
    private static final int STREAM_ID = 41;
    private static final int SESSION_ID = 0x5EED;
    private static final int VALID_THEN_GARBAGE_SESSION_ID = 0x5EED + 1;
    private static final int RAW_PUBLISHER_SESSION_ID = 0x5EED + 2;
    private static final int MAX_FRAME_LENGTH = 64 * 1024;
    private static final long HEARTBEAT_TIMEOUT_MS = 1_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_REPLY_BYTES = 4096;

    private JavaProcess subscriber;
    private JavaProcess publisher;
    private int port;

    @BeforeAll
    void startWellBehavedPair()
    {
        subscriber = JavaProcess.start("subscriber", Children.properties(
            "conduit.heartbeat.interval.ms", "100",
            "conduit.heartbeat.timeout.ms", Long.toString(HEARTBEAT_TIMEOUT_MS),
            "conduit.tcp.frame.length", Integer.toString(MAX_FRAME_LENGTH)),
            SubscriberMain.class, subscriberUri(), Integer.toString(STREAM_ID), "0", "50");
        port = Children.port(subscriber);
        publisher = JavaProcess.start("publisher", List.of(), PublisherMain.class,
            "tcp://127.0.0.1:" + port, Integer.toString(STREAM_ID), "0", "100", "2000");
        Status.await(subscriber, s -> s.getOrZero("received") >= 200, Duration.ofSeconds(30));
    }

    /**
     * @return the URI the subscriber process listens on.
     */
    String subscriberUri()
    {
        return "tcp://127.0.0.1:0";
    }

    @AfterAll
    void stop()
    {
        if (publisher != null)
        {
            publisher.close();
        }
        if (subscriber != null)
        {
            subscriber.close();
        }
    }

    static Stream<Arguments> hostileInputs()
    {
        final byte[] hello = Frames.hello(STREAM_ID, SESSION_ID);
        return Stream.of(
            Arguments.of("garbage (an HTTP request)",
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
            Arguments.of("absurd length 0x7fffffff", header(0x7fffffff, CURRENT_VERSION, TYPE_DATA)),
            Arguments.of("negative length", header(-8, CURRENT_VERSION, TYPE_DATA)),
            Arguments.of("length shorter than a header", header(8, CURRENT_VERSION, TYPE_HEARTBEAT)),
            Arguments.of("length above the frame limit", header(MAX_FRAME_LENGTH + 8, CURRENT_VERSION, TYPE_DATA)),
            Arguments.of("unknown version", header(HEADER_LENGTH, 99, TYPE_HEARTBEAT)),
            Arguments.of("unknown type", header(HEADER_LENGTH, CURRENT_VERSION, 999)),
            Arguments.of("data before hello", Frames.data(STREAM_ID, SESSION_ID, 0, new byte[16])),
            Arguments.of("second hello", Frames.concat(hello, hello)),
            Arguments.of("data of another session after hello",
                Frames.concat(hello, Frames.data(STREAM_ID, SESSION_ID + 1, 0, new byte[16]))),
            Arguments.of("hello, valid data, then garbage", Frames.concat(
                Frames.hello(STREAM_ID, VALID_THEN_GARBAGE_SESSION_ID),
                Frames.data(STREAM_ID, VALID_THEN_GARBAGE_SESSION_ID, 0, validPayload(0)),
                new byte[]{1, 2, 3, 4, 5, 6, 7, 8})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void shouldCloseConnectionCountProtocolErrorAndKeepServing(final String description, final byte[] bytes)
        throws IOException
    {
        final int fromLine = subscriber.lineCount();
        final Status before = Status.latest(subscriber);

        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();

            assertClosedByPeer(socket, description);
        }

        final Status after = Status.awaitAfter(subscriber, fromLine,
            s -> s.get("PROTOCOL_ERRORS") > before.get("PROTOCOL_ERRORS"), Duration.ofSeconds(5));
        assertStillServing(after);
    }

    @Test
    void shouldCountTruncatedFrameFollowedByCloseAsProtocolError() throws IOException
    {
        final int fromLine = subscriber.lineCount();
        final Status before = Status.latest(subscriber);
        final byte[] frame = Frames.data(STREAM_ID, SESSION_ID, 0, new byte[1_000]);

        try (Socket socket = new Socket("127.0.0.1", port))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(Frames.hello(STREAM_ID, SESSION_ID));
            out.write(frame, 0, 100);
            out.flush();
        }

        final Status after = Status.awaitAfter(subscriber, fromLine,
            s -> s.get("PROTOCOL_ERRORS") > before.get("PROTOCOL_ERRORS"), Duration.ofSeconds(5));
        assertStillServing(after);
    }

    @Test
    void shouldCloseConnectionStalledInsideFrameWithinHeartbeatTimeout() throws IOException
    {
        final Status before = Status.latest(subscriber);
        final byte[] frame = Frames.data(STREAM_ID, SESSION_ID, 0, new byte[1_000]);

        try (Socket socket = new Socket("127.0.0.1", port))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(frame, 0, 100);
            out.flush();
            final long startNs = System.nanoTime();

            assertClosedByPeer(socket, "stalled mid-frame");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs))
                .isLessThanOrEqualTo(HEARTBEAT_TIMEOUT_MS + 1_000);
        }

        final Status after = Status.await(subscriber,
            s -> s.get("HEARTBEAT_TIMEOUTS") > before.get("HEARTBEAT_TIMEOUTS"), Duration.ofSeconds(5));
        assertStillServing(after);
    }

    @Test
    void shouldAcceptWellFormedRawPublisher() throws IOException
    {
        final Status before = Status.latest(subscriber);

        try (Socket socket = new Socket("127.0.0.1", port))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(Frames.hello(STREAM_ID, RAW_PUBLISHER_SESSION_ID));
            for (int i = 0; i < 10; i++)
            {
                out.write(Frames.data(STREAM_ID, RAW_PUBLISHER_SESSION_ID, i, validPayload(i)));
            }
            out.flush();

            final Status after = Status.await(subscriber, s -> s.get("sessions") > before.get("sessions"),
                Duration.ofSeconds(5));
            assertThat(after.get("PROTOCOL_ERRORS")).isEqualTo(before.get("PROTOCOL_ERRORS"));
            assertThat(after.get("corrupt")).isZero();
        }
    }

    private void assertStillServing(final Status after)
    {
        final long received = after.get("received");
        Status.await(subscriber, s -> s.get("received") >= received + 50, Duration.ofSeconds(10));
        final Status publisherStatus = Status.latest(publisher);
        assertThat(publisherStatus.flag("connected")).as("well-behaved publisher %s", publisherStatus).isTrue();
        assertThat(publisherStatus.get("DISCONNECTS")).as("well-behaved publisher was never cut off").isZero();
        final Status now = Status.latest(subscriber);
        assertThat(now.get("duplicates") + now.get("gaps") + now.get("outOfOrder") + now.get("corrupt"))
            .as("subscriber %s", now).isZero();
    }

    private static void assertClosedByPeer(final Socket socket, final String description) throws IOException
    {
        socket.setSoTimeout((int)CLOSE_TIMEOUT.toMillis());
        final InputStream in = socket.getInputStream();
        final byte[] buffer = new byte[512];
        int replied = 0;
        try
        {
            int read;
            while ((read = in.read(buffer)) >= 0)
            {
                replied += read;
                assertThat(replied).as("reply to %s", description).isLessThanOrEqualTo(MAX_REPLY_BYTES);
            }
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("subscriber did not close the connection within " + CLOSE_TIMEOUT.toMillis() +
                " ms after " + description, ex);
        }
        catch (final SocketException ex)
        {
            // Reset by the peer: closed too.
        }
    }

    private static byte[] validPayload(final long sequence)
    {
        final byte[] payload = new byte[24];
        Payloads.encode(payload, sequence);
        return payload;
    }

    private static byte[] header(final int lengthField, final int version, final int type)
    {
        return Frames.frame(lengthField, version, type, UNFRAGMENTED, STREAM_ID, SESSION_ID, 0, new byte[0]);
    }
}
