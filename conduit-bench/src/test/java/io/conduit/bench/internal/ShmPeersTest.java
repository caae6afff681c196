package io.conduit.bench.internal;

import java.nio.MappedByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each shared-memory system's two sides (and Aeron's media driver) run briefly in their own processes, and the
 * peers leave no file behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShmPeersTest
{
    private static final List<String> SMALL_JVM = List.of("-Xmx64m", "-XX:+UseSerialGC");
    private static final SideLauncher UNPINNED =
        SideLauncher.forThisJvm(SMALL_JVM, new CpuAffinity(false, List.of(0)), Pinning.NONE);

    private static Workload brief(final Scenario scenario, final Contender contender, final int sizeBytes)
    {
        // Yield, not busy-spin: the test shares the machine with the build.
        return new Workload(scenario, contender, false, sizeBytes, scenario.isLatency() ? 1000 : 0,
            TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(300), "yield", 0)
            .withRunName(ShmFiles.newRunName());
    }

    private static ContenderResult run(final Workload workload) throws Exception
    {
        final ContenderResult result = new BenchRunner(UNPINNED, ProgressBar.none()).run(workload);
        assertThat(ShmFiles.deleteRun(workload.runName())).as("files left by the run").isZero();
        return result;
    }

    @Test
    void shouldPingPongThroughARawMappedFile() throws Exception
    {
        final ContenderResult result = run(brief(Scenario.SHM_PINGPONG, Contender.RAW_SHM, 256));

        assertThat((Long)result.figures().get("messages")).isPositive();
        assertThat((Double)result.figures().get("p50Us")).isPositive();
    }

    @Test
    void shouldStreamThroughARawRingAndVerifyEveryMessage() throws Exception
    {
        final ContenderResult result = run(brief(Scenario.SHM_THROUGHPUT, Contender.RAW_SHM, 100));

        assertThat(result.figures()).containsEntry("verified", true);
        assertThat((Long)result.figures().get("msgsPerSec")).isPositive();
    }

    @Test
    void shouldPingPongOverAeronIpcWithItsDriverInAThirdProcess() throws Exception
    {
        final ContenderResult result = run(brief(Scenario.SHM_PINGPONG, Contender.AERON_IPC, 32));

        assertThat((Long)result.figures().get("messages")).isPositive();
    }

    @Test
    void shouldStreamOverAeronIpcReassemblingMessagesLongerThanItsMtu() throws Exception
    {
        final ContenderResult result = run(brief(Scenario.SHM_THROUGHPUT, Contender.AERON_IPC, 4096));

        assertThat(result.figures()).containsEntry("verified", true);
    }

    @Test
    void shouldPingPongAndStreamConduitOverSharedMemoryWithNothingLost() throws Exception
    {
        final ContenderResult pingPong = run(brief(Scenario.SHM_PINGPONG, Contender.CONDUIT, 32));
        final ContenderResult stream = run(brief(Scenario.SHM_THROUGHPUT, Contender.CONDUIT, 4096));

        assertThat((Long)pingPong.figures().get("messages")).isPositive();
        assertThat(pingPong.figures().get("counters")).asString().contains("evictions=0");
        assertThat(stream.figures()).containsEntry("verified", true);
    }

    @Test
    void shouldCreateFilesOnlyTheOwnerCanReadAndDeleteARunsFiles() throws Exception
    {
        final String runName = ShmFiles.newRunName();
        final Path file = ShmFiles.path(runName, "probe");
        final MappedByteBuffer created = ShmFiles.create(file, 4096);
        created.putLong(8, 42);
        Files.createDirectories(ShmFiles.path(runName, "dir").resolve("nested"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(ShmFiles.open(file, 4096).getLong(8)).isEqualTo(42);
        assertThatThrownBy(() -> ShmFiles.open(file, 8192))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("shared-memory file of another layout: file=" + file + ", lengthBytes=4096");
        assertThatThrownBy(() -> ShmFiles.create(file, 4096)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(ShmFiles.deleteRun(runName)).isEqualTo(2);
        assertThat(file).doesNotExist();
    }

    @Test
    void shouldStartTheMediaDriverUnpinnedWithAeronsFlagsAndNoFlagsForConduit()
    {
        final SideLauncher split =
            new SideLauncher("java", "cp", SMALL_JVM, new CpuAffinity(true, List.of(0, 1)), Pinning.SPLIT);
        final Workload aeron = brief(Scenario.SHM_PINGPONG, Contender.AERON_IPC, 32);
        final Workload conduit = brief(Scenario.SHM_PINGPONG, Contender.CONDUIT, 32);

        assertThat(split.mediaDriverCommand(aeron, 1000)).startsWith("java", "-Xmx64m")
            .contains("java.base/jdk.internal.misc=ALL-UNNAMED", AeronDriverMain.class.getName(),
                AeronIpcSide.aeronDirectory(aeron), "1000");
        assertThat(split.command(aeron.forRole(true, 0))).startsWith("taskset", "-c", "0")
            .contains("-Dagrona.disable.bounds.checks=true");
        assertThat(split.command(conduit.forRole(false, 0))).startsWith("taskset", "-c", "1")
            .noneMatch(arg -> arg.startsWith("--add-opens") || arg.startsWith("-Dagrona"));
    }
}
