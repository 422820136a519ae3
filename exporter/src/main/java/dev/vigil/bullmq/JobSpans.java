package dev.vigil.bullmq;

import dev.vigil.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * Opt-in: a trace per finished job with its real timestamps: a root span from ready to finished, with a
 * "wait" child (ready to taken by a worker) and a "process" child (taken to finished), so queue latency can
 * be seen in Jaeger next to the application's own traces. Sampled at {@code job_traces.sample_ratio}.
 */
final class JobSpans {
    private final Tracing tracing;
    private final String redis;

    /** {@code redis}: the {@code redis.<name>} the queues are read from, since two Redis may hold the same queue names. */
    JobSpans(Tracing tracing, String redis) {
        this.tracing = tracing;
        this.redis = redis;
    }

    boolean enabled() {
        return tracing.enabled() && tracing.jobSampleRatio() > 0;
    }

    /** Emits the job's spans; returns the root's context (sampled or not), or null when job traces are off. */
    SpanContext emit(QueueRef queue, String jobId, String jobName, String attempts, boolean failed,
                     long readyMs, long activeMs, long finishedMs) {
        if (!enabled()) {
            return null;
        }
        Span root = tracing.tracer().spanBuilder("bullmq.job " + queue.name())
                .setNoParent().setSpanKind(SpanKind.CONSUMER)
                .setAttribute(Tracing.jobSpanKey(), true)
                .setAttribute("messaging.system", "bullmq")
                .setAttribute("messaging.destination.name", queue.name())
                .setAttribute("messaging.message.id", jobId)
                .setAttribute("bullmq.redis", redis)
                .setAttribute("bullmq.prefix", queue.prefix())
                .setAttribute("bullmq.job.name", jobName == null ? "" : jobName)
                .setAttribute("bullmq.job.attempts_made", attempts == null ? "" : attempts)
                .setStartTimestamp(readyMs > 0 ? readyMs : activeMs, TimeUnit.MILLISECONDS)
                .startSpan();
        if (root.getSpanContext().isSampled()) {
            Context parent = Context.root().with(root);
            if (readyMs > 0) {
                child(parent, "wait", readyMs, activeMs);
            }
            child(parent, "process", activeMs, finishedMs);
        }
        if (failed) {
            root.setStatus(StatusCode.ERROR, "job failed");
        }
        root.end(finishedMs, TimeUnit.MILLISECONDS);
        return root.getSpanContext();
    }

    private void child(Context parent, String name, long startMs, long endMs) {
        tracing.tracer().spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(startMs, TimeUnit.MILLISECONDS).startSpan()
                .end(Math.max(startMs, endMs), TimeUnit.MILLISECONDS);
    }
}
