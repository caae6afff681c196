package io.conduit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InprocRoundTripTest
{
    @Test
    void shouldDeliverSmallAndFragmentedMessagesInOrder()
    {
        try (Conduit conduit = Conduit.launch(new Conduit.Context().subscriptionBufferBytes(1 << 20));
            Subscription sub = conduit.addSubscription("inproc:roundtrip", 7);
            Publication pub = conduit.addPublication("inproc:roundtrip", 7))
        {
            final List<byte[]> received = new ArrayList<>();
            final int[] sizes = {0, 1, 100, 200_000, 5, 131_000};
            int sent = 0;
            int polled = 0;
            while (polled < sizes.length)
            {
                if (sent < sizes.length)
                {
                    final byte[] msg = new byte[sizes[sent]];
                    for (int i = 0; i < msg.length; i++)
                    {
                        msg[i] = (byte)(i * 31 + sent);
                    }
                    if (pub.offer(msg) > 0)
                    {
                        sent++;
                    }
                }
                polled += sub.poll((buffer, offset, length, header) ->
                {
                    final byte[] copy = new byte[length];
                    buffer.get(offset, copy);
                    received.add(copy);
                    assertThat(header.sessionId()).isEqualTo(pub.sessionId());
                }, 10);
            }
            for (int n = 0; n < sizes.length; n++)
            {
                assertThat(received.get(n)).hasSize(sizes[n]);
                for (int i = 0; i < sizes[n]; i++)
                {
                    assertThat(received.get(n)[i]).isEqualTo((byte)(i * 31 + n));
                }
            }
        }
    }

    @Test
    void shouldBackPressureWhenSubscriberDoesNotPoll()
    {
        try (Conduit conduit = Conduit.launch(new Conduit.Context().subscriptionBufferBytes(1 << 19));
            Subscription sub = conduit.addSubscription("inproc:bp", 1);
            Publication pub = conduit.addPublication("inproc:bp", 1))
        {
            final ByteBuffer msg = ByteBuffer.allocateDirect(1000);
            long result;
            int accepted = 0;
            while ((result = pub.offer(msg, 0, 1000)) > 0)
            {
                accepted++;
            }
            assertThat(result).isEqualTo(Publication.BACK_PRESSURED);
            final int[] count = new int[1];
            while (sub.poll((b, o, l, h) -> count[0]++, 100) > 0)
            {
                // drain
            }
            assertThat(count[0]).isEqualTo(accepted);
            assertThat(pub.offer(msg, 0, 1000)).isPositive();
        }
    }
}
