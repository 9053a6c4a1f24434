package io.repobox.runner.cli;

import io.repobox.agent.AgentProviders;
import io.repobox.agent.Readiness;
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
    RunnerCli parent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        AgentProviders providers = AgentProviders.load();
        String selected = parent.config().agentName();
        if (providers.providers().isEmpty()) {
            out.println("No agent provider is on the classpath.");
        }
        for (AgentProviders.Found found : providers.providers()) {
            Readiness readiness = found.provider().readiness(parent.config().agentConfig(found.name()));
            out.printf("%s%s  %s%n", found.name(), found.name().equals(selected) ? " (selected)" : "",
                    readiness.ready() ? "ready" : "NOT READY");
            out.printf("    %s%n", found.provider().description());
            out.printf("    %s%n", readiness.summary());
            readiness.problems().forEach(p -> out.printf("    - %s%n", p));
            out.printf("    class %s from %s%n", found.className(), found.location());
        }
        providers.problems().forEach(p -> out.println("warning: " + p));
        out.flush();
        return ExitCodes.SUCCESS;
    }
}
