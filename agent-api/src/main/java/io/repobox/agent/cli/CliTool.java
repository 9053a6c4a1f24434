package io.repobox.agent.cli;

import io.repobox.agent.AgentConfig;
import java.util.Objects;

/**
 * A coding-agent CLI as messages name it.
 *
 * @param command        the program's usual name, used in version messages ({@code codex})
 * @param title          what people call it ({@code Codex CLI})
 * @param installCommand how it is installed ({@code npm install -g @openai/codex}), quoted in hints
 */
public record CliTool(String command, String title, String installCommand) {

    public CliTool {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(installCommand, "installCommand");
    }

    /** What to do when the CLI is not found, naming the {@code cli-path} setting as {@code config}'s caller calls it. */
    public String installHint(AgentConfig config) {
        return "install it with '" + installCommand + "', or set " + config.settingName("cli-path");
    }

    /** What to do when the CLI is older than the provider supports. */
    public String upgradeHint() {
        return "upgrade it with '" + installCommand + "'";
    }
}
