package clusteremu.node.config;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/** The key a mistyped one was probably meant to be: the nearest sibling, if it is near enough. */
final class DidYouMean {
  private DidYouMean() {}

  /**
   * The candidate nearest to {@code typed} by edit distance, if within a third of its length
   * (at least 1, at most 3): near enough for a typo, not so far that any short key matches.
   * Ties go to the first in alphabetical order, so the answer never depends on map order.
   */
  static Optional<String> nearest(String typed, Collection<String> candidates) {
    int limit = Math.max(1, Math.min(3, typed.length() / 3));
    String best = null;
    int bestDistance = limit + 1;
    for (String candidate : new TreeSet<>(candidates)) {
      int distance = distance(typed, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Optimal string alignment distance: inserting, deleting or changing a character, or swapping
   * two neighbours ('prot' for 'port'), costs 1 each.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + change);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
