package clusteremu.node.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a series of samples (one per minute of a soak) grew past a limit from where it began.
 * Two ways of judging:
 *
 * <ul>
 *   <li>{@link #eachValue}: every value against the first; the series grew if any value is more
 *       than {@link #LIMIT} above the first (threads, open files: counts that a leak raises
 *       step by step and that do not jitter);
 *   <li>{@link #medians}: the median of the last {@code window} values against the median of the
 *       first {@code window}; the series grew if the one is more than {@link #LIMIT} above the
 *       other (heap after GC: each value depends on when the last collection happened and what
 *       it found in flight, so a single minute may jump by more than the limit and fall back).
 *       With fewer than 2 × {@code window} values the two windows overlap; with fewer than
 *       {@code window} both are the whole series.
 * </ul>
 *
 * Growth is (to − from) / from; "past the limit" is strictly more than 10%, so exactly 10%
 * passes. A negative value means "not available" (a platform that cannot count open files
 * writes −1): a series with one is not judged and passes. Growth from a baseline of 0 is 0 if
 * the value stayed 0 and infinite if it rose.
 */
public final class Growth {
  /** Growth past this fraction of the baseline fails: 10%. */
  public static final double LIMIT = 0.10;

  /** Values at each end that {@link #medians} takes: 3. */
  public static final int WINDOW = 3;

  private Growth() {}

  /** How a series was judged, for the verdict's text and soak.json. */
  public enum Basis {
    EACH_VALUE("each value against the first"),
    MEDIANS("median of the last " + WINDOW + " against the median of the first " + WINDOW);

    private final String text;

    Basis(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /**
   * The verdict on one series. {@code first}, {@code last}: its first and last values; {@code
   * largestGrowth}: the largest growth of any value over the first; {@code baseline}, {@code end}
   * and {@code growth}: what was compared and by how much it grew ({@link Basis#EACH_VALUE}: the
   * first value, the largest, and the largest growth); {@code available}: false when the series
   * is empty or holds a negative value (then nothing else means anything and it passes).
   */
  public record Verdict(
      Basis basis, boolean available, double first, double last, double largestGrowth, double baseline, double end, double growth, boolean grew) {

    static Verdict unavailable(Basis basis) {
      return new Verdict(basis, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false);
    }
  }

  /** Every value against the first: grew if any is more than {@link #LIMIT} above it. */
  public static Verdict eachValue(List<Double> series) {
    if (!available(series)) {
      return Verdict.unavailable(Basis.EACH_VALUE);
    }
    double first = series.get(0);
    double largest = series.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double growth = growth(first, largest);
    return new Verdict(Basis.EACH_VALUE, true, first, series.get(series.size() - 1), growth, first, largest, growth, growth > LIMIT);
  }

  /**
   * The median of the last {@code window} values against the median of the first {@code window}:
   * grew if it is more than {@link #LIMIT} above.
   */
  public static Verdict medians(List<Double> series, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window is " + window + "; expected at least 1");
    }
    if (!available(series)) {
      return Verdict.unavailable(Basis.MEDIANS);
    }
    int n = series.size();
    int w = Math.min(window, n);
    double baseline = median(series.subList(0, w));
    double end = median(series.subList(n - w, n));
    double growth = growth(baseline, end);
    double first = series.get(0);
    double largest = series.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return new Verdict(Basis.MEDIANS, true, first, series.get(n - 1), growth(first, largest), baseline, end, growth, growth > LIMIT);
  }

  /** (to − from) / from; from 0: 0 if {@code to} is 0 too, infinite if it rose. */
  public static double growth(double from, double to) {
    if (from == 0) {
      return to > 0 ? Double.POSITIVE_INFINITY : 0;
    }
    return (to - from) / from;
  }

  /** The middle value, or the mean of the two middle values of an even count. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("the median of no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static boolean available(List<Double> series) {
    return !series.isEmpty() && series.stream().allMatch(v -> v != null && v >= 0);
  }
}
