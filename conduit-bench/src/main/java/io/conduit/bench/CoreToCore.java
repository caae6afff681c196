package io.conduit.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what one cache line's round trip between two busy threads costs, a figure every shared-memory result
 * on this machine depends on, and prints it every quarter second, so that changes show: on a VM the host may move
 * the virtual CPUs between physical cores, sharing a cache or not, for seconds at a time.
 * <p>
 * Run it alone on an otherwise idle machine, so that the two threads get a CPU each:
 * {@code java -cp conduit-cli/target/conduit.jar io.conduit.bench.CoreToCore 20} (seconds, default 10). On the
 * 2-core development VM it printed runs of about 100 ns and runs of about 500 ns, switching every few seconds.
 */
public final class CoreToCore
{
    private static final long SAMPLE_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int BATCH = 1_000;

    private CoreToCore()
    {
    }

    /**
     * @param args seconds to run, optional.
     * @throws InterruptedException if interrupted while waiting for the echoing thread.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final long runNs = TimeUnit.SECONDS.toNanos(args.length > 0 ? Long.parseLong(args[0]) : 10);
        // Odd values are pings, even ones their echoes; a negative one stops the echo.
        final AtomicLong line = new AtomicLong();
        final Thread echo = new Thread(() ->
        {
            long value;
            while ((value = line.get()) >= 0)
            {
                if ((value & 1) == 1)
                {
                    line.lazySet(value + 1);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }, "core-to-core-echo");
        echo.setDaemon(true);
        echo.start();

        System.out.print("round trip ns, every 250 ms:");
        final long endNs = System.nanoTime() + runNs;
        long value = 0;
        while (System.nanoTime() < endNs)
        {
            final long startNs = System.nanoTime();
            long trips = 0;
            while (System.nanoTime() - startNs < SAMPLE_NS)
            {
                for (int i = 0; i < BATCH; i++)
                {
                    line.lazySet(value + 1);
                    while (line.get() != value + 2)
                    {
                        Thread.onSpinWait();
                    }
                    value += 2;
                }
                trips += BATCH;
            }
            System.out.printf(Locale.ROOT, " %.0f", (System.nanoTime() - startNs) / (double)trips);
            System.out.flush();
        }
        System.out.println();
        line.set(-1);
        echo.join(1_000);
    }
}
