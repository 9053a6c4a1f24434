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
    void theLauncherScriptDisablesIt() throws Exception {
        Path launcher = Path.of("..", "scripts", "repobox");
        assertThat(Files.readString(launcher)).contains("-XX:+DisableAttachMechanism", "ulimit -c 0");
        assertThat(Files.isExecutable(launcher)).isTrue();
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
