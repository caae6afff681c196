package io.conduit.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaProcessTest
{
    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    /**
     * The child: prints its argument and a system property, counts on stderr, then waits to be killed.
     */
    public static final class CountingMain
    {
        public static void main(final String[] args) throws InterruptedException
        {
            System.out.println("HELLO arg=" + args[0] + " prop=" + System.getProperty("test.prop"));
            for (int i = 1; i <= 3; i++)
            {
                System.err.println("COUNT " + i);
            }
            if (args.length > 1)
            {
                System.exit(Integer.parseInt(args[1]));
            }
            Thread.sleep(60_000);
        }
    }

    @Test
    void shouldRunMainInSeparateJvmAndCaptureBothStreams()
    {
        final JavaProcess child = processes.start("child", List.of("-Dtest.prop=x"), CountingMain.class, "a1");

        final Matcher hello = child.awaitLine(Pattern.compile("HELLO arg=(\\S+) prop=(\\S+)"), Duration.ofSeconds(20));
        child.awaitLine(Pattern.compile("COUNT 3"), Duration.ofSeconds(5));

        assertThat(hello.group(1)).isEqualTo("a1");
        assertThat(hello.group(2)).isEqualTo("x");
        assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(child.lastLine(Pattern.compile("COUNT (\\d)")).group(1)).isEqualTo("3");
    }

    @Test
    void shouldKillWithSigkill()
    {
        final JavaProcess child = processes.start("victim", List.of(), CountingMain.class, "k");
        child.awaitLine(Pattern.compile("HELLO"), Duration.ofSeconds(20));

        child.kill();

        assertThat(child.isAlive()).isFalse();
        assertThat(child.awaitExit(Duration.ofSeconds(5))).isEqualTo(137);
    }

    @Test
    void shouldReportExitCode()
    {
        final JavaProcess child = processes.start("exiter", List.of(), CountingMain.class, "e", "3");

        assertThat(child.awaitExit(Duration.ofSeconds(20))).isEqualTo(3);
    }

    @Test
    void shouldFailWaitingForLineThatNeverComesWithTheOutput()
    {
        final JavaProcess child = processes.start("quiet", List.of(), CountingMain.class, "q");
        child.awaitLine(Pattern.compile("COUNT 3"), Duration.ofSeconds(20));

        assertThatThrownBy(() -> child.awaitLine(Pattern.compile("NEVER"), Duration.ofMillis(200)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("COUNT 3");
    }
}
