package io.conduit.rpc;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.conduit.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class StatusTest
{
    @Test
    void shouldUseGrpcCodes()
    {
        assertThat(Status.OK.code()).isEqualTo(0);
        assertThat(Status.CANCELLED.code()).isEqualTo(1);
        assertThat(Status.INVALID_ARGUMENT.code()).isEqualTo(3);
        assertThat(Status.DEADLINE_EXCEEDED.code()).isEqualTo(4);
        assertThat(Status.NOT_FOUND.code()).isEqualTo(5);
        assertThat(Status.PERMISSION_DENIED.code()).isEqualTo(7);
        assertThat(Status.RESOURCE_EXHAUSTED.code()).isEqualTo(8);
        assertThat(Status.UNIMPLEMENTED.code()).isEqualTo(12);
        assertThat(Status.INTERNAL.code()).isEqualTo(13);
        assertThat(Status.UNAVAILABLE.code()).isEqualTo(14);
        assertThat(Status.UNAUTHENTICATED.code()).isEqualTo(16);
    }

    @Test
    void shouldMapCodesBackAndUnknownCodesToUnknown()
    {
        for (final Status status : Status.values())
        {
            assertThat(Status.fromCode(status.code())).isEqualTo(status);
        }
        assertThat(Status.fromCode(6)).isEqualTo(Status.UNKNOWN);
        assertThat(Status.fromCode(-1)).isEqualTo(Status.UNKNOWN);
        assertThat(Status.fromCode(65_535)).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void shouldCarryStatusInExceptions()
    {
        final RpcException unavailable = new RpcException(Status.UNAVAILABLE, "gone: endpoint=x");

        assertThat(unavailable.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(unavailable.description()).isEqualTo("gone: endpoint=x");
        assertThat(unavailable.code()).isEqualTo(ErrorCode.UNREACHABLE);
        assertThat(unavailable).hasMessage("rpc failed: status=UNAVAILABLE, description=gone: endpoint=x");
        assertThat(new RpcException(Status.DEADLINE_EXCEEDED, "late").code()).isEqualTo(ErrorCode.TIMED_OUT);
    }

    @Test
    void shouldBackOffExponentiallyWithinJitterAndCap()
    {
        final RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.2);

        for (int i = 0; i < 100; i++)
        {
            assertThat(policy.backoffNs(1)).isBetween(8_000_000L, 12_000_000L);
            assertThat(policy.backoffNs(2)).isBetween(16_000_000L, 24_000_000L);
            assertThat(policy.backoffNs(10)).isBetween(40_000_000L, 50_000_000L);
        }
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
        assertThatThrownBy(() -> RetryPolicy.exponential(0, Duration.ZERO, Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts=0");
    }
}
