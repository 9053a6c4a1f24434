package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's class-data archive: which command makes it, and when run makes its own. */
class LauncherArchiveIT {

    private static final Path JAR = Path.of("target", "runner-app.jar").toAbsolutePath();
    private static final Path LAUNCHER = Path.of("..", "scripts", "runner-app").toAbsolutePath();

    @TempDir
    Path dir;

    private String launch(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RUNNER_APP_JAR", JAR.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().put("TEMP_DIR", dir.resolve("work").toString());
        pb.environment().remove("REDIS_URL");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private List<String> archives() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("cache").resolve("repobox-runner"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jsa")).sorted().toList();
        }
    }

    @Test
    void runReplacesAnArchiveAnotherCommandMadeOnceAndEveryCommandThenUsesRunsArchive() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo);
        io.repobox.runner.testing.TestGit.git(repo, "init", "-q", "-b", "main");
        io.repobox.runner.testing.TestGit.git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "seed");

        launch("--help");
        launch("run", "--help");
        assertThat(dir.resolve("cache").resolve("repobox-runner")).as("help makes no archive").satisfiesAnyOf(
                d -> assertThat(d).doesNotExist(), d -> assertThat(archives()).isEmpty());

        launch("agents");
        assertThat(archives()).singleElement().asString().matches("runner-app-[0-9-]+\\.jsa");

        launch("run", "--agent", "fake", "--repo", repo.toString(), "archive");
        assertThat(archives()).singleElement().asString().matches("runner-app-[0-9-]+-run\\.jsa");
        String made = archives().get(0);
        long size = Files.size(dir.resolve("cache").resolve("repobox-runner").resolve(made));

        launch("agents");
        launch("run", "--agent", "fake", "--repo", repo.toString(), "archive");
        assertThat(archives()).as("kept: neither agents nor a second run makes another").containsExactly(made);
        assertThat(Files.size(dir.resolve("cache").resolve("repobox-runner").resolve(made))).isEqualTo(size);
    }
}
