package io.headroom.health;

import io.headroom.core.Checks;
import io.headroom.core.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link HealthRegistry} implementation. Thread-safe. */
final class DefaultHealthRegistry implements HealthRegistry {
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

  private final Ticker ticker;
  private final InstantSource clock;
  private final @Nullable MeterRegistry meters;
  final Duration drainDelay;
  final Duration drainTimeout;
  private final boolean backgroundChecks;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService workers;
  private final InFlightTracker inFlight = new InFlightTracker();
  private volatile Lifecycle lifecycle = Lifecycle.STARTING;
  private final List<CheckRunner> runners = new CopyOnWriteArrayList<>();
  private final Map<HealthGroup, List<CheckRunner>> byGroup = new EnumMap<>(HealthGroup.class);
  private final Map<String, CheckRunner> byName = new ConcurrentHashMap<>();
  private final List<ScheduledFuture<?>> schedules = new CopyOnWriteArrayList<>();

  // guarded by this
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private @Nullable CompletableFuture<Void> shutdown;
  private boolean resourcesClosed;

  DefaultHealthRegistry(HealthRegistry.Builder b) {
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.meters = b.meterRegistry;
    this.drainDelay = b.drainDelay;
    this.drainTimeout = b.drainTimeout;
    this.backgroundChecks = b.backgroundChecks;
    this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("headroom-health-scheduler"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    // One thread per check at most (a check never has two runs in flight), created on demand.
    this.workers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemonThreads("headroom-health-check"));
    for (HealthGroup g : HealthGroup.values()) {
      byGroup.put(g, new CopyOnWriteArrayList<>());
      if (meters != null) {
        Gauge.builder("health.status", this, r -> r.report(g).status().gaugeValue())
            .description(
                "Status of a probe group: 1 up, 0.5 degraded, 0 down/unknown/out of service")
            .tag("group", g.id())
            .register(meters);
      }
    }
    if (meters != null) {
      Gauge.builder("health.inflight.requests", inFlight, InFlightTracker::active)
          .description("Requests in flight, as counted by the health in-flight tracker")
          .register(meters);
    }
    if (b.shutdownHook) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(this::shutdown, "headroom-health-shutdown-hook"));
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public synchronized HealthRegistry register(CheckConfig config) {
    Checks.notNull(config, "config");
    Checks.state(
        shutdown == null,
        "cannot register check '%s': the registry is shutting down",
        config.name());
    Checks.argument(
        !byName.containsKey(config.name()),
        "a check named '%s' is already registered",
        config.name());
    CheckRunner runner = new CheckRunner(config, ticker, clock, scheduler, workers, meters);
    byName.put(config.name(), runner);
    runners.add(runner);
    for (HealthGroup g : config.groups()) {
      group(g).add(runner);
    }
    if (backgroundChecks) {
      long period = config.interval().toNanos();
      schedules.add(
          scheduler.scheduleAtFixedRate(() -> trigger(runner), 0, period, TimeUnit.NANOSECONDS));
    }
    return this;
  }

  private static void trigger(CheckRunner runner) {
    try {
      CompletableFuture<Void> unused = runner.runOnce();
    } catch (RuntimeException e) {
      // never let one failure cancel the periodic schedule
      log.warn("health check '{}' could not be started", runner.config().name(), e);
    }
  }

  @Override
  public synchronized HealthRegistry register(AutoCloseable resource) {
    Checks.notNull(resource, "resource");
    Checks.state(!resourcesClosed, "cannot register %s: resources are already closed", resource);
    resources.push(resource);
    return this;
  }

  @Override
  public List<CheckConfig> checks() {
    List<CheckConfig> out = new ArrayList<>(runners.size());
    for (CheckRunner r : runners) {
      out.add(r.config());
    }
    return List.copyOf(out);
  }

  @Override
  public HealthReport report(HealthGroup group) {
    Checks.notNull(group, "group");
    Lifecycle lc = lifecycle;
    long now = ticker.read();
    List<CheckRunner> rs = group(group);
    List<CheckState> states = new ArrayList<>(rs.size());
    Status status = floor(group, lc);
    for (CheckRunner r : rs) {
      CheckState s = r.state(now);
      states.add(s);
      status = status.worst(s.effectiveStatus());
    }
    return new HealthReport(status, lc, states);
  }

