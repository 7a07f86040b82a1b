package io.headroom.health;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Built-in checks of the JVM itself: heap left after garbage collection, and deadlocked threads.
 *
 * <pre>{@code
 * health.register(JvmChecks.deadlocks());                                    // liveness
 * health.register(JvmChecks.heapAfterGc(Settings.fromEnvironment()));       // group from settings
 * }</pre>
 *
 * <p>Both are process checks, allowed in liveness. Stateless and thread-safe.
 */
public final class JvmChecks {
  /** The default limit of the heap-after-GC ratio. */
  public static final double DEFAULT_HEAP_MAX_RATIO = 0.90;

  private JvmChecks() {}

  /** A used-after-GC reading of one long-lived heap pool. */
  record PoolUsage(String name, long usedAfterGc, long max) {}

  /**
   * A check named {@code heap} that is {@link Status#DOWN} when the long-lived heap pools (old or
   * tenured generation, or the single pool of ZGC and Shenandoah) are fuller than {@code maxRatio}
   * of their maximum right after the last collection: a heap that stays full after GC is leaking or
   * undersized, and will spend its time collecting. Group readiness by default; choose liveness to
   * have Kubernetes restart a leaking pod.
   *
   * @param maxRatio the highest healthy ratio of used-after-GC to max, in (0, 1]
   * @throws IllegalArgumentException if {@code maxRatio} is not in (0, 1]
   */
  public static CheckConfig.Builder heapAfterGc(double maxRatio) {
    return heapAfterGc(maxRatio, JvmChecks::longLivedPools);
  }

  /**
   * The heap-after-GC check with its limit and group from settings: {@code
   * HEADROOM_HEALTH_HEAP_MAX_RATIO} (default 0.90) and {@code HEADROOM_HEALTH_HEAP_GROUP} ({@code
   * readiness} by default, or {@code liveness}).
   *
   * @throws io.headroom.core.SettingsException naming the key if a value is invalid
   */
  public static CheckConfig.Builder heapAfterGc(Settings settings) {
    Settings s = Checks.notNull(settings, "settings").withPrefix("HEADROOM_HEALTH_");
    double ratio = s.getDouble("HEAP_MAX_RATIO", DEFAULT_HEAP_MAX_RATIO);
    if (!(ratio > 0 && ratio <= 1)) {
      throw s.invalid("HEAP_MAX_RATIO", Double.toString(ratio), "expected a ratio in (0, 1]");
    }
    HealthGroup group = s.getEnum("HEAP_GROUP", HealthGroup.class, HealthGroup.READINESS);
    if (group == HealthGroup.STARTUP) {
      throw s.invalid("HEAP_GROUP", "startup", "expected liveness or readiness");
    }
    return heapAfterGc(ratio).groups(group);
  }

  static CheckConfig.Builder heapAfterGc(double maxRatio, Supplier<List<PoolUsage>> pools) {
    Checks.argument(maxRatio > 0 && maxRatio <= 1, "maxRatio must be in (0, 1]: %s", maxRatio);
    return CheckConfig.builder("heap", () -> evaluateHeap(pools.get(), maxRatio))
        .groups(HealthGroup.READINESS)
        .failureThreshold(3);
  }

  static CheckResult evaluateHeap(List<PoolUsage> pools, double maxRatio) {
    double worst = 0;
    String worstPool = "none";
    for (PoolUsage p : pools) {
      if (p.max() > 0) {
        double ratio = (double) p.usedAfterGc() / p.max();
        if (ratio > worst) {
          worst = ratio;
          worstPool = p.name();
        }
      }
    }
    double rounded = Math.round(worst * 1000) / 1000.0;
    CheckResult base =
        rounded > maxRatio
            ? CheckResult.down(
                String.format(
                    Locale.ROOT,
                    "heap after GC at %.1f%% of max in %s (limit %.1f%%)",
                    worst * 100,
                    worstPool,
                    maxRatio * 100))
            : CheckResult.up();
    return base.withDetail("heapAfterGcRatio", rounded).withDetail("limit", maxRatio);
  }

  private static List<PoolUsage> longLivedPools() {
    List<PoolUsage> out = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP || !isLongLived(pool.getName())) {
        continue;
      }
      MemoryUsage after = pool.getCollectionUsage();
      if (after == null) {
        continue;
      }
      long max = after.getMax() > 0 ? after.getMax() : pool.getUsage().getMax();
      out.add(new PoolUsage(pool.getName(), after.getUsed(), max));
    }
    return out;
  }

  /** The same pools Micrometer's heap pressure meter watches. */
  static boolean isLongLived(String name) {
    return name.endsWith("Old Gen")
        || name.endsWith("Tenured Gen")
        || name.equals("Shenandoah")
        || name.equals("ZHeap")
        || name.equals("ZGC Old Generation")
        || name.endsWith("balanced-old")
        || name.contains("tenured")
        || name.equals("JavaHeap");
  }

  /**
   * A check named {@code deadlocks} in liveness that is {@link Status#DOWN} while threads are
   * deadlocked on monitors or ownable synchronizers ({@link ThreadMXBean#findDeadlockedThreads()}):
   * a deadlock never heals, so a restart is the right cure. Its failure threshold is 1.
   */
  public static CheckConfig.Builder deadlocks() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // A timed-out run counts as DOWN, and one DOWN fails liveness: the timeout must not be what
    // trips it. The scan itself is quick, but at start-up it can queue behind slow first checks
    // (pools opening) on a busy machine, so it gets far more than the 2 s default.
    return CheckConfig.builder("deadlocks", () -> evaluateDeadlocks(threads))
        .groups(HealthGroup.LIVENESS)
        .interval(Duration.ofSeconds(30))
        .timeout(Duration.ofSeconds(10))
        .failureThreshold(1);
  }

  static CheckResult evaluateDeadlocks(ThreadMXBean threads) {
    long[] ids = threads.findDeadlockedThreads();
    if (ids == null || ids.length == 0) {
      return CheckResult.up().withDetail("deadlockedThreads", 0);
    }
    List<String> names = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(ids)) {
      if (info != null) {
        names.add(info.getThreadName());
      }
    }
    return CheckResult.down(
            ids.length
                + " deadlocked threads: "
                + names.stream().sorted().collect(Collectors.joining(", ")))
        .withDetail("deadlockedThreads", ids.length);
  }
}
