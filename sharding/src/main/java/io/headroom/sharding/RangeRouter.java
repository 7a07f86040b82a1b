package io.headroom.sharding;

import io.headroom.core.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Buckets by binary search over ascending split points. */
final class RangeRouter implements ShardRouter<String> {
  private final String[] splits;
  private final String[] labels;
  private final Comparator<String> order;
  private final String description;

  private RangeRouter(
      List<String> splits, List<String> labels, Comparator<String> order, String description) {
    this.splits = splits.toArray(new String[0]);
    this.labels = labels.toArray(new String[0]);
    this.order = order;
    this.description = description;
  }

  static RangeRouter ofPrefixes(List<String> ranges) {
    Checks.argument(!ranges.isEmpty(), "ranges must not be empty");
    List<String> splits = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    char previousEnd = 0;
    for (int i = 0; i < ranges.size(); i++) {
      String r = Checks.notNull(ranges.get(i), "ranges[" + i + "]").trim();
      Checks.argument(
          r.length() == 3 && r.charAt(1) == '-', "ranges[%s] must look like A-F: '%s'", i, r);
      char from = Character.toUpperCase(r.charAt(0));
      char to = Character.toUpperCase(r.charAt(2));
      Checks.argument(from <= to, "ranges[%s] must have start <= end: '%s'", i, r);
      if (i > 0) {
        Checks.argument(
            from == previousEnd + 1,
            "ranges must be contiguous and ascending: '%s' does not follow '%s'",
            r,
            ranges.get(i - 1));
        splits.add(String.valueOf(from));
      }
      labels.add(r.toUpperCase(Locale.ROOT));
      previousEnd = to;
    }
    return new RangeRouter(
        splits,
        labels,
        String.CASE_INSENSITIVE_ORDER,
        "ShardRouter.prefixRanges(" + String.join(", ", labels) + ")");
  }

  static RangeRouter ofSplits(List<String> splitPoints) {
    List<String> splits = List.copyOf(Checks.notNull(splitPoints, "splitPoints"));
    for (int i = 1; i < splits.size(); i++) {
      Checks.argument(
          splits.get(i - 1).compareTo(splits.get(i)) < 0,
          "splitPoints must be strictly ascending: '%s' then '%s'",
          splits.get(i - 1),
          splits.get(i));
    }
    List<String> labels = new ArrayList<>();
    for (int b = 0; b <= splits.size(); b++) {
      String lo = b == 0 ? "" : splits.get(b - 1);
      String hi = b == splits.size() ? "" : splits.get(b);
      labels.add("[" + lo + ".." + hi + ")");
    }
    return new RangeRouter(
        splits,
        labels,
        Comparator.naturalOrder(),
        "ShardRouter.ranges(" + String.join(", ", splits) + ")");
  }

  @Override
  public int bucket(String key) {
    Checks.notNull(key, "key");
    int lo = 0;
    int hi = splits.length;
    // The number of split points <= key.
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (order.compare(splits[mid], key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Override
  public int bucketCount() {
    return splits.length + 1;
  }

  @Override
  public String strategy() {
    return "range";
  }

  @Override
  public String bucketLabel(int bucket) {
    Checks.inRange(bucket, 0, splits.length, "bucket");
    return labels[bucket];
  }

  @Override
  public String toString() {
    return description;
  }
}
