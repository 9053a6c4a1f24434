package io.repobox.agent.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.testing.TestProcesses;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProcessTreeIT {

    /** An interrupted caller gets the tree stopped at once (SIGKILL, no grace) and keeps its interrupt. */
    @Test
    void anInterruptedStopSkipsTheGracePeriodAndKeepsTheInterrupt() throws Exception {
        String marker = UUID.randomUUID().toString();
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "trap '' TERM; echo up; exec sleep 1000");
        builder.environment().put(ProcessTree.MARKER_VARIABLE, marker);
        Process p = builder.start();
        assertThat(p.getInputStream().read()).isEqualTo('u'); // the trap is in place
        ProcessTree tree = new ProcessTree(p.toHandle(), marker);

        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        int stopped = tree.stop(Duration.ofMinutes(5));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        boolean stillInterrupted = Thread.interrupted();

        assertThat(stopped).isEqualTo(1);
        assertThat(stillInterrupted).isTrue();
        assertThat(took).isLessThan(Duration.ofMinutes(5)); // no grace period was waited for
        p.waitFor();
        assertThat(TestProcesses.isGone(p.pid())).isTrue();
    }
}
