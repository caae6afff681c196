package io.conduit.rpc;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how a client retries a call to an {@link Idempotent} method that failed with {@link Status#UNAVAILABLE}:
 * up to {@link #maxAttempts()} attempts in all, each on a live endpoint other than the last one where there is
 * one, after an exponential back-off with jitter, and never past the call's deadline. Immutable.
 */
public final class RetryPolicy
{
    private static final RetryPolicy NONE = new RetryPolicy(1, 0, 0, 1.0, 0.0);

    private final int maxAttempts;
    private final long initialBackoffNs;
    private final long maxBackoffNs;
    private final double multiplier;
    private final double jitter;

    private RetryPolicy(
        final int maxAttempts,
        final long initialBackoffNs,
        final long maxBackoffNs,
        final double multiplier,
        final double jitter)
    {
        this.maxAttempts = maxAttempts;
        this.initialBackoffNs = initialBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
        this.multiplier = multiplier;
        this.jitter = jitter;
    }

    /**
     * @return a policy that never retries.
     */
    public static RetryPolicy none()
    {
        return NONE;
    }

    /**
     * @param maxAttempts    attempts in all, at least 1.
     * @param initialBackoff before the first retry.
     * @param maxBackoff     the most to wait before any retry.
     * @return a policy that doubles the back-off after each attempt, with 20% jitter either way.
     * @throws IllegalArgumentException when a value is out of range.
     */
    public static RetryPolicy exponential(final int maxAttempts, final Duration initialBackoff, final Duration maxBackoff)
    {
        return exponential(maxAttempts, initialBackoff, maxBackoff, 2.0, 0.2);
    }

    /**
     * @param maxAttempts    attempts in all, at least 1.
     * @param initialBackoff before the first retry.
     * @param maxBackoff     the most to wait before any retry.
     * @param multiplier     growth of the back-off per attempt, at least 1.
     * @param jitter         fraction of the back-off added or taken away at random, in [0, 1).
     * @return the policy.
     * @throws IllegalArgumentException when a value is out of range.
     */
    public static RetryPolicy exponential(
        final int maxAttempts,
        final Duration initialBackoff,
        final Duration maxBackoff,
        final double multiplier,
        final double jitter)
    {
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 ||
            multiplier < 1.0 || jitter < 0.0 || jitter >= 1.0)
        {
            throw new IllegalArgumentException("invalid retry policy: maxAttempts=" + maxAttempts +
                ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier +
                ", jitter=" + jitter);
        }
        return new RetryPolicy(maxAttempts, initialBackoff.toNanos(), maxBackoff.toNanos(), multiplier, jitter);
    }

    /**
     * @return the most attempts of one call, the first included.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    /**
     * @param retry 1 for the first retry, 2 for the second, ...
     * @return how long to wait before that retry, jitter applied.
     */
    public long backoffNs(final int retry)
    {
        final double base = Math.min(maxBackoffNs, initialBackoffNs * Math.pow(multiplier, retry - 1));
        final double spread = base * jitter;
        final double jittered = base + (spread == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-spread, spread));
        return Math.max(0, Math.min(maxBackoffNs, (long)jittered));
    }

    @Override
    public String toString()
    {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoffNs=" + initialBackoffNs +
            ", maxBackoffNs=" + maxBackoffNs + ", multiplier=" + multiplier + ", jitter=" + jitter + '}';
    }
}
