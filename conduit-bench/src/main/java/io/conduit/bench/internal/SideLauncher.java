package io.conduit.bench.internal;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

/**
 * Starts side processes: the running JDK's {@code java} with this JVM's class path (from the CLI jar, a test or
 * {@code mvn exec}), the benchmark's JVM flags plus those the contender needs ({@link Contender#jvmFlags()}) and,
 * when pinned, under {@code taskset -c CPU}. Also starts the media driver process of a contender that needs one,
 * unpinned.
 */
public final class SideLauncher
{
    /** JVM flags of every side process unless overridden: a fixed heap, so that GC sizing is alike for all. */
    public static final String DEFAULT_JVM_FLAGS = "-Xms256m -Xmx256m -XX:+UseParallelGC -XX:+AlwaysPreTouch";

    private final String javaExecutable;
    private final String classPath;
    private final List<String> jvmFlags;
    private final CpuAffinity affinity;
    private final Pinning pinning;

    /**
     * @param javaExecutable to run.
     * @param classPath      of the side processes.
     * @param jvmFlags       of the side processes.
     * @param affinity       of this machine.
     * @param pinning        requested.
     */
    public SideLauncher(
        final String javaExecutable,
        final String classPath,
        final List<String> jvmFlags,
        final CpuAffinity affinity,
        final Pinning pinning)
    {
        this.javaExecutable = javaExecutable;
        this.classPath = classPath;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.affinity = affinity;
        this.pinning = pinning;
    }

    /**
     * @param jvmFlags of the side processes.
     * @param affinity of this machine.
     * @param pinning  requested.
     * @return a launcher of this JVM's {@code java} and class path.
     */
    public static SideLauncher forThisJvm(final List<String> jvmFlags, final CpuAffinity affinity, final Pinning pinning)
    {
        return new SideLauncher(javaExecutable(), classPath(), jvmFlags, affinity, pinning);
    }

    /**
     * @param flags separated by spaces.
     * @return the flags.
     */
    public static List<String> splitFlags(final String flags)
    {
        final List<String> result = new ArrayList<>();
        for (final String flag : flags.trim().split("\\s+"))
        {
            if (!flag.isEmpty())
            {
                result.add(flag);
            }
        }
        return result;
    }

    /**
     * @param workload of the side, with its role.
     * @return the command line that runs it.
     */
    public List<String> command(final Workload workload)
    {
        final List<String> command = new ArrayList<>();
        final int cpu = affinity.cpuFor(pinning, workload.isInitiator());
        if (cpu >= 0)
        {
            command.add("taskset");
            command.add("-c");
            command.add(Integer.toString(cpu));
        }
        command.add(javaExecutable);
        command.addAll(jvmFlags(workload.contender()));
        command.add("-cp");
        command.add(classPath);
        command.add(SideMain.class.getName());
        command.addAll(workload.toArgs());
        return command;
    }

    /**
     * The driver is left unpinned: each side spins on a CPU of its own, and a pinned driver would take its
     * wake-ups (about a thousand a second when idle, a few microseconds each) always from the same side, where
     * unpinned the scheduler puts it on whichever CPU it finds free first.
     *
     * @param workload   of the run, with its run name.
     * @param deadlineMs after which the driver exits by itself.
     * @return the command line that runs the media driver of the workload's contender.
     */
    public List<String> mediaDriverCommand(final Workload workload, final long deadlineMs)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaExecutable);
        command.addAll(jvmFlags(workload.contender()));
        command.add("-cp");
        command.add(classPath);
        command.add(AeronDriverMain.class.getName());
        command.add(AeronIpcSide.aeronDirectory(workload));
        command.add(Long.toString(deadlineMs));
        return command;
    }

    /**
     * @param name       for reports.
     * @param workload   of the run, with its run name.
     * @param deadlineMs after which the driver exits by itself.
     * @param events     queue of the run.
     * @return the running media driver.
     * @throws IOException when it cannot start.
     */
    public SideProcess startMediaDriver(
        final String name,
        final Workload workload,
        final long deadlineMs,
        final BlockingQueue<SideProcess.Event> events) throws IOException
    {
        return SideProcess.start(name, mediaDriverCommand(workload, deadlineMs), events);
    }

    /**
     * @param name     for reports.
     * @param workload of the side, with its role.
     * @param events   queue of the run.
     * @return the running side.
     * @throws IOException when it cannot start.
     */
    public SideProcess start(final String name, final Workload workload, final BlockingQueue<SideProcess.Event> events)
        throws IOException
    {
        return SideProcess.start(name, command(workload), events);
    }

    /**
     * @return the JVM flags of every side process.
     */
    public List<String> jvmFlags()
    {
        return jvmFlags;
    }

    /**
     * @param contender whose processes are meant.
     * @return the JVM flags of its processes: those of every side, then its own.
     */
    public List<String> jvmFlags(final Contender contender)
    {
        final List<String> flags = new ArrayList<>(jvmFlags);
        flags.addAll(contender.jvmFlags());
        return flags;
    }

    private static String javaExecutable()
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java))
        {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Under {@code mvn exec:java} the harness runs in Maven's JVM, whose {@code java.class.path} is Maven's own:
     * the class loader that loaded the harness then knows the real class path.
     */
    private static String classPath()
    {
        final Set<String> entries = new LinkedHashSet<>();
        ClassLoader loader = SideLauncher.class.getClassLoader();
        while (loader instanceof URLClassLoader)
        {
            for (final URL url : ((URLClassLoader)loader).getURLs())
            {
                try
                {
                    if ("file".equals(url.getProtocol()))
                    {
                        entries.add(Path.of(url.toURI()).toString());
                    }
                }
                catch (final URISyntaxException ignore)
                {
                    // Not a local file: cannot be on a child's class path.
                }
            }
            loader = loader.getParent();
        }
        if (entries.isEmpty())
        {
            return System.getProperty("java.class.path");
        }
        return String.join(File.pathSeparator, entries);
    }
}
