package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.agent.testing.RecordingHandler;
import io.repobox.runner.config.ChildEnvironment;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bubblewrap and socat: processes started through a job's sandbox, what they see, reach and
 * leave behind. Run by the sandbox profile (.ci/run installs the tools).
 */
class JobSandboxSandboxIT {

    @TempDir
    Path dir;

    Path tempDir;
    Path workspace;
    Path repo;
    Sandbox sandbox;
    JobSandbox job;
    final List<String> notices = Collections.synchronizedList(new ArrayList<>());
    ServerSocket api;

    @BeforeEach
    void setUp() throws Exception {
        tempDir = dir.resolve("work");
        workspace = Files.createDirectories(tempDir.resolve("job-1"));
        repo = Files.createDirectories(workspace.resolve("repo"));
        Files.createDirectories(workspace.resolve("private"));
        Files.writeString(workspace.resolve("private/askpass.sh"), "echo secret-token\n");
        Files.createDirectories(tempDir.resolve("job-2/repo"));
        Files.writeString(tempDir.resolve("job-2/repo/file.txt"), "other job\n");
        api = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serveApi, "stand-in-api");
        t.setDaemon(true);
        t.start();
        sandbox = Sandbox.detect(new SandboxSettings(SandboxSettings.Mode.REQUIRED, SandboxSettings.Network.ALLOWLIST, List.of(),
                64, 512L << 20, 64L << 20, null), tempDir);
        assertThat(sandbox.problem()).isNull();
        job = sandbox.forJob("job-1", workspace, repo, List.of(HostRule.parse("127.0.0.1:" + api.getLocalPort(), "AI_BASE_URL")),
                notices::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        job.close();
        api.close();
    }

    /** A stand-in API: answers every request with one line. */
    private void serveApi() {
        while (!api.isClosed()) {
            try (Socket s = api.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                in.read(buf);
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\napi-reply".getBytes(StandardCharsets.US_ASCII));
            } catch (Exception e) {
                // closed
            }
        }
    }

    private ProcessResult run(RecordingHandler out, String script) throws InterruptedException {
        return job.start(spec(script).build(), out).await();
    }

    private ProcessSpec.Builder spec(String script) {
        return ProcessSpec.builder("/bin/sh", "-c", script).workingDirectory(repo).environment(ChildEnvironment.inherited())
                .timeout(Duration.ofSeconds(60)).gracePeriod(Duration.ofSeconds(1));
    }

