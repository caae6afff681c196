package io.conduit.cli;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SequenceTrackerTest
{
    private final SequenceTracker tracker = new SequenceTracker();

    private void receive(final long... sequences)
    {
        for (final long sequence : sequences)
        {
            tracker.onSequence(sequence);
        }
    }

    @Test
    void shouldCountNothingForAnInOrderSequence()
    {
        receive(0, 1, 2, 3, 4);

        assertThat(tracker.gaps()).isZero();
        assertThat(tracker.duplicates()).isZero();
        assertThat(tracker.outOfOrder()).isZero();
        assertThat(tracker.distinct()).isEqualTo(5);
    }

    @Test
    void shouldCountMissingMessagesAsGaps()
    {
        receive(0, 1, 4, 5, 9);

        assertThat(tracker.gaps()).isEqualTo(5);
        assertThat(tracker.distinct()).isEqualTo(5);
    }

    @Test
    void shouldCountMessagesBeforeTheFirstSeenAsGaps()
    {
        receive(3, 4);

        assertThat(tracker.gaps()).isEqualTo(3);
    }

    @Test
    void shouldCountLateArrivalsAsOutOfOrderAndFillTheirGap()
    {
        receive(0, 3, 1, 5, 2, 4);

        assertThat(tracker.outOfOrder()).isEqualTo(3);
        assertThat(tracker.gaps()).isZero();
        assertThat(tracker.duplicates()).isZero();
        assertThat(tracker.distinct()).isEqualTo(6);
    }

    @Test
    void shouldCountRepeatsAsDuplicates()
    {
        receive(0, 1, 1, 2, 0, 5, 3, 3);

        assertThat(tracker.duplicates()).isEqualTo(3);
        assertThat(tracker.outOfOrder()).isEqualTo(1);
        assertThat(tracker.gaps()).isEqualTo(1);
        assertThat(tracker.distinct()).isEqualTo(5);
    }
}
