package io.conduit.bench.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.grpc.CallOptions;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * grpc-java over Netty (its shaded build, native epoll where available), plaintext HTTP/2 on
 * {@code 127.0.0.1}, set up as its own benchmarks set it up for the least overhead: a unary echo method
 * described by hand with a byte-array marshaller (no protobuf, so both systems move the same bytes), a direct
 * executor on both sides (the handler never blocks, so no thread hand-off), blocking stub calls for latency and
 * asynchronous calls for throughput.
 */
final class GrpcSide implements Side
{
    /** The service, as gRPC names it on the wire. */
    static final String SERVICE_NAME = "conduit.bench.Echo";
    /** The echo method: one request, one reply, bytes unchanged. */
    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Echo"))
        .setRequestMarshaller(BytesMarshaller.INSTANCE)
        .setResponseMarshaller(BytesMarshaller.INSTANCE)
        .build();

    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    @Override
    public void runInitiator(final Workload workload, final SideChannel channel) throws Exception
    {
        final ManagedChannel grpcChannel = NettyChannelBuilder
            .forAddress(InetAddress.getLoopbackAddress().getHostAddress(), workload.connectPort())
            .usePlaintext()
            .directExecutor()
            .build();
        try
        {
            RpcClientLoops.run(workload, channel, new GrpcEchoClient(grpcChannel));
            SideMain.awaitRelease(channel);
        }
        finally
        {
            grpcChannel.shutdownNow().awaitTermination(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void runResponder(final Workload workload, final SideChannel channel) throws Exception
    {
        final ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE_NAME)
            .addMethod(ECHO, ServerCalls.asyncUnaryCall(GrpcSide::echo))
            .build();
        final Server server = NettyServerBuilder
            .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .directExecutor()
            .addService(service)
            .build()
            .start();
        try
        {
            channel.announcePort(server.getPort());
            RpcClientLoops.serveUntilReleased(workload, channel);
        }
        finally
        {
            server.shutdownNow().awaitTermination(SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static void echo(final byte[] request, final StreamObserver<byte[]> reply)
    {
        reply.onNext(request);
        reply.onCompleted();
    }

    /**
     * Calls {@link #ECHO} on one channel.
     */
    private static final class GrpcEchoClient implements EchoClient
    {
        private final ManagedChannel channel;

        GrpcEchoClient(final ManagedChannel channel)
        {
            this.channel = channel;
        }

        @Override
        public byte[] echo(final byte[] payload)
        {
            return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, payload);
        }

        @Override
        public void echoAsync(final byte[] payload, final BiConsumer<byte[], Throwable> onDone)
        {
            ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), payload, new StreamObserver<>()
            {
                private byte[] reply;

                @Override
                public void onNext(final byte[] value)
                {
                    reply = value;
                }

                @Override
                public void onError(final Throwable error)
                {
                    onDone.accept(null, error);
                }

                @Override
                public void onCompleted()
                {
                    onDone.accept(reply, null);
                }
            });
        }
    }

    /**
     * Byte arrays as they are: written from a stream of known length, so gRPC sizes its frame at once, and read
     * in one go.
     */
    static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]>
    {
        static final BytesMarshaller INSTANCE = new BytesMarshaller();

        @Override
        public InputStream stream(final byte[] value)
        {
            return new KnownLengthBytes(value);
        }

        @Override
        public byte[] parse(final InputStream stream)
        {
            try
            {
                if (stream instanceof KnownLength)
                {
                    return stream.readNBytes(stream.available());
                }
                return stream.readAllBytes();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /**
     * A byte array as an input stream that tells gRPC its length.
     */
    private static final class KnownLengthBytes extends ByteArrayInputStream implements KnownLength
    {
        KnownLengthBytes(final byte[] bytes)
        {
            super(bytes);
        }
    }
}
