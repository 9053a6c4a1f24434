package io.repobox.runner.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attach check, in JVMs started with and without the option that closes it. */
class ProcessExposureIT {

    @TempDir
    Path dir;

    private String runIn(String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void theAttachMechanismIsReportedUnlessDisabled() throws Exception {
        assertThat(runIn()).isEqualTo("attach=true");
        assertThat(runIn("-XX:+DisableAttachMechanism")).isEqualTo("attach=false");
    }

    @Test
    void theLauncherStartsTheRunnerWithAttachOffAndPlainJavaDoesNot() throws Exception {
        Path jar = Path.of("target", "runner-app.jar").toAbsolutePath();
        String viaLauncher = doctor(List.of("sh", Path.of("..", "scripts", "runner-app").toAbsolutePath().toString(), "doctor"), jar);
        String viaJava = doctor(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "doctor"), jar);

        assertThat(viaJava).contains("the JVM accepts attach requests");
        assertThat(viaLauncher).contains("ok    git version").doesNotContain("the JVM accepts attach requests");
    }

    /** What doctor prints (Redis is not there; only its report of the JVM matters here). */
    private String doctor(List<String> command, Path jar) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RUNNER_APP_JAR", jar.toString());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString()); // the launcher's archive, not the user's
        pb.environment().put("REDIS_URL", "redis://127.0.0.1:1");
        pb.environment().put("TEMP_DIR", dir.resolve("work").toString());
        pb.environment().put("SANDBOX", "auto");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @Test
    void ptraceScopeIsReadFromYama() throws Exception {
        assertThat(ProcessExposure.ptraceScope(Files.writeString(dir.resolve("scope"), "1\n"))).isEqualTo("1");
        assertThat(ProcessExposure.ptraceScope(dir.resolve("missing"))).isEmpty();
    }

    /** Prints whether its own JVM accepts attach requests. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("attach=" + ProcessExposure.attachEnabled());
        }
    }
}
