package io.conduit.rpc.internal;

import java.util.Arrays;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines, retries and reconnects on one daemon thread that sleeps until the earliest timer is due.
 * <p>
 * Setting a timer that falls due after the thread's planned wake-up wakes nobody, and neither does cancelling
 * one: a call whose deadline is seconds away and whose reply takes microseconds costs a heap insertion and a
 * removal under an uncontended lock, no context switch. An idle process's timer thread sleeps. The timing wheel
 * this replaces woke every 5 ms tick, 200 times a second on the CPU the calls run on, and fired up to a tick late.
 * <p>
 * Timers fire on the timer's thread in deadline order, not before their deadline; their tasks must be short.
 * The thread starts with the first timer.
 */
final class DeadlineTimer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineTimer.class);
    private static final int INITIAL_CAPACITY = 16;
    /**
     * How long the thread sleeps with no timer set. Timers due later than its wake-up do not wake it, so a
     * process that sets a far deadline per call and cancels it microseconds later wakes this thread at most once
     * per this long, however often it calls, where sleeping until signalled would wake it for every call.
     */
    private static final long IDLE_SLEEP_NS = TimeUnit.SECONDS.toNanos(1);
    /** Longest delay, about 146 years: deadlines are compared by their difference, which must not overflow. */
    private static final long MAX_DELAY_NS = 1L << 62;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition earlierTimer = lock.newCondition();
    private final ThreadFactory threadFactory;
    private Timer[] heap = new Timer[INITIAL_CAPACITY];
    private int size;
    private Thread thread;
    private boolean sleeping;
    private long wakeAtNs;
    private long wakeUps;
    private boolean closed;

    /**
     * A timer set: cancel it when its task is no longer wanted.
     */
    final class Timer
    {
        private final Runnable task;
        private final long deadlineNs;
        /** Place in the heap; -1 once the timer has fired or been cancelled. */
        private int index = -1;

        private Timer(final Runnable task, final long deadlineNs)
        {
            this.task = task;
            this.deadlineNs = deadlineNs;
        }

        /**
         * Make sure the task does not run, unless it has begun already.
         *
         * @return true when this cancelled it; false when it had fired or was cancelled before.
         */
        boolean cancel()
        {
            lock.lock();
            try
            {
                if (index < 0)
                {
                    return false;
                }
                removeAt(index);
                return true;
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /**
     * @param threadName of the timer's daemon thread.
     */
    DeadlineTimer(final String threadName)
    {
        this.threadFactory = DaemonThreads.factory(threadName);
    }

    /**
     * @param task    to run on the timer's thread.
     * @param delayNs from now; 0 or less for as soon as possible, and at most about 146 years.
     * @return the timer, to cancel; null when this timer is closed, in which case the task ran at once.
     */
    Timer schedule(final Runnable task, final long delayNs)
    {
        final long deadlineNs = System.nanoTime() + Math.min(Math.max(0, delayNs), MAX_DELAY_NS);
        lock.lock();
        try
        {
            if (!closed)
            {
                final Timer timer = new Timer(task, deadlineNs);
                add(timer);
                if (thread == null)
                {
                    thread = threadFactory.newThread(this::run);
                    thread.start();
                }
                else if (sleeping && deadlineNs - wakeAtNs < 0)
                {
                    earlierTimer.signal();
                }
                return timer;
            }
        }
        finally
        {
            lock.unlock();
        }
        task.run();
        return null;
    }

    /**
     * Stop the thread; timers not yet fired never fire.
     */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            closed = true;
            while (size > 0)
            {
                removeAt(size - 1);
            }
            earlierTimer.signal();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return timers set and neither fired nor cancelled.
     */
    int pending()
    {
        lock.lock();
        try
        {
            return size;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return true while the thread sleeps until its planned wake-up, for tests.
     */
    boolean isSleeping()
    {
        lock.lock();
        try
        {
            return sleeping;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return how many times the thread has woken from a sleep, for tests.
     */
    long wakeUps()
    {
        lock.lock();
        try
        {
            return wakeUps;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void run()
    {
        lock.lock();
        try
        {
            while (!closed)
            {
                final long nowNs = System.nanoTime();
                if (size > 0 && heap[0].deadlineNs - nowNs <= 0)
                {
                    final Timer due = heap[0];
                    removeAt(0);
                    lock.unlock();
                    try
                    {
                        due.task.run();
                    }
                    catch (final RuntimeException | Error ex)
                    {
                        LOG.warn("a timer task failed: task={}", due.task, ex);
                    }
                    finally
                    {
                        // A task that leaves this thread interrupted must not stop the timer for everyone.
                        Thread.interrupted();
                        lock.lock();
                    }
                    continue;
                }
                wakeAtNs = size > 0 ? heap[0].deadlineNs : nowNs + IDLE_SLEEP_NS;
                sleeping = true;
                try
                {
                    earlierTimer.awaitNanos(wakeAtNs - nowNs);
                }
                catch (final InterruptedException ex)
                {
                    // Only close() ends the timer: an interrupt just wakes it to look again.
                    LOG.debug("timer thread interrupted: {}", Thread.currentThread().getName());
                }
                sleeping = false;
                wakeUps++;
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    // The heap: a binary min-heap on deadlines in which each timer knows its index, so cancelling is O(log n).

    private void add(final Timer timer)
    {
        if (size == heap.length)
        {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, timer);
    }

    private void removeAt(final int index)
    {
        final Timer removed = heap[index];
        removed.index = -1;
        final Timer last = heap[--size];
        heap[size] = null;
        if (index == size)
        {
            return;
        }
        siftDown(index, last);
        if (heap[index] == last)
        {
            siftUp(index, last);
        }
    }

    private void siftUp(final int index, final Timer timer)
    {
        int child = index;
        while (child > 0)
        {
            final int parent = (child - 1) >>> 1;
            final Timer above = heap[parent];
            if (timer.deadlineNs - above.deadlineNs >= 0)
            {
                break;
            }
            place(child, above);
            child = parent;
        }
        place(child, timer);
    }

    private void siftDown(final int index, final Timer timer)
    {
        int parent = index;
        while (true)
        {
            int child = 2 * parent + 1;
            if (child >= size)
            {
                break;
            }
            if (child + 1 < size && heap[child + 1].deadlineNs - heap[child].deadlineNs < 0)
            {
                child++;
            }
            if (heap[child].deadlineNs - timer.deadlineNs >= 0)
            {
                break;
            }
            place(parent, heap[child]);
            parent = child;
        }
        place(parent, timer);
    }

    private void place(final int index, final Timer timer)
    {
        heap[index] = timer;
        timer.index = index;
    }
}
