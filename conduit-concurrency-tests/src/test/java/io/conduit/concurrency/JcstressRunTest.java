package io.conduit.concurrency;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.conduit.test.JavaProcess;
import io.conduit.test.JavaProcesses;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs this module's jcstress tests in sanity mode as part of the build; run them longer with
 * {@code java -cp <module classpath> org.openjdk.jcstress.Main -t io.conduit -m default}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class JcstressRunTest
{
    @RegisterExtension
    final JavaProcesses processes = new JavaProcesses();

    @Test
    void shouldPassEveryStressTest()
    {
        final JavaProcess jcstress = processes.start("jcstress", List.of(), org.openjdk.jcstress.Main.class,
            "-t", "io\\.conduit\\.concurrency\\..*", "-m", System.getProperty("jcstress.mode", "sanity"),
            "-r", "target/jcstress-results");
        final int exit = jcstress.awaitExit(Duration.ofMinutes(9));
        System.out.println(jcstress.output());
        assertThat(exit).isZero();
        assertThat(jcstress.output()).containsPattern(Pattern.compile("Results: \\d+ planned; \\d+ passed, 0 failed, " +
            "0 soft errs, 0 hard errs"));
        // jcstress skips a test it cannot schedule (more actors than CPUs) without failing: prove each one ran.
        for (final String test : List.of("LogClaimCommitStressTest", "LogPositionStressTest"))
        {
            assertThat(Path.of("target/jcstress-results/io.conduit.concurrency." + test + ".html")).exists();
        }
    }
}
