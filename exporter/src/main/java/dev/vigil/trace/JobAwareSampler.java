package dev.vigil.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The configured sampler for Vigil's own spans, and a separate ratio for the spans of finished BullMQ jobs:
 * there can be thousands of jobs a second, so they are sampled on their own, not at the poll ratio.
 */
final class JobAwareSampler implements Sampler {
    private final Sampler delegate;
    private final Sampler jobs;

    JobAwareSampler(Sampler delegate, double jobRatio) {
        this.delegate = delegate;
        this.jobs = Sampler.traceIdRatioBased(jobRatio);
    }

    @Override
    public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind, Attributes attributes, List<LinkData> links) {
        Sampler s = Boolean.TRUE.equals(attributes.get(Tracing.JOB_SPAN)) ? jobs : delegate;
        return s.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
        return "JobAwareSampler{" + delegate.getDescription() + ", jobs=" + jobs.getDescription() + "}";
    }
}
