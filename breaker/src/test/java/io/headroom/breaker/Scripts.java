package io.headroom.breaker;

import io.headroom.testkit.FakeTicker;
import java.time.Duration;

/** Helpers that drive a breaker through scripted outcomes on a fake ticker. */
final class Scripts {
  private Scripts() {}

  static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom() {
      super("boom", null, false, false);
    }
  }

  static void succeed(Breaker b) {
    String unused = b.call(() -> "ok");
  }

  static void fail(Breaker b) {
    try {
      b.call(
          () -> {
            throw new Boom();
          });
    } catch (Boom expected) {
      // the failure is the point
    }
  }

  /** A successful call that takes {@code took} on the fake ticker. */
  static void slow(Breaker b, FakeTicker time, Duration took) {
    String unused =
        b.call(
            () -> {
              time.advance(took);
              return "ok";
            });
  }
}
