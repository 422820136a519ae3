package dev.vigil.trace;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The span exporter, with one log line when exporting starts failing and one when it works again. The
 * SDK's own exporter logs every failed batch (SEVERE, every second or so while the endpoint is down); its
 * logger is silenced in {@code LogSetup} and this says what matters instead.
 */
final class ExportOutcomeLog implements SpanExporter {
    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());

    private final SpanExporter exporter;
    private final AtomicBoolean failing = new AtomicBoolean();

    ExportOutcomeLog(SpanExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        CompletableResultCode result = exporter.export(spans);
        result.whenComplete(() -> {
            if (result.isSuccess()) {
                if (failing.compareAndSet(true, false)) {
                    LOG.info("tracing: exporting spans works again");
                }
            } else if (failing.compareAndSet(false, true)) {
                Throwable why = result.getFailureThrowable();
                LOG.warning("tracing: exporting spans failed (" + (why == null ? "the endpoint refused them" : why.getMessage())
                        + "); spans are dropped until it works again");
            }
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return exporter.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return exporter.shutdown();
    }
}
