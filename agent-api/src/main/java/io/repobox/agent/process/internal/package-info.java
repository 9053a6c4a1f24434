/**
 * The process core's machinery (process groups, line framing, new sessions). Not an API: these
 * types may change in any release and are used by {@link io.repobox.agent.process} only; use
 * {@link io.repobox.agent.process.ProcessRunner}.
 */
package io.repobox.agent.process.internal;
