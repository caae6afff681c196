package io.conduit.bench.internal;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScenarioTest
{
    @Test
    void shouldSpinOnACpuPerSideOverSharedMemoryAndKeepTheTcpDefaults()
    {
        assertThat(Scenario.fromCliName("shm-pingpong")).isEqualTo(Scenario.SHM_PINGPONG);
        assertThat(Scenario.SHM_PINGPONG.isLatency()).isTrue();
        assertThat(Scenario.SHM_THROUGHPUT.isLatency()).isFalse();
        assertThat(Scenario.SHM_PINGPONG.defaultPinning()).isEqualTo(Pinning.SPLIT);
        assertThat(Scenario.SHM_THROUGHPUT.defaultPinning()).isEqualTo(Pinning.SPLIT);
        assertThat(Scenario.SHM_PINGPONG.defaultIdle()).isEqualTo("busy-spin");
        assertThat(Scenario.SHM_THROUGHPUT.defaultIdle()).isEqualTo("busy-spin");
        assertThat(Scenario.TCP_PINGPONG.defaultPinning()).isEqualTo(Pinning.SAME);
        assertThat(Scenario.TCP_PINGPONG.defaultIdle()).isEqualTo("poller");
        assertThat(Scenario.TCP_THROUGHPUT.defaultPinning()).isEqualTo(Pinning.SPLIT);
        assertThat(Scenario.TCP_THROUGHPUT.defaultIdle()).isEqualTo("block");
        assertThat(Scenario.SHM_PINGPONG.defaultRatePerSec(2000)).isEqualTo(10_000);
        assertThat(Scenario.TCP_PINGPONG.defaultRatePerSec(2000)).isEqualTo(2000);
    }

    @Test
    void shouldMatchPeersToTheirTransportAndGiveOnlyAeronItsFlagsAndDriver()
    {
        assertThat(Contender.CONDUIT.supports(Scenario.SHM_THROUGHPUT)).isTrue();
        assertThat(Contender.CONDUIT.supports(Scenario.TCP_PINGPONG)).isTrue();
        assertThat(Contender.AERON_IPC.supports(Scenario.TCP_PINGPONG)).isFalse();
        assertThat(Contender.RAW_SOCKET.supports(Scenario.SHM_PINGPONG)).isFalse();
        assertThat(Contender.RAW_SOCKET.supports(Scenario.RPC_LATENCY)).isTrue();
        assertThat(Contender.RAW_SOCKET.supports(Scenario.RPC_THROUGHPUT)).isFalse();
        assertThat(Contender.RAW_SOCKET.supports(Scenario.RPC_SHM_LATENCY)).isFalse();
        assertThat(Contender.peerNames(Scenario.RPC_LATENCY)).isEqualTo("raw-socket, grpc");
        assertThat(Contender.peerNames(Scenario.RPC_THROUGHPUT)).isEqualTo("grpc");
        assertThat(Contender.peerNames(Scenario.SHM_PINGPONG)).isEqualTo("aeron-ipc, raw-shm");
        assertThat(Contender.AERON_IPC.jvmFlags())
            .containsSubsequence("--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED")
            .contains("-Dagrona.disable.bounds.checks=true");
        assertThat(Contender.CONDUIT.jvmFlags()).isEmpty();
        assertThat(Contender.RAW_SHM.jvmFlags()).isEmpty();
        assertThat(Contender.AERON_IPC.needsMediaDriver()).isTrue();
        assertThat(Contender.CONDUIT.needsMediaDriver()).isFalse();
    }

    @Test
    void shouldCarryTheRunNameToTheSidesAndRejectOneUnfitForAFileName()
    {
        final Workload workload = new Workload(Scenario.SHM_PINGPONG, Contender.RAW_SHM, false, 32, 1000,
            1_000_000, 2_000_000, "busy-spin", 0).withRunName("cb42-run-1");

        final Workload parsed = Workload.fromArgs(workload.forRole(true, 0).toArgs().toArray(new String[0]));

        assertThat(parsed.runName()).isEqualTo("cb42-run-1");
        assertThat(parsed.isInitiator()).isTrue();
        assertThat(parsed.scenario()).isEqualTo(Scenario.SHM_PINGPONG);
        assertThat(ConduitSide.uri(parsed, 0)).isEqualTo("shm:cb42-run-1");
        assertThat(ConduitSide.subscriptionUri(parsed)).isEqualTo("shm:cb42-run-1?idle=busy-spin");
        assertThatThrownBy(() -> workload.withRunName("../etc"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("invalid run name: runName=../etc");
    }

    @Test
    void shouldWarnWhenOtherWorkLeavesTheSpinnersLessThanACpuEach()
    {
        assertThat(MachineInfo.busyWarning(0.3, 2, 2)).isNull();
        assertThat(MachineInfo.busyWarning(null, 2, 2)).isNull();
        assertThat(MachineInfo.busyWarning(3.5, 8, 2)).isNull();
        assertThat(MachineInfo.busyWarning(7.2, 2, 2)).startsWith("machine busy: loadAverage=7.2, cores=2");
    }

    @Test
    void shouldSizeTheRawRingInPowerOfTwoSlotsOfAlignedMessages()
    {
        assertThat(RawShmSide.ringSlotBytes(32)).isEqualTo(32);
        assertThat(RawShmSide.ringSlotBytes(100)).isEqualTo(104);
        assertThat(RawShmSide.slotCount(32)).isEqualTo(RawShmSide.RING_BYTES / 32);
        assertThat(Integer.bitCount(RawShmSide.slotCount(100))).isEqualTo(1);
        assertThat(RawShmSide.slotCount(100) * 104).isLessThanOrEqualTo(RawShmSide.RING_BYTES);
        assertThat(RawShmSide.slotCount(Workload.MAX_SIZE_BYTES)).isEqualTo(2);
    }
}
