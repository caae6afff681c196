package io.conduit.cli;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PeerMessageTest
{
    @Test
    void shouldRoundTripFieldsAndFlattenLineBreaksAndTabs()
    {
        final PeerMessage sent = new PeerMessage(PeerMessage.RESULT)
            .with("sent", 42)
            .with("failure", "bad\tthing\nhappened: uri=tcp://127.0.0.1:1?tls=true")
            .with("absent", null);

        final PeerMessage received = PeerMessage.parse(sent.encode());

        assertThat(sent.encode()).doesNotContain("\n");
        assertThat(received.verb()).isEqualTo(PeerMessage.RESULT);
        assertThat(received.getLong("sent")).isEqualTo(42);
        assertThat(received.get("failure")).isEqualTo("bad thing happened: uri=tcp://127.0.0.1:1?tls=true");
        assertThat(received.fields()).containsOnlyKeys("sent", "failure");
    }

    @Test
    void shouldNameAMissingNumber()
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> PeerMessage.parse("result").getLong("sent"))
            .withMessage("invalid peer message field: sent=null, verb=result");
    }
}
