package io.repobox.agent.event;

import io.repobox.agent.output.Durations;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@link AgentEvent}s into the readable lines of the output stream, the same for every
 * provider, and adds up the {@link SessionFacts}. One renderer serves one execution: it remembers
 * tool names by call id and the totals so far. Lines are bounded (very long text becomes several
 * lines); the raw CLI event a provider passes along rides on the first line rendered from it
 * ({@link OutputLine#event()}), and an event that renders to nothing still reaches consumers that
 * want raw events. Thread-safe (a provider may feed it from its stdout and stderr readers).
 */
public final class EventRenderer {

    /** The longest rendered line; longer text continues on the next line. */
    public static final int MAX_LINE_CHARS = 16 * 1024;
    /** Raw events longer than this are not attached to lines. */
    public static final int MAX_RAW_EVENT_CHARS = 64 * 1024;
    private static final int MAX_ARGUMENT_CHARS = 200;

    private final OutputSink sink;
    private final boolean rawEvents;
    private final Map<String, String> toolNames = new HashMap<>();
    private final List<AgentEvent.PermissionDenied> denials = new ArrayList<>();
    private String sessionId;
    private String cliVersion;
    private String model;
    private Long inputTokens;
    private Long outputTokens;
    private Long cachedTokens;
    private Double usageCost;
    private AgentEvent.ApiRetry lastRetry;
    private AgentEvent.ApiError lastError;
    private AgentEvent.FinalResult result;

    /**
     * @param sink      where lines go
     * @param rawEvents whether to attach the CLI's raw events to lines
     */
    public EventRenderer(OutputSink sink, boolean rawEvents) {
        this.sink = sink;
        this.rawEvents = rawEvents;
    }

    /**
     * Renders the events parsed from one CLI line and delivers them on stdout.
     *
     * @param timestamp when the CLI printed the line
     * @param raw       the CLI's line (its raw event), or null
     * @param rawType   the raw event's type, for the placeholder line of an event that renders to nothing
     * @param events    what the provider made of it, possibly none
     */
    public void render(long timestamp, String raw, String rawType, List<? extends AgentEvent> events) {
        List<String> texts = new ArrayList<>();
        synchronized (this) {
            for (AgentEvent e : events) {
                texts.addAll(lines(e));
            }
        }
        String attached = rawEvents && raw != null && raw.length() <= MAX_RAW_EVENT_CHARS ? raw : null;
        if (texts.isEmpty() && attached != null) {
            texts.add("[" + (rawType == null || rawType.isEmpty() ? "event" : rawType) + "]");
        }
        for (String text : texts) {
            int from = 0;
            do {
                int to = Math.min(text.length(), from + MAX_LINE_CHARS);
                if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) {
                    to--; // never split a surrogate pair
                }
                sink.accept(new OutputLine(timestamp, OutputLine.Stream.STDOUT, OutputLine.Source.AGENT, text.substring(from, to), attached));
                attached = null;
                from = to;
            } while (from < text.length());
        }
    }

    /** Renders one event that has no raw form of its own (one the provider derived). */
    public void render(long timestamp, AgentEvent event) {
        render(timestamp, null, null, List.of(event));
    }

    /** Passes on a line that is not an event, unchanged. */
    public void passThrough(long timestamp, OutputLine.Stream stream, String line) {
        sink.accept(new OutputLine(timestamp, stream, OutputLine.Source.AGENT, line));
    }

    /** Records {@code event} in the facts without printing anything (a fact a provider learnt elsewhere). */
    public synchronized void record(AgentEvent event) {
        lines(event);
    }

    /** What the events so far add up to. */
    public synchronized SessionFacts facts() {
        Double cost = result != null && result.costUsd() != null ? result.costUsd() : usageCost;
        return new SessionFacts(sessionId, cliVersion, model, result == null ? null : result.turns(), cost, inputTokens, outputTokens,
                cachedTokens, denials, lastRetry, lastError, result);
    }

    /** The lines for {@code e}; records what it says. Package-private for tests; callers hold the lock. */
    List<String> lines(AgentEvent e) {
        List<String> out = new ArrayList<>();
        if (e instanceof AgentEvent.SessionStarted s) {
            sessionId = blankToNull(s.sessionId(), sessionId);
            cliVersion = blankToNull(s.cliVersion(), cliVersion);
            model = blankToNull(s.model(), model);
            StringBuilder line = new StringBuilder(s.agent()).append(' ').append(orQuestion(s.cliVersion()))
                    .append(" · model ").append(orQuestion(s.model()));
            s.facts().forEach((k, v) -> line.append(" · ").append(k).append(' ').append(v));
            out.add(line.append(" · session ").append(orQuestion(s.sessionId())).toString());
        } else if (e instanceof AgentEvent.AssistantText t) {
            for (String line : t.text().split("\n", -1)) {
                out.add(line);
            }
        } else if (e instanceof AgentEvent.Thinking t) {
            out.add("(thinking) " + firstLine(t.summary(), MAX_ARGUMENT_CHARS));
        } else if (e instanceof AgentEvent.ToolCall c) {
            if (!c.id().isEmpty()) {
                toolNames.put(c.id(), c.name());
            }
            out.add("→ " + c.name() + (c.argument().isBlank() ? "" : ": " + firstLine(c.argument(), MAX_ARGUMENT_CHARS)));
        } else if (e instanceof AgentEvent.ToolResult r) {
            String name = r.name() != null ? r.name() : toolNames.getOrDefault(r.id(), "tool");
            String text = r.output();
            long count = text.isEmpty() ? 0 : text.lines().count();
            out.add("← " + name + (r.ok() ? ": " : " failed: ") + (text.isBlank() ? "(no output)" : firstLine(text, MAX_ARGUMENT_CHARS))
                    + (count > 1 ? " (" + count + " lines)" : ""));
        } else if (e instanceof AgentEvent.ApiRetry r) {
            lastRetry = r;
            StringBuilder line = new StringBuilder("API ").append(statusWords(r.status(), r.error()));
            if (r.status() > 0) {
                line.append(" (").append(r.status()).append(')');
            }
            line.append(" — retry");
            if (r.attempt() != null) {
                line.append(' ').append(r.attempt());
                if (r.maxRetries() != null) {
                    line.append(" of ").append(r.maxRetries());
                }
            }
            if (r.delay() != null) {
                line.append(" in ").append(Durations.format(r.delay()));
            }
            out.add(line.toString());
        } else if (e instanceof AgentEvent.ApiError a) {
            lastError = a;
            out.add("API " + (a.status() == null ? "error" : statusWords(a.status(), "") + " (" + a.status() + ")")
                    + (a.message().isBlank() ? "" : ": " + firstLine(a.message(), 1000)));
        } else if (e instanceof AgentEvent.Usage u) {
            inputTokens = (inputTokens == null ? 0 : inputTokens) + u.inputTokens();
            outputTokens = (outputTokens == null ? 0 : outputTokens) + u.outputTokens();
            cachedTokens = (cachedTokens == null ? 0 : cachedTokens) + u.cachedTokens();
            if (u.costUsd() != null) {
                usageCost = (usageCost == null ? 0 : usageCost) + u.costUsd();
            }
        } else if (e instanceof AgentEvent.PermissionDenied d) {
            denials.add(d);
            out.add("✗ " + d.tool() + " refused by the permission settings" + (d.argument().isBlank() ? ""
                    : ": " + firstLine(d.argument(), MAX_ARGUMENT_CHARS)));
        } else if (e instanceof AgentEvent.Notice n) {
            out.add("[" + n.label() + "] " + firstLine(n.text(), 1000));
        } else if (e instanceof AgentEvent.Unknown u) {
            out.add("[" + (u.type().isEmpty() ? "event" : u.type()) + "] "
                    + (u.compactJson().length() > 300 ? u.compactJson().substring(0, 300) + "…" : u.compactJson()));
        } else if (e instanceof AgentEvent.FinalResult r) {
            result = r;
            StringBuilder summary = new StringBuilder(r.ok() ? "Result: success" : "Result: error");
            if (!r.reason().isEmpty() && !r.reason().equals("success")) {
                summary.append(" (").append(r.reason()).append(')');
            }
            if (r.turns() != null) {
                summary.append(" · ").append(r.turns()).append(r.turns() == 1 ? " turn" : " turns");
            }
            if (r.duration() != null) {
                summary.append(" · ").append(Durations.format(r.duration()));
            }
            if (inputTokens != null || outputTokens != null) {
                summary.append(" · ").append(inputTokens == null ? 0 : inputTokens).append(" tokens in");
                if (cachedTokens != null && cachedTokens > 0) {
                    summary.append(" (").append(cachedTokens).append(" cached)");
                }
                summary.append(", ").append(outputTokens == null ? 0 : outputTokens).append(" out");
            }
            Double cost = r.costUsd() != null ? r.costUsd() : usageCost;
            if (cost != null) {
                summary.append(String.format(Locale.ROOT, " · $%.4f", cost));
            }
            out.add(summary.toString());
            if (!r.ok() && !r.message().isBlank()) {
                out.add(firstLine(r.message(), 1000));
            }
        }
        return out;
    }

    /** Words for an API status: "rate limited" for 429, …; the CLI's error type otherwise. */
    public static String statusWords(int status, String error) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "authentication rejected";
            case 403 -> "permission denied";
            case 404 -> "not found";
            case 413 -> "request too large";
            case 429 -> "rate limited";
            case 500 -> "internal error";
            case 502 -> "bad gateway";
            case 503 -> "unavailable";
            case 529 -> "overloaded";
            default -> error == null || error.isBlank() ? "error" : error.replace('_', ' ');
        };
    }

    /** The first line of {@code text}, stripped, with " …" when more followed, at most {@code max} characters. */
    public static String firstLine(String text, int max) {
        String stripped = text.strip();
        int nl = stripped.indexOf('\n');
        String first = nl < 0 ? stripped : stripped.substring(0, nl) + " …";
        return first.length() > max ? first.substring(0, max) + "…" : first;
    }

    private static String orQuestion(String s) {
        return s == null || s.isBlank() ? "?" : s;
    }

    private static String blankToNull(String s, String previous) {
        return s == null || s.isBlank() ? previous : s;
    }
}
