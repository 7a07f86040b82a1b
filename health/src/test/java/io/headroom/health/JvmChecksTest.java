package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class JvmChecksTest {

  @Test
  void heapBelowTheLimitIsUp() {
    CheckResult r =
        JvmChecks.evaluateHeap(List.of(new JvmChecks.PoolUsage("G1 Old Gen", 500, 1000)), 0.9);

    assertThat(r.status()).isEqualTo(Status.UP);
    assertThat(r.details())
        .containsExactly(Map.entry("heapAfterGcRatio", 0.5), Map.entry("limit", 0.9));
  }

  @Test
  void heapAboveTheLimitAfterGcIsDown() {
    CheckResult r =
        JvmChecks.evaluateHeap(
            List.of(
                new JvmChecks.PoolUsage("G1 Old Gen", 950, 1000),
                new JvmChecks.PoolUsage("undefined max", 10, -1)),
            0.9);

    assertThat(r.status()).isEqualTo(Status.DOWN);
    assertThat(r.error()).isEqualTo("heap after GC at 95.0% of max in G1 Old Gen (limit 90.0%)");
    assertThat(r.details()).containsEntry("heapAfterGcRatio", 0.95);
  }

  @Test
  void heapWithNoCollectionYetIsUp() {
    assertThat(JvmChecks.evaluateHeap(List.of(), 0.9).status()).isEqualTo(Status.UP);
  }

  @Test
  void heapCheckReadsThisJvmsLongLivedPools() throws Exception {
    long max = Runtime.getRuntime().maxMemory();
    byte[] retained = new byte[(int) Math.min(max / 50, Integer.MAX_VALUE - 8)]; // ~2 % of max
    double share = 0.9 * retained.length / max; // a little under what the array alone fills
    CheckResult up;
    CheckResult down;
    try {
      System.gc(); // a full collection: the array is in the old generation after GC
      up = JvmChecks.heapAfterGc(1.0).build().check().check();
      down = JvmChecks.heapAfterGc(share / 2).build().check().check();
    } finally {
      Reference.reachabilityFence(retained);
    }

    assertThat(up.status()).isEqualTo(Status.UP);
    assertThat((Double) up.details().get("heapAfterGcRatio")).isBetween(share, 1.0);
    assertThat(down.status())
        .as("limit %s, under what the array fills", share / 2)
        .isEqualTo(Status.DOWN);
    assertThat(down.error()).startsWith("heap after GC at ");
  }

  @Test
  void heapGroupComesFromSettings() {
    CheckConfig live =
        JvmChecks.heapAfterGc(
                Settings.of(
                    Map.of(
                        "HEADROOM_HEALTH_HEAP_GROUP", "liveness",
                        "HEADROOM_HEALTH_HEAP_MAX_RATIO", "0.8")))
            .build();
    CheckConfig dflt = JvmChecks.heapAfterGc(Settings.empty()).build();

    assertThat(live.groups()).containsExactly(HealthGroup.LIVENESS);
    assertThat(live.dependency()).isFalse();
    assertThat(dflt.groups()).containsExactly(HealthGroup.READINESS);
    assertThatThrownBy(
            () ->
                JvmChecks.heapAfterGc(Settings.of(Map.of("HEADROOM_HEALTH_HEAP_MAX_RATIO", "1.5"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_HEALTH_HEAP_MAX_RATIO");
    assertThatThrownBy(
            () ->
                JvmChecks.heapAfterGc(Settings.of(Map.of("HEADROOM_HEALTH_HEAP_GROUP", "startup"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("HEADROOM_HEALTH_HEAP_GROUP");
  }

  @Test
  void longLivedPoolNamesMatchCommonCollectors() {
    assertThat(JvmChecks.isLongLived("G1 Old Gen")).isTrue();
    assertThat(JvmChecks.isLongLived("PS Old Gen")).isTrue();
    assertThat(JvmChecks.isLongLived("Tenured Gen")).isTrue();
    assertThat(JvmChecks.isLongLived("ZHeap")).isTrue();
    assertThat(JvmChecks.isLongLived("G1 Eden Space")).isFalse();
    assertThat(JvmChecks.isLongLived("G1 Survivor Space")).isFalse();
  }

  @Test
  void noDeadlockIsUp() throws Exception {
    CheckConfig c = JvmChecks.deadlocks().build();

    assertThat(c.groups()).containsExactly(HealthGroup.LIVENESS);
    assertThat(c.check().check()).isEqualTo(CheckResult.up().withDetail("deadlockedThreads", 0));
  }

  @Test
  void realDeadlockIsDownAndNamesTheThreads() throws Exception {
    ReentrantLock a = new ReentrantLock();
    ReentrantLock b = new ReentrantLock();
    CountDownLatch bothHoldOne = new CountDownLatch(2);
    Thread t1 = new Thread(() -> lockBoth(a, b, bothHoldOne), "deadlock-test-1");
    Thread t2 = new Thread(() -> lockBoth(b, a, bothHoldOne), "deadlock-test-2");
    t1.setDaemon(true);
    t2.setDaemon(true);
    t1.start();
    t2.start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ManagementFactory.getThreadMXBean().findDeadlockedThreads() != null);

      CheckResult r = JvmChecks.evaluateDeadlocks(ManagementFactory.getThreadMXBean());

      assertThat(r.status()).isEqualTo(Status.DOWN);
      assertThat(r.error()).isEqualTo("2 deadlocked threads: deadlock-test-1, deadlock-test-2");
      assertThat(r.details()).containsEntry("deadlockedThreads", 2);
    } finally {
      t1.interrupt();
      t2.interrupt();
      t1.join(10_000);
      t2.join(10_000);
    }
    assertThat(JvmChecks.evaluateDeadlocks(ManagementFactory.getThreadMXBean()).status())
        .isEqualTo(Status.UP);
  }

  private static void lockBoth(ReentrantLock first, ReentrantLock second, CountDownLatch ready) {
    try {
      first.lockInterruptibly();
      try {
        ready.countDown();
        ready.await();
        second.lockInterruptibly();
        second.unlock();
      } finally {
        first.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
