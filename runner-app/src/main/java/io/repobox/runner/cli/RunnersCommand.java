package io.repobox.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.repobox.agent.output.Durations;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.ops.Heartbeat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code runners}: the live runners, from their heartbeat keys. */
@Command(name = "runners", mixinStandardHelpOptions = true,
        description = {"List the live runners from their heartbeats (runner:{id}:heartbeat): id, host, version, provider,",
                "jobs running, when each started and last beat. A runner that stopped is gone at once; one that died, within 15s."})
final class RunnersCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--json", description = "Print a JSON array (times in epoch milliseconds, as in Redis).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RunnerConfig config = options.apply(parent.environment());
        List<Heartbeat.Beat> beats;
        try (RedisSession session = RedisSession.open(config)) {
            beats = Heartbeat.list(session.connection);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = beats.stream().map(RunnersCommand::row).toList();
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
        } else if (beats.isEmpty()) {
            out.println("No runner is alive: no heartbeat key in Redis.");
        } else {
            print(beats, out, System.currentTimeMillis());
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }

    private static Map<String, Object> row(Heartbeat.Beat b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("host", b.host());
        m.put("version", b.version());
        m.put("provider", b.provider());
        m.put("jobs_running", b.jobsRunning());
        m.put("max_jobs", b.maxJobs());
        m.put("started_at", b.startedAt());
        m.put("last_beat_at", b.lastBeatAt());
        return m;
    }

    static void print(List<Heartbeat.Beat> beats, PrintWriter out, long now) {
        String format = "%-" + width(beats.stream().map(Heartbeat.Beat::id).toList(), "ID") + "s  %-"
                + width(beats.stream().map(Heartbeat.Beat::host).toList(), "HOST") + "s  %-"
                + width(beats.stream().map(Heartbeat.Beat::version).toList(), "VERSION") + "s  %-"
                + width(beats.stream().map(Heartbeat.Beat::provider).toList(), "PROVIDER") + "s  %-7s  %-20s  %s%n";
        out.printf(format, "ID", "HOST", "VERSION", "PROVIDER", "JOBS", "STARTED", "LAST BEAT");
        for (Heartbeat.Beat b : beats) {
            out.printf(format, b.id(), b.host(), b.version(), b.provider(), b.jobsRunning() + "/" + b.maxJobs(),
                    TIME.format(Instant.ofEpochMilli(b.startedAt())),
                    Durations.format(Duration.ofMillis(Math.max(0, now - b.lastBeatAt()))) + " ago");
        }
    }

    private static int width(List<String> values, String header) {
        return Math.max(header.length(), values.stream().mapToInt(String::length).max().orElse(0));
    }
}
