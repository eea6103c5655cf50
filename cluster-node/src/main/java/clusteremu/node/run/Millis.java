package clusteremu.node.run;

import java.time.Duration;

/** Durations in settings.json are milliseconds, as in summary.json: readable, and exact to the nanosecond on the way back. */
final class Millis {
  private Millis() {}

  static double of(long nanos) {
    return nanos / 1e6;
  }

  static double of(Duration duration) {
    return of(duration.toNanos());
  }

  static long nanos(double millis) {
    return Math.round(millis * 1e6);
  }
}
