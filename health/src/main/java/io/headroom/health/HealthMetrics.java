package io.headroom.health;

import io.headroom.core.Checks;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Helpers for the meter registry that {@code /metrics} serves.
 *
 * <pre>{@code
 * PrometheusMeterRegistry prometheus = HealthMetrics.prometheusRegistry();
 * health.register(HealthMetrics.bindJvmMetrics(prometheus));   // unbinds GC listeners on shutdown
 * // pass `prometheus` to every other headroom module so /metrics shows their meters too
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class HealthMetrics {
  private HealthMetrics() {}

  /**
   * A new Prometheus registry with the default configuration and the {@link
   * #prometheusLintFilter()}, so that its output passes {@code promtool check metrics}.
   */
  public static PrometheusMeterRegistry prometheusRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(prometheusLintFilter());
    return registry;
  }

  /**
   * A meter filter that keeps the exposition clean under {@code promtool check metrics}: it gives
   * meters without a description one (their name in words), renames Micrometer's {@code
   * system.cpu.count} gauge to {@code system.cpu.logical} (a gauge may not end in {@code _count}),
   * and drops {@code jvm.compilation.time} and {@code process.cpu.time}, whose units are
   * milliseconds and nanoseconds rather than seconds. Add it before any meter is registered.
   */
  public static MeterFilter prometheusLintFilter() {
    return PrometheusLintFilter.INSTANCE;
  }

  /** See {@link #prometheusLintFilter()}. */
  private enum PrometheusLintFilter implements MeterFilter {
    INSTANCE;

    @Override
    public MeterFilterReply accept(Meter.Id id) {
      return switch (id.getName()) {
        case "jvm.compilation.time", "process.cpu.time" -> MeterFilterReply.DENY;
        default -> MeterFilterReply.NEUTRAL;
      };
    }

    @Override
    public Meter.Id map(Meter.Id id) {
      Meter.Id out =
          id.getName().equals("system.cpu.count") ? id.withName("system.cpu.logical") : id;
      String description = out.getDescription();
      if (description == null || description.isBlank()) {
        out =
            new Meter.Id(
                out.getName(),
                Tags.of(out.getTagsAsIterable()),
                out.getBaseUnit(),
                out.getName().replace('.', ' '),
                out.getType());
      }
      return out;
    }
  }

  /**
   * Binds Micrometer's JVM, process and GC meters to {@code registry}: memory, buffer pools, GC
   * pauses and heap pressure, threads, class loading, JVM info, CPU, uptime and open file
   * descriptors.
   *
   * @return closes the binders that hold JVM listeners (GC notifications); register it with the
   *     {@link HealthRegistry} so it runs on shutdown
   * @throws NullPointerException if {@code registry} is null
   */
  public static AutoCloseable bindJvmMetrics(MeterRegistry registry) {
    Checks.notNull(registry, "registry");
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
    pressure.bindTo(registry);
    return new JvmBinders(gc, pressure);
  }

  /** Closes the listener-holding binders. */
  private record JvmBinders(JvmGcMetrics gc, JvmHeapPressureMetrics pressure)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        gc.close();
      } finally {
        pressure.close();
      }
    }

    @Override
    public String toString() {
      return "JvmMetricsBinders";
    }
  }
}
