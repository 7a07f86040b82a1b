package io.headroom.ratelimit;

import java.util.Locale;

/** A customer tier; {@link TierTable} says what each gets. */
public enum Tier {
  /** Anonymous and free users: the presets as written. */
  FREE,
  /** Paying users: ten times the free limits by default. */
  PREMIUM,
  /** Professional users: five times the free limits by default. */
  PRO,
  /** Operators: unlimited. */
  ADMIN;

  /** The lower-case name, as in settings keys. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
