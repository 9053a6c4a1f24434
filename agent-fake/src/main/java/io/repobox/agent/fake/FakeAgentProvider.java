package io.repobox.agent.fake;

import io.repobox.agent.Agent;
import io.repobox.agent.AgentConfig;
import io.repobox.agent.Readiness;
import io.repobox.agent.spi.AgentProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The dry-run agent, provider name {@value #NAME}. Selected explicitly (AI_ENABLED=false or
 * {@code --agent fake}); a missing API key never turns the real agent into this one.
 */
public final class FakeAgentProvider implements AgentProvider {

    public static final String NAME = "fake";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "dry run: no AI; writes a file describing the job and prints scripted output";
    }

    @Override
    public Agent create(AgentConfig config) {
        FakeBehaviour.resolve(config, ""); // validates the configuration now rather than on the first job
        return new FakeAgent(config);
    }

    @Override
    public Readiness readiness(AgentConfig config) {
        if (!Files.isExecutable(Path.of(FakeAgent.SHELL))) {
            return Readiness.notReady("dry run", List.of(FakeAgent.SHELL + " is missing; the fake agent runs its script with it"));
        }
        return Readiness.ready("dry run; no AI, no API key needed");
    }
}
