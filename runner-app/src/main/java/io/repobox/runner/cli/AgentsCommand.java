package io.repobox.runner.cli;

import io.repobox.agent.Readiness;
import io.repobox.agent.spi.AgentProviders;
import io.repobox.runner.sandbox.Sandbox;
import io.repobox.runner.sandbox.SandboxSettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code agents}: the providers on the classpath and whether each can run here. */
@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "List the agent providers on the classpath and whether each can run here.")
final class AgentsCommand implements Callable<Integer> {

    @ParentCommand
    RunnerCommand parent;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Option(names = "--json", description = "Print the providers as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AgentProviders providers = AgentProviders.load();
        var config = parent.config();
        String selected = config.agentName();
        if (json) {
            java.util.List<java.util.Map<String, Object>> list = new java.util.ArrayList<>();
            for (AgentProviders.Found found : providers.providers()) {
                Readiness readiness = found.provider().readiness(config.agentConfig(found.name()));
                java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
                p.put("name", found.name());
                p.put("selected", found.name().equals(selected));
                p.put("ready", readiness.ready());
                p.put("description", found.provider().description());
                p.put("summary", readiness.summary());
                p.put("problems", readiness.problems());
                p.put("class", found.className());
                p.put("location", String.valueOf(found.location()));
                list.add(p);
            }
            out.println(Json.write(java.util.Map.of("providers", list, "warnings", providers.problems())));
            out.flush();
            return ExitCodes.SUCCESS;
        }
        if (providers.providers().isEmpty()) {
            out.println("No agent provider is on the classpath.");
        }
        for (AgentProviders.Found found : providers.providers()) {
            Readiness readiness = found.provider().readiness(config.agentConfig(found.name()));
            out.printf("%s%s  %s%n", found.name(), found.name().equals(selected) ? " (selected)" : "",
                    readiness.ready() ? "ready" : "NOT READY");
            out.printf("    %s%n", found.provider().description());
            out.printf("    %s%n", readiness.summary());
            readiness.problems().forEach(p -> out.printf("    - %s%n", p));
            out.printf("    class %s from %s%n", found.className(), found.location());
        }
        providers.problems().forEach(p -> out.println("warning: " + p));
        Sandbox sandbox = Sandbox.detect(SandboxSettings.from(parent.config(), SandboxSettings.Mode.REQUIRED), parent.config().tempDir());
        out.printf("sandbox  %s%n    %s%n", sandbox.enabled() ? "ready" : "NOT READY", sandbox.describe());
        out.flush();
        return ExitCodes.SUCCESS;
    }
}
