package io.conduit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.conduit.Conduit;
import io.conduit.ConduitException;
import io.conduit.internal.shm.LogFiles;
import io.conduit.internal.shm.LogSnapshot;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code conduit stat}: what the shared-memory logs of this user look like right now, read without disturbing
 * the processes that use them.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {
        "List this user's shared-memory logs: per endpoint and stream, the tail and the position of every " +
            "publisher and subscriber, how far each subscriber lags, back-pressure, padded gaps, evictions, " +
            "process ids and whether they are alive.",
        "Reads the log files read-only; safe while the processes run."
    })
final class StatCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Directory of the logs (default: the one Conduit uses, from conduit.shm.dir or " +
            "/dev/shm/conduit-<user>).")
    private Path directory;

    @Option(names = "--json", description = "Print one JSON object on the last line.")
    private boolean json;

    @Override
    public Integer call() throws IOException
    {
        final Path dir = directory != null ? directory : new Conduit.Context().conclude().shmDirectory();
        final List<LogSnapshot> snapshots = new ArrayList<>();
        final List<String> unreadable = new ArrayList<>();
        if (Files.isDirectory(dir))
        {
            try (var paths = Files.list(dir))
            {
                for (final Path path : paths.filter(p -> p.toString().endsWith(LogFiles.SUFFIX)).sorted().toList())
                {
                    try
                    {
                        snapshots.add(LogSnapshot.read(path));
                    }
                    catch (final ConduitException | IOException ex)
                    {
                        unreadable.add(ex.getMessage());
                    }
                }
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.println(toJson(dir, snapshots, unreadable));
        }
        else
        {
            print(out, dir, snapshots, unreadable);
        }
        out.flush();
        return 0;
    }

    private static void print(
        final PrintWriter out, final Path dir, final List<LogSnapshot> snapshots, final List<String> unreadable)
    {
        out.println("shared-memory logs in " + dir + ": " + snapshots.size());
        for (final LogSnapshot log : snapshots)
        {
            out.println();
            out.printf("%s  stream %d  capacity %d  tail %d  subscribers %d  padded gaps %d (%d bytes)  " +
                "evictions %d%n", log.path().getFileName(), log.streamId(), log.capacity(), log.tail(),
                log.subscribers(), log.paddedGaps(), log.paddedBytes(), log.evictions());
            out.printf("  %-10s %-8s %8s %-5s %12s %14s %12s %12s %14s %14s%n",
                "role", "state", "pid", "alive", "heartbeat ms", "position", "lag bytes", "messages",
                "back-pressured", "skipped bytes");
            for (final LogSnapshot.Participant p : log.participants())
            {
                // The slot's trouble counter: refused offers for a publisher, bytes lost to evictions for a
                // subscriber.
                final String trouble = Long.toString(p.backPressured());
                out.printf("  %-10s %-8s %8d %-5s %12d %14d %12s %12d %14s %14s%n",
                    p.role(), p.state(), p.pid(), p.alive() ? "yes" : "NO", p.heartbeatAgeMs(), p.position(),
                    isSubscriber(p) ? Long.toString(log.tail() - p.position()) : "-", p.messages(),
                    isSubscriber(p) ? "-" : trouble, isSubscriber(p) ? trouble : "-");
            }
        }
        for (final String problem : unreadable)
        {
            out.println("unreadable: " + problem);
        }
    }

    private static JsonObject toJson(final Path dir, final List<LogSnapshot> snapshots, final List<String> unreadable)
    {
        final List<JsonObject> logs = new ArrayList<>();
        for (final LogSnapshot log : snapshots)
        {
            final List<JsonObject> participants = new ArrayList<>();
            for (final LogSnapshot.Participant p : log.participants())
            {
                final JsonObject participant = new JsonObject()
                    .put("role", p.role())
                    .put("state", p.state())
                    .put("pid", p.pid())
                    .put("alive", p.alive())
                    .put("heartbeatAgeMs", p.heartbeatAgeMs())
                    .put("position", p.position())
                    .put("messages", p.messages());
                if (isSubscriber(p))
                {
                    participant.put("lagBytes", log.tail() - p.position()).put("skippedBytes", p.backPressured());
                }
                else
                {
                    participant.put("sessionId", p.sessionId()).put("backPressured", p.backPressured());
                }
                participants.add(participant);
            }
            logs.add(new JsonObject()
                .put("file", log.path().toString())
                .put("streamId", log.streamId())
                .put("capacity", log.capacity())
                .put("tail", log.tail())
                .put("cleanLimit", log.cleanLimit())
                .put("subscribers", log.subscribers())
                .put("paddedGaps", log.paddedGaps())
                .put("paddedBytes", log.paddedBytes())
                .put("evictions", log.evictions())
                .put("participants", participants));
        }
        final List<JsonObject> problems = new ArrayList<>();
        for (final String problem : unreadable)
        {
            problems.add(new JsonObject().put("error", problem));
        }
        return new JsonObject().put("directory", dir.toString()).put("logs", logs).put("unreadable", problems);
    }

    private static boolean isSubscriber(final LogSnapshot.Participant participant)
    {
        return "subscriber".equals(participant.role());
    }
}
