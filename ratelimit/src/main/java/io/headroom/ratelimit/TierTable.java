package io.headroom.ratelimit;

import io.headroom.core.Checks;
import io.headroom.core.Settings;
import io.headroom.core.SettingsException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The limits each {@link Tier} gets for each {@link RateLimitPreset}. By default {@code free} gets
 * the preset, {@code pro} five times its permits, {@code premium} ten times, and {@code admin} is
 * unlimited (an empty list of limits).
 *
 * <table>
 *   <caption>Settings read by {@link #from(Settings)}, module-wide under {@code
 *   HEADROOM_RATELIMIT_} ({@link Settings#forModule forModule("ratelimit")})</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code TIER_<TIER>_MULTIPLIER}</td><td>free 1, pro 5, premium 10</td>
 *       <td>scales the permits of every preset (rounded down, at least 1)</td></tr>
 *   <tr><td>{@code TIER_<TIER>_<PRESET>}</td><td>the scaled preset</td>
 *       <td>explicit limits, e.g. {@code 500/1m,10000/1h}, or {@code unlimited}</td></tr>
 * </table>
 *
 * <pre>{@code
 * TierTable tiers = TierTable.from(Settings.fromEnvironment());
 * List<Limit> l = tiers.limits(Tier.PRO, RateLimitPreset.API);   // [500/PT1M]
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TierTable {
  /**
   * Reads a limit list, {@code "5/1m,5/15m"}, or {@code unlimited} (an empty list); also the parser
   * of a limiter's {@code LIMITS} setting.
   */
  static final Settings.Parser<List<Limit>> LIMITS = TierTable::parseLimits;

  private final Map<Tier, Map<RateLimitPreset, List<Limit>>> table;

  private TierTable(Map<Tier, Map<RateLimitPreset, List<Limit>>> table) {
    this.table = table;
  }

  /** The default table (no settings). */
  public static TierTable defaults() {
    return from(Settings.empty());
  }

  /**
   * Reads the table from {@code settings}; see the class javadoc for the keys.
   *
   * @throws SettingsException naming the key and the value when one is malformed
   */
  public static TierTable from(Settings settings) {
    Settings s = Checks.notNull(settings, "settings").forModule(RateLimiter.Builder.MODULE);
    Map<Tier, Map<RateLimitPreset, List<Limit>>> t = new EnumMap<>(Tier.class);
    for (Tier tier : Tier.values()) {
      String tierKey = "TIER_" + tier.name() + "_";
      double multiplier = s.getDouble(tierKey + "MULTIPLIER", defaultMultiplier(tier));
      if (!(multiplier > 0) || multiplier > 1_000_000) {
        throw s.invalid(
            tierKey + "MULTIPLIER", String.valueOf(multiplier), "expected a number in (0, 1e6]");
      }
      Map<RateLimitPreset, List<Limit>> row = new EnumMap<>(RateLimitPreset.class);
      for (RateLimitPreset preset : RateLimitPreset.values()) {
        String key = tierKey + preset.name();
        List<Limit> limits;
        if (s.contains(key)) {
          limits = s.get(key, LIMITS, List.of());
        } else if (tier == Tier.ADMIN) {
          limits = List.of();
        } else {
          limits = scale(preset.limits(), multiplier);
        }
        row.put(preset, limits);
      }
      t.put(tier, row);
    }
    return new TierTable(t);
  }

  private static double defaultMultiplier(Tier tier) {
    return switch (tier) {
      case FREE -> 1;
      case PRO -> 5;
      case PREMIUM -> 10;
      case ADMIN -> 1;
    };
  }

  private static List<Limit> scale(List<Limit> limits, double multiplier) {
    List<Limit> out = new ArrayList<>(limits.size());
    for (Limit l : limits) {
      long p =
          (long) Math.max(1, Math.min(Limit.MAX_PERMITS, Math.floor(l.permits() * multiplier)));
      out.add(new Limit(p, l.window()));
    }
    return List.copyOf(out);
  }

  /**
   * Parses a comma-separated limit list ({@code "5/1m,5/15m"}) or {@code unlimited}.
   *
   * @throws IllegalArgumentException saying what is wrong (the settings add the key and the value)
   */
  private static List<Limit> parseLimits(String value) {
    if (value.trim().toLowerCase(Locale.ROOT).equals("unlimited")) {
      return List.of();
    }
    List<Limit> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      try {
        out.add(Limit.parse(part));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage() + "; expected e.g. 100/1m,1000/1h or unlimited", e);
      }
    }
    Spec.checkDistinct(out);
    return List.copyOf(out);
  }

  /** The limits of {@code tier} for {@code preset}; empty means unlimited. */
  public List<Limit> limits(Tier tier, RateLimitPreset preset) {
    Checks.notNull(tier, "tier");
    Checks.notNull(preset, "preset");
    Map<RateLimitPreset, List<Limit>> row = table.get(tier);
    List<Limit> l = row == null ? null : row.get(preset);
    return l == null ? List.of() : l;
  }

  @Override
  public String toString() {
    return "TierTable" + table;
  }
}
