package io.repobox.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.AgentConfig;
import io.repobox.agent.AgentRequest;
import io.repobox.agent.AgentResult;
import io.repobox.agent.AgentResult.Outcome;
import io.repobox.agent.Readiness;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.EnvironmentPolicy;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.testing.RecordingHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared part of every CLI provider, run with a stub CLI written as a shell script. */
class CliAgentIT {

    private static final String KEY = "sk-echo-0123456789";
    private static final CliTool TOOL = new CliTool("echo", "Echo CLI", "npm install -g echo-cli");

    @TempDir
    Path dir;
    private Path stub;
    private Path repo;

    /** A provider's settings: the CLI, its minimum version and its key. */
    record EchoSettings(String cliPath, String minVersion, String apiKey) implements CliSettings {
        @Override
        public Duration gracePeriod() {
            return Duration.ofSeconds(2);
        }

        @Override
        public int maxLineBytes() {
            return 4096;
        }
    }

    /** A provider as small as one can be: everything else is CliAgent's. */
    static final class EchoAgent extends CliAgent<EchoSettings> {
        Path lastState;

        EchoAgent(AgentConfig config) {
            super(TOOL, config);
        }

        @Override
        protected EchoSettings settings(Map<String, String> options) {
            AgentConfig c = config().with(options);
            return new EchoSettings(c.getString("cli-path", "echo-cli"), c.getString("min-version", "1.0.0"), c.getString("api-key", null));
        }

        @Override
        protected String refusal(EchoSettings settings) {
            return settings.apiKey() == null ? "the Echo CLI has no API key; set api-key" : null;
        }

        @Override
        protected boolean keepsState() {
            return true;
        }

        @Override
        protected Map<String, String> environment(EchoSettings settings, AgentRequest request, StateDirectory state, Map<String, String> base) {
            Map<String, String> env = new LinkedHashMap<>(base);
            env.putAll(request.environment());
            env.put("ECHO_KEY", settings.apiKey());
            env.put("ECHO_STATE", state.path().toString());
            lastState = state.path();
            return env;
        }

        @Override
        protected List<String> command(EchoSettings settings, AgentRequest request) {
            return List.of(settings.cliPath());
        }

        @Override
        protected Collection<String> secrets(EchoSettings settings) {
            return List.of(settings.apiKey());
        }

        @Override
        protected Run run(EchoSettings settings, AgentRequest request, OutputSink sink, String version) {
            return new Run() {
                @Override
                public void onLine(OutputLine.Stream stream, String text, long timestamp) {
                    sink.accept(new OutputLine(timestamp, stream, OutputLine.Source.AGENT, text));
                }

                @Override
                public AgentResult outcome(ProcessResult p) {
                    Optional<AgentResult> unfinished = unfinished(p, Map.of("version", version));
                    if (unfinished.isPresent()) {
                        return unfinished.get();
                    }
                    return p.isSuccess() ? AgentResult.succeeded("done with " + KEY, p.duration(), Map.of("version", version))
                            : AgentResult.failed(p.exitCode().orElse(-1), "failed: " + lastStderrLines(p, line -> true), p.duration(), Map.of());
                }
            };
        }
    }

    @BeforeEach
    void stubCli() throws IOException {
        repo = Files.createDirectories(dir.resolve("work/repo"));
        stub = dir.resolve("echo-cli");
        Files.writeString(stub, """
                #!/bin/sh
                if [ "$1" = "--version" ]; then echo "echo-cli 1.2.3"; exit 0; fi
                eval "seen=\\${${CHECK:-PATH}:-none}"
                echo "key=$ECHO_KEY ${CHECK:-PATH}=$seen state-is-dir=$([ -d "$ECHO_STATE" ] && echo yes)"
                while read -r line || [ -n "$line" ]; do echo "prompt: $line"; done
                if [ -n "$FAIL" ]; then echo "it broke: $ECHO_KEY" >&2; exit 3; fi
                """);
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
    }

    private EchoAgent agent(EnvironmentPolicy policy, String... keyValues) {
        Map<String, String> values = new LinkedHashMap<>(Map.of("cli-path", stub.toString(), "api-key", KEY));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return new EchoAgent(AgentConfig.of(values).withEnvironmentPolicy(policy));
    }

    private AgentResult run(EchoAgent agent, RecordingHandler sink, Map<String, String> environment) throws InterruptedException {
        AgentRequest request = AgentRequest.builder("job-1", repo).prompt("hello there").environment(environment)
                .timeout(Duration.ofSeconds(30)).build();
        return agent.start(request, sink).await(RecordingHandler.SAFETY_NET).orElseThrow();
    }

