package io.repobox.runner.job;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A job as the runner reads it: its hash {@code job:{id}}, with the fields of its queue entry as
 * the fallback for fields the hash lacks (the hash is the source of truth). Values are never null;
 * a missing field is an empty string.
 *
 * @param environment the runtime environment the job names; {@code default} when missing or blank
 * @param status      the hash's {@code status} as written (see {@link #status()} for the typed one)
 * @param runnerId    the runner that claimed it, if any
 * @param hasStartedAt whether the hash has a {@code started_at} field (set when a runner claims it)
 */
public record Job(String id, String userId, String providerId, String repoUrl, String prompt, String environment,
                  String statusValue, String runnerId, boolean hasStartedAt) {

    public static final String DEFAULT_ENVIRONMENT = "default";
    /** The user a job is counted against when neither the hash nor the entry names one. */
    public static final String UNKNOWN_USER = "unknown";

    /**
     * Reads a job from its hash, falling back to the queue entry's fields for any field the hash does
     * not have. The user id also falls back when the hash's is blank: every job counts against a user.
     */
    public static Job of(String id, Map<String, String> hash, Map<String, String> entry) {
        Map<String, String> merged = new HashMap<>(entry);
        merged.putAll(hash);
        String environment = merged.getOrDefault("environment", "");
        return new Job(id, firstNonBlank(hash.get("user_id"), entry.get("user_id"), UNKNOWN_USER),
                merged.getOrDefault("provider_id", ""), merged.getOrDefault("repo_url", ""), merged.getOrDefault("prompt", ""),
                environment.isBlank() ? DEFAULT_ENVIRONMENT : environment, hash.getOrDefault("status", ""),
                hash.getOrDefault("runner_id", ""), hash.containsKey("started_at"));
    }

    /** The status, if the hash holds one of the contract's. */
    public Optional<JobStatus> status() {
        return JobStatus.parse(statusValue);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
