package io.headroom.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.testkit.FakeTicker;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClassificationTest {
  private final FakeTicker time = new FakeTicker();
  private final BreakerRegistry registry = BreakerRegistry.builder().ticker(time).build();

  /** What a JDBC wrapper such as Spring's DataAccessException does. */
  static final class WrappedSql extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrappedSql(SQLException cause) {
      super("wrapped", cause);
    }
  }

  @Test
  void sqlConstraintViolationsAreNotFailuresForDatabase() {
    Breaker db = registry.breaker("db", BreakerPreset.DATABASE);
    for (int i = 0; i < 50; i++) {
      db.onError(1_000, new WrappedSql(new SQLException("duplicate key", "23505")));
      db.onError(
          1_000, new WrappedSql(new SQLIntegrityConstraintViolationException("fk", "23503")));
    }
    assertThat(db.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(db.snapshot().failedCalls()).isZero();
    assertThat(db.snapshot().bufferedCalls()).isEqualTo(100);
  }

  @Test
  void otherSqlErrorsAreFailures() {
    Breaker db = registry.breaker("db", BreakerPreset.DATABASE);
    for (int i = 0; i < 10; i++) {
      db.onError(1_000, new WrappedSql(new SQLException("connection refused", "08001")));
    }
    assertThat(db.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void detectsClass23AnywhereInTheCauseChain() {
    assertThat(io.headroom.breaker.internal.SqlErrors.isAnswer(new SQLException("x", "23000")))
        .isTrue();
    assertThat(
            io.headroom.breaker.internal.SqlErrors.isAnswer(
                new CompletionException(new WrappedSql(new SQLException("x", "23505")))))
        .isTrue();
    assertThat(io.headroom.breaker.internal.SqlErrors.isAnswer(new SQLException("x", "40001")))
        .isFalse();
    assertThat(io.headroom.breaker.internal.SqlErrors.isAnswer(new SQLException("no state")))
        .isFalse();
    assertThat(io.headroom.breaker.internal.SqlErrors.isAnswer(null)).isFalse();
  }

  @Test
  void otherPresetsCountSqlConstraintViolations() {
    Breaker files = registry.breaker("files", BreakerPreset.FILE_STORAGE);
    for (int i = 0; i < 5; i++) {
      files.onError(1_000, new SQLException("x", "23505"));
    }
    assertThat(files.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void constraintViolationIsRethrownNotSentToTheFallback() {
    Breaker db = registry.breaker("db", BreakerPreset.DATABASE);
    WrappedSql duplicate = new WrappedSql(new SQLException("duplicate key", "23505"));
    AtomicReference<Throwable> fallbackSaw = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                db.call(
                    () -> {
                      throw duplicate;
                    },
                    e -> {
                      fallbackSaw.set(e);
                      return "fallback";
                    }))
        .isSameAs(duplicate);
    assertThat(fallbackSaw.get()).isNull();
  }

  @Test
  void ignoredExceptionsCountNeitherWay() {
    Breaker b = registry.breaker("redis", BreakerPreset.REDIS);
    for (int i = 0; i < 30; i++) {
      b.onError(1_000, new CancellationException());
      b.onError(1_000, new BreakerOpenException("inner", java.time.Duration.ZERO));
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.snapshot().bufferedCalls()).isZero();
  }

  @Test
  void customClassificationAndUnwrapping() {
    BreakerConfig c =
        BreakerPreset.REDIS.config().toBuilder()
            .recordException(e -> !(e instanceof IllegalArgumentException))
            .ignoreExceptions(UncheckedIOException.class)
            .build();
    Breaker b = registry.breaker("custom", c);
    DefaultBreaker impl = (DefaultBreaker) b;
    assertThat(impl.classify(new IllegalArgumentException()))
        .isEqualTo(DefaultBreaker.Kind.SUCCESS);
    assertThat(impl.classify(new UncheckedIOException(new java.io.IOException())))
        .isEqualTo(DefaultBreaker.Kind.IGNORED);
    assertThat(impl.classify(new CancellationException())).isEqualTo(DefaultBreaker.Kind.IGNORED);
    assertThat(impl.classify(new IllegalStateException())).isEqualTo(DefaultBreaker.Kind.FAILURE);
    b.onError(1_000, new CompletionException(new IllegalArgumentException()));
    assertThat(b.snapshot().failedCalls()).isZero();
    assertThat(b.snapshot().bufferedCalls()).isEqualTo(1);
  }
}
