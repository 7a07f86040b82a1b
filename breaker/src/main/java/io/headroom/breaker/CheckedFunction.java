package io.headroom.breaker;

import org.jspecify.annotations.Nullable;

/**
 * A function that may throw any exception, for {@link Breaker#guard}.
 *
 * @param <C> the argument type
 * @param <T> the result type
 */
@FunctionalInterface
public interface CheckedFunction<C extends @Nullable Object, T extends @Nullable Object> {
  /**
   * Makes the call.
   *
   * @throws Exception when the call fails
   */
  T apply(C context) throws Exception;
}
