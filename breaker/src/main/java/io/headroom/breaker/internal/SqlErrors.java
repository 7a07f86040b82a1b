package io.headroom.breaker.internal;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The one rule for which SQL errors are the database's answer rather than its failure. Not API.
 *
 * <p>An answer is a {@link SQLException} (anywhere in the cause chain) whose SQLState class is
 * {@code 22} (data exception: a bad value, division by zero), {@code 23} (integrity constraint
 * violation: unique key, foreign key, not null, check) or {@code 42} (syntax error or access rule
 * violation). The database handled those requests correctly, so they must not open a breaker: a
 * flood of duplicate-key inserts says nothing about the database's health. Everything else
 * (connection errors, timeouts, resource exhaustion, shutdown) is a failure.
 */
public final class SqlErrors {
  private SqlErrors() {}

  /** Whether {@code error} is, or is caused by, a SQL error that is the database's answer. */
  public static boolean isAnswer(@Nullable Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < 32; depth++) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"))) {
          return true;
        }
      }
      Throwable cause = t.getCause();
      t = cause == t ? null : cause;
    }
    return false;
  }
}
