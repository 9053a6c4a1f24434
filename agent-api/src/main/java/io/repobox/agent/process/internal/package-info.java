/**
 * The process core's machinery. Not an API: these types may change in any release; use
 * {@link io.repobox.agent.process.ProcessRunner}.
 */
package io.repobox.agent.process.internal;