    @Test
    void runsTheCliWithThePromptOnStdinAndItsKeyInItsEnvironmentMaskedInEveryLineAndTheMessage() throws Exception {
        RecordingHandler sink = new RecordingHandler();
        EchoAgent agent = agent(EnvironmentPolicy.secretsWithheld());

        AgentResult result = run(agent, sink, Map.of());

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.message()).isEqualTo("done with " + SecretMasker.MASK);
        assertThat(result.details()).containsEntry("version", "1.2.3");
        assertThat(sink.texts()).hasSize(2).endsWith("prompt: hello there");
        assertThat(sink.texts().get(0)).startsWith("key=" + SecretMasker.MASK + " PATH=/").endsWith("state-is-dir=yes");
        assertThat(agent.lastState).as("the state made for the request is removed with it").doesNotExist();
    }

    @Test
    void startsTheCliFromTheHostsEnvironmentWithoutWhatTheCallerWithholds() throws Exception {
        String name = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().matches("[A-Z][A-Z0-9_]*") && e.getValue().matches("[A-Za-z0-9/._:-]+"))
                .filter(e -> !List.of("PATH", "PWD", "OLDPWD", "SHLVL", "IFS", "PS1", "PS2", "PS4", "OPTIND").contains(e.getKey()))
                .filter(e -> !EnvironmentPolicy.secretsWithheld().withholds(e.getKey()))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("the test needs one plain variable in its environment"));
        RecordingHandler kept = new RecordingHandler();
        RecordingHandler withheld = new RecordingHandler();

        run(agent(EnvironmentPolicy.secretsWithheld()), kept, Map.of("CHECK", name));
        run(agent(EnvironmentPolicy.secretsWithheld().withholding(name)), withheld, Map.of("CHECK", name));

        assertThat(kept.texts().get(0)).contains(" " + name + "=" + System.getenv(name) + " ");
        assertThat(withheld.texts().get(0)).contains(" " + name + "=none ");
    }

    @Test
    void aFailureQuotesStderrWithTheKeyMasked() throws Exception {
        AgentResult result = run(agent(EnvironmentPolicy.secretsWithheld()), new RecordingHandler(), Map.of("FAIL", "1"));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.message()).isEqualTo("failed: it broke: " + SecretMasker.MASK);
    }

    @Test
    void saysWhatToDoWhenTheCliIsMissingTooOldOrHasNoKey() throws Exception {
        assertThat(run(agent(EnvironmentPolicy.secretsWithheld(), "cli-path", "no-such-echo-cli"), new RecordingHandler(), Map.of()).message())
                .isEqualTo("Agent could not start: 'no-such-echo-cli' not found on PATH (install it with 'npm install -g echo-cli', or set 'cli-path')");
        assertThat(run(agent(EnvironmentPolicy.secretsWithheld(), "min-version", "9.0.0"), new RecordingHandler(), Map.of()).message())
                .isEqualTo("Agent could not start: echo 1.2.3 at " + stub + " is older than the supported minimum 9.0.0; "
                        + "upgrade it with 'npm install -g echo-cli'");
        EchoAgent named = new EchoAgent(AgentConfig.of(Map.of("cli-path", "no-such-echo-cli", "api-key", KEY))
                .withSettingNames(Map.of("cli-path", "AI_CLI_PATH")));
        assertThat(run(named, new RecordingHandler(), Map.of()).message()).as("the caller's name for the setting")
                .endsWith("(install it with 'npm install -g echo-cli', or set AI_CLI_PATH)");
        EchoAgent keyless = new EchoAgent(AgentConfig.of(Map.of("cli-path", stub.toString())));
        AgentResult refused = run(keyless, new RecordingHandler(), Map.of());
        assertThat(refused.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
        assertThat(refused.message()).isEqualTo("Agent could not start: the Echo CLI has no API key; set api-key");
    }

    @Test
    void readinessReportsTheCliItsVersionAndTheProvidersFindings() {
        AgentConfig config = AgentConfig.of(Map.of("cli-path", stub.toString()));
        EchoSettings settings = new EchoSettings(stub.toString(), "1.0.0", null);

        Readiness ready = CliCheck.readiness(TOOL, settings, config, "API key set", "; model API x", List.of());
        Readiness missing = CliCheck.readiness(TOOL, new EchoSettings("no-such-echo-cli", "1.0.0", null), config, "no key", "",
                List.of("set api-key"));

        assertThat(ready.ready()).isTrue();
        assertThat(ready.summary()).isEqualTo("echo 1.2.3 at " + stub + "; API key set; model API x");
        assertThat(missing.ready()).isFalse();
        assertThat(missing.summary()).isEqualTo("Echo CLI not found; no key");
        assertThat(missing.problems()).containsExactly("set api-key",
                "'no-such-echo-cli' not found on PATH (install it with 'npm install -g echo-cli', or set 'cli-path')");
    }
}
