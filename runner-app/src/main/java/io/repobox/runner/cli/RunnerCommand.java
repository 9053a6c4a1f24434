package io.repobox.runner.cli;

import io.repobox.agent.AgentConfigException;
import io.repobox.agent.spi.ProviderLookupException;
import io.repobox.runner.config.ConfigurationException;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.text.TerminalText;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code java -jar runner-app.jar COMMAND}: the runner's command line. */
@Command(name = "runner-app", mixinStandardHelpOptions = true, versionProvider = RunnerCommand.Version.class,
        description = "Runs AI coding agents on git repositories and reports the outcome.",
        footer = {"", "Exit codes: 0 success, 1 the agent failed, 2 usage or configuration error, 3 internal error,",
                "4 stopped following (Ctrl-C on --follow; the job goes on), 124 timed out, 130 cancelled."})
public final class RunnerCommand {

    /** The commands, in the order the help lists them (registered in code: see {@link #commandLine(Map, String[])}). */
    private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, RunCommand.class, SubmitCommand.class, LogsCommand.class,
            StatusCommand.class, CancelCommand.class, RetryCommand.class, RunnersCommand.class, AgentsCommand.class, DoctorCommand.class,
            CommandLine.HelpCommand.class);

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with error messages.")
    boolean verbose;

    private final Map<String, String> environment;

    public RunnerCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        if (System.getenv("LOG_LEVEL") == null && System.getProperty("LOG_LEVEL") == null && !List.of(args).contains("serve")) {
            System.setProperty("LOG_LEVEL", "WARN"); // before the first logger: a person's console shows the job's lines
        }
        LogProvider.select();
        // Lettuce records a JFR event per connection when JFR is present; loading JFR costs a short
        // command ~40 ms and nothing here records them. -Dio.lettuce.core.jfr=true (JAVA_OPTS) turns them on.
        if (System.getProperty("io.lettuce.core.jfr") == null) {
            System.setProperty("io.lettuce.core.jfr", "false");
        }
        Warmup.startFor(args, System.getenv());
        Signals.enabled = true;
        int code = commandLine(System.getenv(), args).execute(args);
        Warmup.discard(); // what the warm-up started for a command that ended before taking it (a usage error)
        System.exit(code);
    }

    /** The command line over {@code environment}, with every command: tests pass their own map. */
    public static CommandLine commandLine(Map<String, String> environment) {
        return commandLine(environment, new String[0]);
    }

    /**
     * The command line for {@code args}: when they start with a command's name (other than help), only
     * that command is registered. picocli builds each registered command's model by reflection when the
     * command line is made (all its options, mixins and converters), about half of a short command's start
     * with every command registered; a process that runs one command needs only that one. Anything else
     * (no command, an option first, help, an unknown name) gets every command, for the full help and
     * the "did you mean" hints.
     */
    static CommandLine commandLine(Map<String, String> environment, String[] args) {
        RunnerCommand cli = new RunnerCommand(environment);
        CommandLine commandLine = new CommandLine(cli);
        String first = args.length > 0 ? args[0] : "";
        boolean one = !first.equals("help") && COMMANDS.stream().anyMatch(c -> name(c).equals(first));
        for (Class<?> command : COMMANDS) {
            if (!one || name(command).equals(first)) {
                commandLine.addSubcommand(command);
            }
        }
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean usage = e instanceof ConfigurationException || e instanceof ProviderLookupException
                    || e instanceof AgentConfigException || e instanceof IllegalArgumentException;
            String message = String.valueOf(e.getMessage()).lines().map(l -> TerminalText.sanitize(l, false))
                    .collect(java.util.stream.Collectors.joining("\n"));
            cmd.getErr().println("error: " + message);
            if (cli.verbose) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return usage ? ExitCodes.USAGE : ExitCodes.INTERNAL;
        });
        return commandLine;
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    RunnerConfig config() {
        return RunnerConfig.of(environment);
    }

    /** The console of a command that prints a job: colours only on a terminal and without NO_COLOR. */
    JobConsole console(picocli.CommandLine.Model.CommandSpec spec) {
        return new JobConsole(spec.commandLine().getOut(), spec.commandLine().getErr(),
                TerminalText.colours(environment, System.console() != null));
    }

    Map<String, String> environment() {
        return environment;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"repobox runner " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }

        /** The project version the build wrote into version.properties. */
        static String version() {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = RunnerCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (java.io.IOException e) {
                // reported as unknown below
            }
            return p.getProperty("version", "(unknown version)");
        }
    }
}
