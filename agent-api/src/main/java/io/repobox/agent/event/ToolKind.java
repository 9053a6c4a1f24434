package io.repobox.agent.event;

/** What a tool call does, whatever the CLI calls the tool. */
public enum ToolKind {
    /** Reads a file or lists a directory. */
    READ,
    /** Writes, edits or deletes files. */
    EDIT,
    /** Runs a shell command. */
    COMMAND,
    /** Searches file names or contents. */
    SEARCH,
    /** Fetches a URL or searches the web. */
    WEB,
    /** Plans, keeps a to-do list or delegates to a sub-agent. */
    TASK,
    /** Anything else (MCP tools, tools this model does not know). */
    OTHER
}
