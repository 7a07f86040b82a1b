package io.headroom.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.testkit.Concurrently;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DrainingTest {
  private final HealthRegistry health =
      HealthRegistry.builder()
          .backgroundChecks(false)
          .drainDelay(Duration.ZERO)
          .drainTimeout(Duration.ofSeconds(30))
          .build();
  private final HealthEndpoints endpoints = HealthEndpoints.builder(health).build();

  @Test
  void readinessTurns503AtOnceThenInFlightFinishesThenResourcesCloseInReverse() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    health.register(() -> events.add("closed pool"));
    health.register(() -> events.add("closed redis"));
    health.register(() -> events.add("closed scheduler"));
    health.markStarted();
    assertThat(endpoints.handle("GET", "/health/readiness", n -> null).status()).isEqualTo(200);

    CountDownLatch inRequest = new CountDownLatch(1);
    CountDownLatch finishRequest = new CountDownLatch(1);
    CompletableFuture<String> slowRequest =
        CompletableFuture.supplyAsync(
            () -> {
              InFlightTracker.Request request = health.inFlight().begin();
              try {
                inRequest.countDown();
                finishRequest.await();
                events.add("request done");
                return "response";
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
              } finally {
                request.close();
              }
            });
    inRequest.await();

    CompletableFuture<Void> shutdown = health.shutdownAsync();

    // Readiness turned 503 before shutdownAsync returned; liveness stays up.
    assertThat(health.lifecycle()).isEqualTo(Lifecycle.DRAINING);
    HealthResponse ready = endpoints.handle("GET", "/health/readiness", n -> null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"status\":\"OUT_OF_SERVICE\",\"checks\":[]}");
    assertThat(endpoints.handle("GET", "/health/liveness", n -> null).status()).isEqualTo(200);
    // The app keeps serving during the drain: new requests are still counted and run.
    assertThat(health.inFlight().call(() -> "served while draining"))
        .isEqualTo("served while draining");
    assertThat(health.inFlight().active()).isEqualTo(1);
    assertThat(shutdown).isNotDone();
    assertThat(events).isEmpty();

    finishRequest.countDown();

    assertThat(slowRequest.get(10, TimeUnit.SECONDS)).isEqualTo("response");
    shutdown.get(10, TimeUnit.SECONDS);
    assertThat(events)
        .containsExactly("request done", "closed scheduler", "closed redis", "closed pool");
    assertThat(health.lifecycle()).isEqualTo(Lifecycle.STOPPED);
    assertThat(health.shutdownAsync()).isSameAs(shutdown);
  }

  @Test
  void drainTimeoutBoundsTheWaitForStuckRequests() throws Exception {
    HealthRegistry h =
        HealthRegistry.builder()
            .backgroundChecks(false)
            .drainDelay(Duration.ZERO)
            .drainTimeout(Duration.ofMillis(20))
            .build();
    List<String> events = new CopyOnWriteArrayList<>();
    h.register(() -> events.add("closed"));
    InFlightTracker.Request stuck = h.inFlight().begin();

    h.shutdownAsync().get(10, TimeUnit.SECONDS);

    assertThat(events).containsExactly("closed");
    assertThat(h.inFlight().active()).isEqualTo(1);
    stuck.close();
    stuck.close();
    assertThat(h.inFlight().active()).isZero();
  }

  @Test
  void aResourceThatFailsToCloseDoesNotStopTheOthers() {
    List<String> events = new CopyOnWriteArrayList<>();
    health.register(() -> events.add("first"));
    health.register(
        () -> {
          throw new java.io.IOException("disk gone");
        });
    health.register(() -> events.add("last"));

    health.shutdown();

    assertThat(events).containsExactly("last", "first");
  }

  @Test
  void inFlightCountIsExactUnderContention() throws Exception {
    int threads = 8;
    int perThread = 10_000;
    InFlightTracker tracker = health.inFlight();
    AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();
    Concurrently.run(
        threads + 1,
        t -> {
          if (t == threads) { // one more thread starts the shutdown while the others work
            shutdown.set(health.shutdownAsync());
            return;
          }
          for (int i = 0; i < perThread; i++) {
            tracker.begin().close();
          }
        });
    Objects.requireNonNull(shutdown.get()).get(30, TimeUnit.SECONDS);
    assertThat(tracker.active()).isZero();
  }

  @Test
  void shutdownStopsBackgroundChecks() {
    HealthRegistry h = HealthRegistry.builder().drainDelay(Duration.ZERO).build();
    h.register(CheckConfig.builder("db", CheckResult::up).interval(Duration.ofMillis(10)));
    await().until(() -> h.report().checks().get(0).status() == Status.UP);

    h.shutdown();

    assertThat(h.lifecycle()).isEqualTo(Lifecycle.STOPPED);
    assertThat(h.report(HealthGroup.READINESS).status()).isEqualTo(Status.OUT_OF_SERVICE);
  }
}
