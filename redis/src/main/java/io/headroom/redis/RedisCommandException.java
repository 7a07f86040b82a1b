package io.headroom.redis;

import io.headroom.core.Checks;
import org.jspecify.annotations.Nullable;

/**
 * The server answered with an error, such as a Lua runtime error, {@code WRONGTYPE} or {@code
 * NOSCRIPT}. {@link #errorCode()} is the error's first word, as Redis sends it.
 */
public final class RedisCommandException extends RedisException {
  private static final long serialVersionUID = 1L;

  /** The generic error code, used when the server's error names no other. */
  public static final String ERR = "ERR";

  /** The code of the error {@code EVALSHA} gets when the server does not have the script. */
  public static final String NOSCRIPT = "NOSCRIPT";

  private final String errorCode;

  /**
   * Creates the exception with the generic error code {@value #ERR}.
   *
   * @param message the command and the server's error
   * @param cause the client's exception, or {@code null}
   */
  public RedisCommandException(String message, @Nullable Throwable cause) {
    this(message, ERR, cause);
  }

  /**
   * Creates the exception.
   *
   * @param message the command and the server's error
   * @param errorCode the first word of the server's error: {@code ERR}, {@code WRONGTYPE}, {@code
   *     NOSCRIPT}, ...
   * @param cause the client's exception, or {@code null}
   * @throws IllegalArgumentException if {@code errorCode} is blank
   */
  public RedisCommandException(String message, String errorCode, @Nullable Throwable cause) {
    super(message, false, cause);
    this.errorCode = Checks.notBlank(errorCode, "errorCode");
  }

  /**
   * The first word of the server's error ({@code ERR}, {@code WRONGTYPE}, {@code NOSCRIPT}, {@code
   * BUSY}, ...), or {@value #ERR} when it named none.
   */
  public String errorCode() {
    return errorCode;
  }

  /**
   * The error code of a server error message: its first word when that is upper-case letters (as
   * Redis writes them), else {@value #ERR}.
   */
  static String errorCodeOf(@Nullable String serverError) {
    if (serverError == null) {
      return ERR;
    }
    int end = 0;
    while (end < serverError.length()) {
      char c = serverError.charAt(end);
      if (c < 'A' || c > 'Z') {
        break;
      }
      end++;
    }
    boolean word = end > 0 && (end == serverError.length() || serverError.charAt(end) == ' ');
    return word ? serverError.substring(0, end) : ERR;
  }
}
