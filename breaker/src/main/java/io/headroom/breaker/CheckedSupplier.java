package io.headroom.breaker;

import org.jspecify.annotations.Nullable;

/**
 * A supplier that may throw a checked exception, for {@link Breaker#callChecked} (JDBC's {@code
 * SQLException}, Jakarta Mail's {@code MessagingException}, {@code IOException}).
 *
 * @param <T> the result type
 * @param <X> the checked exception it may throw
 */
@FunctionalInterface
public interface CheckedSupplier<T extends @Nullable Object, X extends Exception> {
  /**
   * Makes the call.
   *
   * @throws X when the call fails
   */
  T get() throws X;
}
