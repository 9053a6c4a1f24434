package io.repobox.runner.service;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.output.redis.OutputFields;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.redis.Redis;
import io.repobox.runner.job.FailureKind;
import io.repobox.runner.job.FinalRecord;
import io.repobox.runner.job.Job;
import io.repobox.runner.job.JobLeases;
import io.repobox.runner.job.JobQueue;
import io.repobox.runner.job.JobStatus;
import io.repobox.runner.job.JobStore;
import io.repobox.runner.job.RedisRetry;
import io.repobox.runner.job.UserSlots;
import io.repobox.runner.pipeline.JobPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes what a runner that stopped left undone: a job it was running (no lease any more) is
 * marked failed with a message naming that runner, after its processes left on this host are
 * stopped and its workspace removed; a job that ended without its end marker gets one. Also writes
 * the end of a job's output for the service.
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final String runnerId;
    private final Redis.Connection commands;
    private final JobStore store;
    private final JobLeases leases;
    private final UserSlots slots;
    private final JobQueue queue;
    private final RedisOutput output;
    private final JobPipeline pipeline;

    Recovery(String runnerId, Redis.Connection commands, JobStore store, JobLeases leases, UserSlots slots, JobQueue queue,
             RedisOutput output, JobPipeline pipeline) {
        this.runnerId = runnerId;
        this.commands = commands;
        this.store = store;
        this.leases = leases;
        this.slots = slots;
        this.queue = queue;
        this.output = output;
        this.pipeline = pipeline;
    }

    /** A running job whose entry reached us: its runner stopped (no lease), or it is alive (leave it). */
    void recoverOrLeave(JobQueue.Entry entry, Job job) {
        String jobId = job.id();
        if (!Admission.shouldRecover(leases.owner(jobId), runnerId)) {
            return; // its runner is alive and keeps it
        }
        String runner = job.runnerId().isBlank() ? "(unknown)" : job.runnerId();
        String message = "Runner " + runner + " stopped while running this job";
        // Its processes may have outlived it on this host: stop them before anyone touches the job again.
        int stopped = ProcessRunner.stopProcessesWithEnvironment(JobPipeline.JOB_TAG, jobId, Duration.ofSeconds(5));
        log.warn("Job {}: {}; marking it failed{}", jobId, message, stopped > 0 ? " (stopped " + stopped + " of its processes left on this host)" : "");
        pipeline.removeLeftovers(jobId); // a runner that died on this host left them
        RedisRetry.run("writing the final status of job " + jobId, () -> store.finish(jobId, FinalRecord.failed(FailureKind.INTERNAL, message,
                System.currentTimeMillis(), Map.of())));
        try {
            writeEnd(jobId, message, JobStatus.FAILED);
        } catch (RuntimeException e) {
            log.warn("Job {}: its end marker could not be written: {}", jobId, e.getMessage());
        }
        slots.release(job.userId(), jobId);
        queue.ack(entry);
    }

    /** What a runner that died after a job's final status left undone: the end marker, the workspace and the sandbox's cgroups. */
    void completeEnded(String jobId, JobStatus status) {
        pipeline.removeLeftovers(jobId);
        List<io.lettuce.core.StreamMessage<String, String>> last = commands.call(c -> c.xrevrange(RedisOutput.outputKey(jobId),
                io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.from(1)));
        if (last.isEmpty() || !OutputFields.TYPE_END.equals(last.get(0).getBody().get(OutputFields.TYPE))) {
            log.info("Job {} ended {} without its end marker; writing it", jobId, status);
            writeEnd(jobId, null, status);
        }
    }

    /** Writes a runner line (if any) and the end marker, retrying while Redis is away. */
    void writeEnd(String jobId, String line, JobStatus status) {
        RedisRetry.run("writing the end of the output of job " + jobId, () -> {
            RedisOutputSink sink = output.openSink(jobId);
            try {
                if (line != null) {
                    sink.accept(OutputLine.runnerError(line));
                }
                sink.end(status.value());
                sink.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }
}