    @Test
    void runsConfinedWithAPrivateHomeAndNoCapabilities() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult r = run(out, "id -u; echo $HOME; echo $TMPDIR; grep NoNewPrivs /proc/self/status; grep CapEff /proc/self/status; "
                + "echo hello > in-repo.txt; echo x > $HOME/h; echo y > /tmp/t; ls /proc | grep -c '^[0-9]'");
        assertThat(r.isSuccess()).as(r.describe("sandbox")).isTrue();
        assertThat(out.texts()).startsWith("1000", workspace.resolve("sandbox/home").toString(), workspace.resolve("sandbox/tmp").toString(),
                "NoNewPrivs:\t1", "CapEff:\t0000000000000000");
        assertThat(repo.resolve("in-repo.txt")).hasContent("hello");
        assertThat(workspace.resolve("sandbox/home/h")).exists();
        assertThat(workspace.resolve("sandbox/tmp/t")).exists();
        assertThat(Integer.parseInt(out.texts().get(5))).as("processes visible inside").isLessThan(10);
    }

    @Test
    void seesNothingOfTheJobsPrivateDirectoryOtherJobsOrTheHost() throws Exception {
        RecordingHandler out = new RecordingHandler();
        run(out, "cat ../private/askpass.sh 2>&1; cat " + tempDir.resolve("job-2/repo/file.txt") + " 2>&1; "
                + "echo x > " + tempDir.resolve("job-2/repo/file.txt") + " 2>&1; ls /root /home /opt 2>&1; cat /etc/shadow 2>&1; "
                + "cat /proc/1/environ >/dev/null && echo own-init; echo w > /usr/w 2>&1; true");
        String all = String.join("\n", out.texts());
        assertThat(all).doesNotContain("secret-token", "other job").contains("No such file or directory", "Read-only file system");
        assertThat(tempDir.resolve("job-2/repo/file.txt")).hasContent("other job");
    }

    @Test
    void reachesAnAllowedHostThroughTheProxyAndNothingElse() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult r = run(out, "printf 'GET http://127.0.0.1:" + api.getLocalPort() + "/v1 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' "
                + "| socat - TCP:127.0.0.1:3128; echo; "
                + "printf 'CONNECT example.com:443 HTTP/1.1\\r\\n\\r\\n' | socat - TCP:127.0.0.1:3128 | head -1; "
                + "socat -u OPEN:/dev/null TCP:10.0.0.1:80,connect-timeout=2 2>&1 | tail -1; true");
        assertThat(r.isSuccess()).isTrue();
        String all = String.join("\n", out.texts());
        assertThat(all).contains("api-reply", "HTTP/1.1 403 Forbidden").contains("Network is unreachable");
        assertThat(notices).containsExactly("The sandbox refused a connection to example.com:443: it is not an allowed host. "
                + "To allow it, add it to SANDBOX_ALLOWED_HOSTS or to the environment's allowed_hosts.");
    }

    @Test
    void cancellingStopsEveryProcessEvenDoubleForkedOnesWithoutTheirEnvironment() throws Exception {
        RecordingHandler out = new RecordingHandler();
        Path marker = repo.resolve("alive");
        ProcessExecution e = job.start(spec("(setsid env -i /bin/sh -c 'while true; do date > " + marker + "; sleep 0.2; done' &) ; "
                + "while [ ! -e " + marker + " ]; do sleep 0.05; done; echo started; sleep 600").build(), out);
        out.awaitText("started");
        e.cancel();
        assertThat(e.await(Duration.ofSeconds(30))).isPresent();
        long seen = Files.getLastModifiedTime(marker).toMillis();
        // The namespace is gone with its first process, so nothing writes the marker any more.
        ProcessResult probe = run(new RecordingHandler(), "sleep 1");
        assertThat(probe.isSuccess()).isTrue();
        assertThat(Files.getLastModifiedTime(marker).toMillis()).isEqualTo(seen);
    }

    @Test
    void aHugeFileEndsTheProcessWithAMessageNamingTheSetting() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult r = run(out, "head -c 100000000 /dev/zero > big.bin");
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.describe("Agent")).contains("SANDBOX_MAX_WORKSPACE (64m)");
    }

    @Test
    void manyFilesWithinTheFileLimitThatPassTheWorkspaceLimitStopTheProcessWhileItRuns() throws Exception {
        RecordingHandler out = new RecordingHandler();
        // 8 × 10 MB: each file is within RLIMIT_FSIZE, together they pass 64m; the process would then wait for ever.
        ProcessExecution e = job.start(spec("i=0; while [ $i -lt 8 ]; do head -c 10000000 /dev/zero > f$i; i=$((i+1)); done; "
                + "echo written; sleep 600").build(), out);
        out.awaitText("written");

        ProcessResult r = e.await(Duration.ofSeconds(90)).orElseThrow(() -> new AssertionError("the process did not end"));
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.describe("Agent")).contains("the job's workspace grew past SANDBOX_MAX_WORKSPACE (64m)");
    }

    @Test
    void aForkBombEndsWithAMessageNamingTheSetting() throws Exception {
        RecordingHandler out = new RecordingHandler();
        ProcessResult r = run(out, "i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done; wait");
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.describe("Agent")).contains("SANDBOX_MAX_PROCESSES (64)");
    }

    @Test
    void theProgramMustBeFoundAndWorkInsideTheRepository() throws Exception {
        ProcessResult missing = job.start(ProcessSpec.builder("no-such-agent").workingDirectory(repo)
                .environment(Map.of("PATH", "/usr/bin:/bin")).build(), new RecordingHandler()).await();
        assertThat(missing.describe("Agent")).isEqualTo("Agent could not start: 'no-such-agent' not found on PATH");
        ProcessResult outside = job.start(ProcessSpec.builder("/bin/true").workingDirectory(workspace).build(), new RecordingHandler()).await();
        assertThat(outside.outcome()).isEqualTo(ProcessResult.Outcome.FAILED_TO_START);
    }
}
