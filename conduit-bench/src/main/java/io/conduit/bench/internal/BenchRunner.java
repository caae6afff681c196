package io.conduit.bench.internal;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one contender through a scenario: starts the responder, then the initiator with the responder's port,
 * relays ports and stop requests between them, shows progress and collects their results.
 */
public final class BenchRunner
{
    /** Time allowed for a side to start and listen, and beyond warm-up plus duration for the run to end. */
    static final long STARTUP_TIMEOUT_MS = 60_000;
    private static final long POLL_MS = 200;

    private final SideLauncher launcher;
    private final ProgressBar progress;

    /**
     * @param launcher of side processes.
     * @param progress to update while running.
     */
    public BenchRunner(final SideLauncher launcher, final ProgressBar progress)
    {
        this.launcher = launcher;
        this.progress = progress;
    }

    /**
     * @param template of the run, for both roles; a run name unique to this run is added unless it has one.
     * @return the contender's verified figures.
     * @throws IOException           when a side cannot start.
     * @throws InterruptedException  when interrupted.
     * @throws IllegalStateException when a side fails, times out or reports a failed verification.
     */
    public ContenderResult run(final Workload template) throws IOException, InterruptedException
    {
        final Workload workload =
            template.runName().isEmpty() ? template.withRunName(ShmFiles.newRunName()) : template;
        final String label = workload.contender().cliName() + " " + workload.scenario().cliName();
        final BlockingQueue<SideProcess.Event> events = new LinkedBlockingQueue<>();
        progress.update(label, "starting", 0, 0);
        try (SideProcess driver = startMediaDriver(workload, label, events))
        {
            try (SideProcess responder = launcher.start(label + " responder", workload.forRole(false, 0), events))
            {
                final int port = Integer.parseInt(await(events, responder, "port", STARTUP_TIMEOUT_MS).value());
                try (SideProcess initiator =
                    launcher.start(label + " initiator", workload.forRole(true, port), events))
                {
                    return collect(workload, label, events, initiator, responder);
                }
            }
        }
        finally
        {
            progress.finish();
            ShmFiles.deleteRun(workload.runName());
        }
    }

    private SideProcess startMediaDriver(
        final Workload workload,
        final String label,
        final BlockingQueue<SideProcess.Event> events) throws IOException, InterruptedException
    {
        if (!workload.contender().needsMediaDriver())
        {
            return null;
        }
        final long deadlineMs = TimeUnit.NANOSECONDS.toMillis(workload.warmupNs() + workload.durationNs()) +
            3 * STARTUP_TIMEOUT_MS;
        final SideProcess driver = launcher.startMediaDriver(label + " media driver", workload, deadlineMs, events);
        try
        {
            await(events, driver, "ready", STARTUP_TIMEOUT_MS);
            return driver;
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            driver.close();
            throw ex;
        }
    }

    private ContenderResult collect(
        final Workload workload,
        final String label,
        final BlockingQueue<SideProcess.Event> events,
        final SideProcess initiator,
        final SideProcess responder) throws InterruptedException
    {
        final Scenario scenario = workload.scenario();
        final SideProcess measuring = scenario.initiatorMeasures() ? initiator : responder;
        final long deadlineNs = System.nanoTime() + workload.warmupNs() + workload.durationNs() +
            TimeUnit.MILLISECONDS.toNanos(2 * STARTUP_TIMEOUT_MS);
        Map<String, Object> measured = null;
        Map<String, Object> other = scenario.initiatorMeasures() ? Collections.emptyMap() : null;
        String phase = "starting";
        long phaseStartNs = System.nanoTime();
        while (measured == null || other == null)
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw failure("run did not finish in time", initiator, responder);
            }
            final SideProcess.Event event = events.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (event != null)
            {
                switch (event.key())
                {
                    case "port":
                        if (event.source() == initiator)
                        {
                            responder.send(SideChannel.PORT_COMMAND + event.value());
                        }
                        break;
                    case "phase":
                        if (event.source() == measuring)
                        {
                            phase = event.value();
                            phaseStartNs = System.nanoTime();
                            if ("done".equals(phase) && !scenario.initiatorMeasures())
                            {
                                initiator.send(SideChannel.STOP_COMMAND);
                            }
                        }
                        break;
                    case "result":
                        if (event.source() == measuring)
                        {
                            measured = Json.parseObject(event.value());
                        }
                        else
                        {
                            other = Json.parseObject(event.value());
                        }
                        break;
                    case SideProcess.Event.EXITED:
                        throw failure(event.source().name() + " exited early: exitCode=" + event.value(),
                            initiator, responder);
                    default:
                        break;
                }
            }
            final long phaseNs = "warmup".equals(phase) ? workload.warmupNs() :
                "measure".equals(phase) ? workload.durationNs() : 0;
            final double fraction = phaseNs == 0 ? 0 : (double)(System.nanoTime() - phaseStartNs) / phaseNs;
            progress.update(label, phase, fraction, phaseNs / 1e9);
        }
        return ContenderResult.of(scenario, workload.contender(), workload.sizeBytes(), measured, other);
    }

    private static SideProcess.Event await(
        final BlockingQueue<SideProcess.Event> events,
        final SideProcess side,
        final String key,
        final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long remainingNs = deadlineNs - System.nanoTime();
            final SideProcess.Event event = remainingNs > 0 ? events.poll(remainingNs, TimeUnit.NANOSECONDS) : null;
            if (event == null)
            {
                throw failure(side.name() + " did not report " + key + ": timeoutMs=" + timeoutMs, side);
            }
            if (event.source() == side && event.key().equals(key))
            {
                return event;
            }
            if (event.key().equals(SideProcess.Event.EXITED))
            {
                throw failure(event.source().name() + " exited early: exitCode=" + event.value(), side);
            }
        }
    }

    private static IllegalStateException failure(final String what, final SideProcess... sides)
    {
        final StringBuilder message = new StringBuilder(what);
        for (final SideProcess side : sides)
        {
            final String tail = side.stderrTail();
            if (!tail.isEmpty())
            {
                message.append(System.lineSeparator()).append("--- stderr of ").append(side.name())
                    .append(" (pid ").append(side.pid()).append(") ---").append(System.lineSeparator()).append(tail);
            }
        }
        return new IllegalStateException(message.toString());
    }
}
