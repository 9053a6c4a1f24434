package io.repobox.agent;

import io.repobox.agent.output.SecretMasker;
import io.repobox.agent.process.ProcessLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an agent is asked to do. Immutable; build one with {@link #builder(String, Path)}.
 *
 * <p>Requests are how the SPI grows: new fields arrive with defaults, so providers written
 * against an older version keep working.
 *
 * @param jobId            the job's id; never null (used to name the execution in logs and messages)
 * @param workingDirectory the repository root the agent runs in; never null
 * @param prompt           the user's prompt, any length, any characters; never null
 * @param environmentName  the runtime environment's name ({@code default}, {@code node}, ...); never null
 * @param timeout          how long the agent may run before its process tree is stopped; positive
 * @param idleTimeout      how long the agent may print nothing (stdout or stderr) before its process
 *                         tree is stopped as hung ({@link AgentResult.Outcome#IDLE}); positive, or
 *                         null (the default) for no limit. Providers pass it to every process they start.
 * @param environment      variables added to the agent's environment, on top of the host's without
 *                         what the agent's {@link AgentConfig#environmentPolicy()} withholds; never null
 * @param options          provider-specific options for this request, overriding the provider's
 *                         configuration (for example {@code model}); never null
 * @param secrets          values to mask in every line of output and in the result message
 *                         (git tokens, the API key); never null, never printed by {@link #toString()}
 * @param launcher         starts the agent's processes (directly, or inside the caller's sandbox);
 *                         providers start every process of the request through it; never null
 */
public record AgentRequest(String jobId, Path workingDirectory, String prompt, String environmentName,
                           Duration timeout, Duration idleTimeout, Map<String, String> environment, Map<String, String> options,
                           Set<String> secrets, ProcessLauncher launcher) {

    /** The timeout used when none is given: 30 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1800);

    public AgentRequest {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(environmentName, "environmentName");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        secrets = Collections.unmodifiableSet(new LinkedHashSet<>(secrets));
        Objects.requireNonNull(launcher, "launcher");
    }

    public static Builder builder(String jobId, Path workingDirectory) {
        return new Builder(jobId, workingDirectory);
    }

    /** A builder that starts from this request. */
    public Builder toBuilder() {
        return new Builder(jobId, workingDirectory).prompt(prompt).environmentName(environmentName).timeout(timeout)
                .idleTimeout(idleTimeout).environment(environment).options(options).secrets(secrets).launcher(launcher);
    }

    /** The options as a configuration view, for typed access. */
    public AgentConfig optionsConfig() {
        return AgentConfig.of(options);
    }

    /** A masker for {@link #secrets()}. */
    public SecretMasker masker() {
        return SecretMasker.of(secrets);
    }

    @Override
    public String toString() {
        return "AgentRequest[jobId=" + jobId + ", workingDirectory=" + workingDirectory + ", prompt=" + prompt.length()
                + " chars, environmentName=" + environmentName + ", timeout=" + timeout + ", idleTimeout=" + idleTimeout + ", environment="
                + environment.keySet() + ", options=" + options.keySet() + ", secrets=" + secrets.size() + ", confined=" + launcher.confined() + "]";
    }

    /** Builds {@link AgentRequest}s. Not thread-safe. */
    public static final class Builder {
        private final String jobId;
        private final Path workingDirectory;
        private String prompt = "";
        private String environmentName = "default";
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration idleTimeout;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Set<String> secrets = new LinkedHashSet<>();
        private ProcessLauncher launcher = ProcessLauncher.direct();

        private Builder(String jobId, Path workingDirectory) {
            this.jobId = jobId;
            this.workingDirectory = workingDirectory;
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        public Builder environmentName(String environmentName) {
            this.environmentName = environmentName;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How long the agent may print nothing before it is stopped as hung; null (the default) for no limit. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder options(Map<String, String> values) {
            options.putAll(values);
            return this;
        }

        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        public Builder secrets(Collection<String> values) {
            secrets.addAll(values);
            return this;
        }

        public Builder secret(String value) {
            secrets.add(value);
            return this;
        }

        /** Where the agent's processes are started; by default {@link ProcessLauncher#direct()}. */
        public Builder launcher(ProcessLauncher launcher) {
            this.launcher = launcher;
            return this;
        }

        public AgentRequest build() {
            return new AgentRequest(jobId, workingDirectory, prompt, environmentName, timeout, idleTimeout, environment, options, secrets,
                    launcher);
        }
    }
}
