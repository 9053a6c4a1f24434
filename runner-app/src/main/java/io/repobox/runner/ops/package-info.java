/**
 * What operators see of a runner: the HTTP endpoint of {@code serve} (/healthz, /readyz, /metrics,
 * on when HTTP_ADDRESS is set), the metrics facade the job path reports to, readiness checks, and
 * the heartbeat key that {@code runners} lists.
 */
package io.repobox.runner.ops;
