package io.conduit.bench.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SideLauncherTest
{
    private static final List<String> SMALL_JVM = List.of("-Xmx64m", "-XX:+UseSerialGC");
    private static final CpuAffinity UNPINNED = new CpuAffinity(false, List.of(0));

    private static Workload brief(final Scenario scenario, final int ratePerSec)
    {
        return new Workload(scenario, Contender.RAW_SOCKET, false, 64, ratePerSec,
            TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(200), "yield", 0);
    }

    /**
     * A warm-up long enough for the first calls, which connect and load classes, to be over on a busy machine.
     */
    private static Workload briefRpc(final Scenario scenario, final Contender contender, final int ratePerSec)
    {
        return new Workload(scenario, contender, false, 64, ratePerSec,
            TimeUnit.MILLISECONDS.toNanos(1500), TimeUnit.MILLISECONDS.toNanos(500), "yield", 0);
    }

    @Test
    void shouldPinWithTasksetWhereAvailableAndFallBackOtherwise()
    {
        final CpuAffinity twoCpus = new CpuAffinity(true, List.of(2, 3));
        final SideLauncher split = new SideLauncher("java", "cp", SMALL_JVM, twoCpus, Pinning.SPLIT);
        final Workload workload = brief(Scenario.TCP_PINGPONG, 1000);

        assertThat(split.command(workload.forRole(true, 5))).startsWith("taskset", "-c", "2", "java", "-Xmx64m");
        assertThat(split.command(workload.forRole(false, 0))).startsWith("taskset", "-c", "3", "java");
        assertThat(split.command(workload)).contains(SideMain.class.getName(), "scenario=tcp-pingpong", "role=responder");
        assertThat(new CpuAffinity(true, List.of(0)).describe(Pinning.SPLIT))
            .isEqualTo("same (initiator CPU 0, responder CPU 0) [requested split: one CPU allowed]");
        assertThat(new CpuAffinity(false, List.of(0, 1)).describe(Pinning.SAME))
            .isEqualTo("none [requested same: taskset not found]");
        assertThat(new SideLauncher("java", "cp", SMALL_JVM, UNPINNED, Pinning.SAME).command(workload))
            .first().isEqualTo("java");
        assertThat(CpuAffinity.parseCpuList("0-2,5")).containsExactly(0, 1, 2, 5);
    }

    @Test
    void shouldRunBothSidesOfAPingPongInTheirOwnProcesses() throws Exception
    {
        final SideLauncher launcher = SideLauncher.forThisJvm(SMALL_JVM, UNPINNED, Pinning.NONE);

        final ContenderResult result =
            new BenchRunner(launcher, ProgressBar.none()).run(brief(Scenario.TCP_PINGPONG, 1000));

        assertThat((Long)result.figures().get("messages")).isPositive();
        assertThat((Double)result.figures().get("p50Us")).isPositive();
        assertThat(result.histogram().getTotalCount()).isPositive();
    }

    @Test
    void shouldStreamAndVerifyEveryMessageAcrossProcesses() throws Exception
    {
        final SideLauncher launcher = SideLauncher.forThisJvm(SMALL_JVM, UNPINNED, Pinning.NONE);

        final ContenderResult result =
            new BenchRunner(launcher, ProgressBar.none()).run(brief(Scenario.TCP_THROUGHPUT, 0));

        assertThat(result.figures()).containsEntry("verified", true);
        assertThat((Long)result.figures().get("msgsPerSec")).isPositive();
    }

    @ParameterizedTest
    @EnumSource(value = Contender.class, names = {"CONDUIT", "GRPC"})
    void shouldCallAnEchoServerInAnotherProcessOneCallAtATimeAndManyInFlight(final Contender contender)
        throws Exception
    {
        final BenchRunner runner =
            new BenchRunner(SideLauncher.forThisJvm(SMALL_JVM, UNPINNED, Pinning.NONE), ProgressBar.none());

        final ContenderResult latency = runner.run(briefRpc(Scenario.RPC_LATENCY, contender, 500));
        final ContenderResult throughput = runner.run(briefRpc(Scenario.RPC_THROUGHPUT, contender, 0));

        assertThat((Long)latency.figures().get("messages")).isPositive();
        assertThat((Double)latency.figures().get("p50Us")).isPositive();
        assertThat((Long)throughput.figures().get("msgsPerSec")).isPositive();
        assertThat(throughput.figures()).containsEntry("errors", 0L).containsEntry("callsInFlight", 64L);
        assertThat(throughput.histogram().getTotalCount()).isPositive();
    }

    @Test
    void shouldReportASideThatCannotStartWithItsStderr()
    {
        final SideLauncher launcher =
            SideLauncher.forThisJvm(List.of("-XX:+NoSuchFlagForConduitBench"), UNPINNED, Pinning.NONE);

        assertThatThrownBy(() -> new BenchRunner(launcher, ProgressBar.none()).run(brief(Scenario.TCP_PINGPONG, 1000)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("exited early: exitCode=1");
    }
}
