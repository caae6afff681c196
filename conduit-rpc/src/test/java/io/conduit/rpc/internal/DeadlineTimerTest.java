package io.conduit.rpc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class DeadlineTimerTest
{
    private final DeadlineTimer timer = new DeadlineTimer("deadline-timer-test");

    @AfterEach
    void tearDown()
    {
        timer.close();
    }

    @Test
    void firesInDeadlineOrderAndNeverEarly() throws Exception
    {
        final List<Integer> fired = new CopyOnWriteArrayList<>();
        final AtomicInteger early = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(5);
        final int[] delaysMs = {40, 10, 50, 20, 30};
        for (final int delayMs : delaysMs)
        {
            final long dueNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
            timer.schedule(() ->
            {
                if (System.nanoTime() - dueNs < 0)
                {
                    early.incrementAndGet();
                }
                fired.add(delayMs);
                done.countDown();
            }, TimeUnit.MILLISECONDS.toNanos(delayMs));
        }

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fired).containsExactly(10, 20, 30, 40, 50);
        assertThat(early).hasValue(0);
        assertThat(timer.pending()).isZero();
    }

    @Test
    void cancelledTimersNeverFireAndTheRestDo() throws Exception
    {
        final Random random = new Random(42);
        final List<DeadlineTimer.Timer> timers = new ArrayList<>();
        final List<Integer> fired = new CopyOnWriteArrayList<>();
        final List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < 1_000; i++)
        {
            final int id = i;
            timers.add(timer.schedule(() -> fired.add(id), TimeUnit.MILLISECONDS.toNanos(random.nextInt(200))));
        }
        for (int i = 0; i < timers.size(); i++)
        {
            // Cancel in a scattered order, so that removals come from every part of the heap. A timer due soon
            // may have fired already: then it is not cancelled, and must have fired exactly once.
            if (i % 3 == 0 || !timers.get(i).cancel())
            {
                kept.add(i);
            }
        }
        assertThat(kept.size()).isLessThan(500);

        // Once none is pending, none can fire any more: cancelled timers have left the heap.
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((fired.size() < kept.size() || timer.pending() > 0) && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(5);
        }
        assertThat(fired).containsExactlyInAnyOrderElementsOf(kept);
        assertThat(timer.pending()).isZero();
    }

    @Test
    void cancelReportsWhetherItStoppedTheTimer() throws Exception
    {
        final CountDownLatch fired = new CountDownLatch(1);
        final DeadlineTimer.Timer soon = timer.schedule(fired::countDown, 0);
        final DeadlineTimer.Timer later = timer.schedule(() -> { }, TimeUnit.SECONDS.toNanos(30));

        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(soon.cancel()).isFalse();
        assertThat(later.cancel()).isTrue();
        assertThat(later.cancel()).isFalse();
    }

    @Test
    void farDeadlinesSetAndCancelledWakeNobody() throws Exception
    {
        // What an RPC server does per call: a deadline seconds away, cancelled when the reply goes out.
        final CountDownLatch started = new CountDownLatch(1);
        timer.schedule(started::countDown, 0);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        awaitSleeping();
        final long wakeUpsBefore = timer.wakeUps();

        for (int i = 0; i < 10_000; i++)
        {
            timer.schedule(() -> { }, TimeUnit.SECONDS.toNanos(30)).cancel();
        }
        final DeadlineTimer.Timer lastOne = timer.schedule(() -> { }, TimeUnit.SECONDS.toNanos(30));
        Thread.sleep(200);

        // Each timer was set with none pending, and cancelled at once. None is due before the thread's planned
        // wake-up, so none wakes it: at most the idle sleep ends once in this time.
        assertThat(timer.wakeUps() - wakeUpsBefore).isLessThanOrEqualTo(1);
        assertThat(lastOne.cancel()).isTrue();
    }

    @Test
    void anEarlierTimerWakesTheSleepingThread() throws Exception
    {
        timer.schedule(() -> { }, TimeUnit.SECONDS.toNanos(60));
        awaitSleeping();
        final AtomicLong firedAfterNs = new AtomicLong();
        final CountDownLatch fired = new CountDownLatch(1);
        final long startNs = System.nanoTime();
        timer.schedule(() ->
        {
            firedAfterNs.set(System.nanoTime() - startNs);
            fired.countDown();
        }, TimeUnit.MILLISECONDS.toNanos(20));

        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(firedAfterNs.get()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    @Test
    void theLongestDelayStillSortsAfterATimerAlreadyDue() throws Exception
    {
        // Hold the timer's thread in a task, so that the next timer falls due and waits its turn.
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        timer.schedule(() ->
        {
            holding.countDown();
            awaitQuietly(release);
        }, 0);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        final CountDownLatch due = new CountDownLatch(1);
        timer.schedule(due::countDown, 0);
        // The clock must move on from the due timer's deadline for the sum below to overflow past it.
        Thread.sleep(5);
        // Added to the clock unclamped, this deadline's difference from the one due overflows, and it would sort
        // first: the thread would sleep until it, and the due timer would never fire.
        final AtomicInteger ran = new AtomicInteger();
        final DeadlineTimer.Timer never = timer.schedule(ran::incrementAndGet, Long.MAX_VALUE);
        release.countDown();

        assertThat(due.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(0);
        assertThat(never.cancel()).isTrue();
    }

    private void awaitSleeping() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!timer.isSleeping())
        {
            assertThat(System.nanoTime() - deadlineNs).as("the timer's thread went to sleep").isNegative();
            Thread.sleep(1);
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheTimer() throws Exception
    {
        final CountDownLatch fired = new CountDownLatch(1);
        timer.schedule(() ->
        {
            throw new IllegalStateException("deliberate");
        }, 0);
        timer.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(10));

        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTaskThatInterruptsItsThreadDoesNotStopTheTimer() throws Exception
    {
        final CountDownLatch fired = new CountDownLatch(1);
        timer.schedule(() -> Thread.currentThread().interrupt(), 0);
        timer.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(50));

        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void afterCloseTasksRunAtOnceAndPendingOnesNever() throws Exception
    {
        final AtomicInteger pendingRan = new AtomicInteger();
        timer.schedule(pendingRan::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(50));
        timer.close();

        final AtomicInteger ranAtOnce = new AtomicInteger();
        assertThat(timer.schedule(ranAtOnce::incrementAndGet, TimeUnit.SECONDS.toNanos(30))).isNull();
        assertThat(ranAtOnce).hasValue(1);
        Thread.sleep(200);
        assertThat(pendingRan).hasValue(0);
        assertThat(timer.pending()).isZero();
    }
}