  @Override
  public HealthReport report() {
    Lifecycle lc = lifecycle;
    long now = ticker.read();
    Status status = Status.UP;
    for (HealthGroup g : HealthGroup.values()) {
      status = status.worst(floor(g, lc));
    }
    List<CheckState> states = new ArrayList<>(runners.size());
    for (CheckRunner r : runners) {
      CheckState s = r.state(now);
      states.add(s);
      status = status.worst(s.effectiveStatus());
    }
    return new HealthReport(status, lc, states);
  }

  private List<CheckRunner> group(HealthGroup g) {
    return Checks.notNull(byGroup.get(g), "group");
  }

  /** The best a group can be in a lifecycle state, whatever its checks say. */
  private static Status floor(HealthGroup group, Lifecycle lc) {
    return switch (group) {
      case LIVENESS -> Status.UP;
      case STARTUP -> lc == Lifecycle.STARTING ? Status.DOWN : Status.UP;
      case READINESS ->
          switch (lc) {
            case STARTING -> Status.DOWN;
            case READY -> Status.UP;
            case DRAINING, STOPPED -> Status.OUT_OF_SERVICE;
          };
    };
  }

  @Override
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  @Override
  public synchronized void markStarted() {
    if (lifecycle == Lifecycle.STARTING) {
      lifecycle = Lifecycle.READY;
      log.info("application started: startup and readiness probes may answer 200");
    }
  }

  @Override
  public void refresh() {
    List<CompletableFuture<Void>> runs = new ArrayList<>(runners.size());
    for (CheckRunner r : runners) {
      runs.add(r.runOnce());
    }
    CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).join();
  }

  @Override
  public InFlightTracker inFlight() {
    return inFlight;
  }

  @Override
  public CompletableFuture<Void> shutdownAsync() {
    CompletableFuture<Void> done;
    synchronized (this) {
      CompletableFuture<Void> existing = shutdown;
      if (existing != null) {
        return existing;
      }
      done = new CompletableFuture<>();
      shutdown = done;
      lifecycle = Lifecycle.DRAINING;
    }
    log.info(
        "shutdown: readiness is now OUT_OF_SERVICE; draining for {} ms, then waiting up to {} ms"
            + " for {} in-flight requests",
        drainDelay.toMillis(),
        drainTimeout.toMillis(),
        inFlight.active());
    Thread t = new Thread(() -> drainAndClose(done), "headroom-health-shutdown");
    t.start();
    return done;
  }

  @Override
  public void shutdown() {
    shutdownAsync().join();
  }

  private void drainAndClose(CompletableFuture<Void> done) {
    try {
      if (!drainDelay.isZero()) {
        TimeUnit.NANOSECONDS.sleep(drainDelay.toNanos());
      }
      if (!inFlight.awaitIdle(drainTimeout)) {
        log.warn(
            "shutdown: {} requests still in flight after {} ms; closing resources anyway",
            inFlight.active(),
            drainTimeout.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("shutdown: interrupted while draining; closing resources now");
    }
    try {
      closeResources();
    } finally {
      for (ScheduledFuture<?> s : schedules) {
        s.cancel(false);
      }
      scheduler.shutdownNow();
      workers.shutdownNow();
      lifecycle = Lifecycle.STOPPED;
      done.complete(null);
    }
  }

  private void closeResources() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      resourcesClosed = true;
      toClose = new ArrayList<>(resources); // a stack: last registered first
      resources.clear();
    }
    for (AutoCloseable r : toClose) {
      try {
        r.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.warn("shutdown: interrupted while closing {}", r, e);
      } catch (Exception e) {
        log.warn("shutdown: closing {} failed", r, e);
      }
    }
  }

  @Override
  public String toString() {
    return "HealthRegistry{lifecycle=" + lifecycle + ", checks=" + byName.keySet() + "}";
  }
}
