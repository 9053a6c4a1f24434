package io.repobox.agent.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the events of one session added up to: a snapshot taken from {@link EventRenderer#facts()}.
 * Null where the CLI did not report the fact.
 *
 * @param sessionId          the CLI's session or thread id
 * @param cliVersion         the CLI's version
 * @param model              the model
 * @param turns              agent turns (from the final result)
 * @param costUsd            the cost: the final result's, else the sum of the usage events' costs
 * @param inputTokens        input tokens, summed over the usage events
 * @param outputTokens       output tokens, summed over the usage events
 * @param cachedTokens       cached input tokens, summed over the usage events
 * @param permissionDenials  tool calls the CLI's permission settings refused
 * @param lastRetry          the last API retry announced
 * @param lastError          the last API error reported
 * @param result             the final result, if the session reached one
 */
public record SessionFacts(String sessionId, String cliVersion, String model, Integer turns, Double costUsd, Long inputTokens,
                           Long outputTokens, Long cachedTokens, List<AgentEvent.PermissionDenied> permissionDenials,
                           AgentEvent.ApiRetry lastRetry, AgentEvent.ApiError lastError, AgentEvent.FinalResult result) {

    /** The job record's field for the count of refused tool calls; absent when there were none. */
    public static final String PERMISSION_DENIALS = "agent_permission_denials";

    public SessionFacts {
        permissionDenials = List.copyOf(permissionDenials);
    }

    /**
     * The facts as job record fields (the contract's {@code agent_session_id}, {@code agent_turns},
     * {@code agent_cost_usd}, {@code agent_input_tokens}, {@code agent_output_tokens},
     * {@code agent_version}, plus {@value #PERMISSION_DENIALS}); only the facts that are known.
     */
    public Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        put(d, "agent_session_id", sessionId);
        put(d, "agent_version", cliVersion);
        put(d, "agent_model", model);
        put(d, "agent_turns", turns);
        if (costUsd != null) {
            d.put("agent_cost_usd", String.format(Locale.ROOT, "%.6f", costUsd));
        }
        put(d, "agent_input_tokens", inputTokens);
        put(d, "agent_output_tokens", outputTokens);
        put(d, "agent_cached_tokens", cachedTokens);
        if (!permissionDenials.isEmpty()) {
            d.put(PERMISSION_DENIALS, Integer.toString(permissionDenials.size()));
        }
        return d;
    }

    private static void put(Map<String, String> d, String key, Object value) {
        if (value != null && !value.toString().isBlank()) {
            d.put(key, value.toString());
        }
    }
}
