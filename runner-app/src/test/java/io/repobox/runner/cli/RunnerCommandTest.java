package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line a process builds: only the command it runs when the arguments name one, all of them otherwise. */
class RunnerCommandTest {

    private static final List<String> ALL = List.of("serve", "run", "submit", "logs", "status", "cancel", "retry", "runners", "agents",
            "doctor", "help");

    private static List<String> registered(String... args) {
        return List.copyOf(RunnerCommand.commandLine(Map.of(), args).getSubcommands().keySet());
    }

    @Test
    void argumentsThatNameACommandRegisterOnlyThatOne() {
        assertThat(registered("status", "some-id")).containsExactly("status");
        assertThat(registered("run", "--help")).containsExactly("run");
        assertThat(registered("doctor")).containsExactly("doctor");
    }

    @Test
    void anythingElseRegistersEveryCommandInTheHelpsOrder() {
        assertThat(registered()).containsExactlyElementsOf(ALL);
        assertThat(registered("--help")).containsExactlyElementsOf(ALL);
        assertThat(registered("--verbose", "status", "x")).containsExactlyElementsOf(ALL);
        assertThat(registered("help", "run")).as("help names another command").containsExactlyElementsOf(ALL);
        assertThat(registered("stat")).as("an unknown name gets the did-you-mean hint").containsExactlyElementsOf(ALL);
        assertThat(RunnerCommand.commandLine(Map.of()).getSubcommands().keySet()).containsExactlyElementsOf(ALL);
    }

    @Test
    void aCommandAloneHasTheSameModelAsAmongAll() {
        for (String name : ALL) {
            CommandLine alone = RunnerCommand.commandLine(Map.of(), new String[] {name}).getSubcommands().get(name);
            CommandLine amongAll = RunnerCommand.commandLine(Map.of()).getSubcommands().get(name);
            assertThat(alone.getUsageMessage(CommandLine.Help.Ansi.OFF)).as(name).isEqualTo(amongAll.getUsageMessage(CommandLine.Help.Ansi.OFF));
            assertThat(alone.getCommandSpec().qualifiedName()).isEqualTo("runner-app " + name);
        }
    }
}
