package io.headroom.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The meter conventions every headroom module follows, in one place, so that a dashboard written
 * for one module reads the next.
 *
 * <ul>
 *   <li><b>Names</b> are dotted lower case, {@code <module>.<thing>[.<unit-or-verb>]}, except where
 *       an ecosystem name exists and is reused so that existing dashboards work: resilience4j's
 *       {@code resilience4j.circuitbreaker.*} for breakers, HikariCP's {@code hikaricp.*} for
 *       pools.
 *   <li><b>The component's name</b> is the tag {@value #NAME} (a cache, a limiter, a breaker, a
 *       shard, a check), again unless an ecosystem family dictates another key ({@code pool} for
 *       HikariCP).
 *   <li><b>Errors</b> are one counter per module and dependency, {@code <module>.<thing>.errors},
 *       tagged {@value #NAME} and {@value #CAUSE}, whose values are the bounded set {@value
 *       #CAUSE_TIMEOUT}, {@value #CAUSE_UNAVAILABLE}, {@value #CAUSE_COMMAND}, {@value
 *       #CAUSE_BREAKER_OPEN} and {@value #CAUSE_OTHER}.
 *   <li><b>Tags are bounded</b>: never a user ID, a key or a raw path.
 *   <li><b>No registry means no meters.</b> A builder that was given no {@link MeterRegistry}
 *       records nothing: a library never writes to {@code Metrics.globalRegistry} or to a registry
 *       of its own making that somebody might scrape. {@link #orNoop(MeterRegistry)} gives such a
 *       builder a registry to register on that records nothing.
 *   <li>Meters are created once, at build time, and updated inline on the hot path.
 * </ul>
 *
 * <p>Every meter, its type, tags and unit is listed in {@code docs/metrics.md}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MeterConventions {
  /** The tag key that carries a component's name. */
  public static final String NAME = "name";

  /** The tag key of an error counter's cause. */
  public static final String CAUSE = "cause";

  /** Cause: the call did not answer within its timeout (it may have run). */
  public static final String CAUSE_TIMEOUT = "timeout";

  /** Cause: the dependency could not be reached (not connected, queue full, connection lost). */
  public static final String CAUSE_UNAVAILABLE = "unavailable";

  /** Cause: the dependency answered with an error. */
  public static final String CAUSE_COMMAND = "command";

  /** Cause: the call was not attempted because its breaker was open. */
  public static final String CAUSE_BREAKER_OPEN = "breaker_open";

  /** Cause: anything else. */
  public static final String CAUSE_OTHER = "other";

  private MeterConventions() {}

  /** The name of a module's error counter: {@code <module>.<thing>.errors}. */
  public static String errorsMeter(String module, String thing) {
    return Checks.notBlank(module, "module") + "." + Checks.notBlank(thing, "thing") + ".errors";
  }

  /**
   * The tags that name a component: {@code name=<name>}.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public static Tags nameTag(String name) {
    return Tags.of(NAME, Checks.notNull(name, "name"));
  }

  /**
   * {@code registry}, or, when it is null, a registry that records nothing (an empty composite, to
   * which nothing is ever added). Meters registered on it cost one no-op call per update.
   */
  public static MeterRegistry orNoop(@Nullable MeterRegistry registry) {
    return registry != null ? registry : new CompositeMeterRegistry();
  }
}
