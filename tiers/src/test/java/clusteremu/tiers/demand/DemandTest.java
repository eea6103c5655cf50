package clusteremu.tiers.demand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DemandTest {
  private static final int N = 200_000;

  private static double[] meanAndCv(Demand demand) {
    SplittableRandom random = new SplittableRandom(3);
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < N; i++) {
      double x = demand.sampleNanos(random);
      sum += x;
      sumSq += x * x;
    }
    double mean = sum / N;
    double sd = Math.sqrt(sumSq / N - mean * mean);
    return new double[] {mean, sd / mean};
  }

  @Test
  void constantIsAlwaysItsMean() {
    double[] m = meanAndCv(Demand.constant(Duration.ofMillis(2)));
    assertEquals(2_000_000, m[0], 1e-6);
    assertEquals(0, m[1], 1e-9);
  }

  @Test
  void exponentialHasItsMeanAndACoefficientOfVariationOfOne() {
    double[] m = meanAndCv(Demand.exponential(Duration.ofMillis(2)));
    assertEquals(2_000_000, m[0], 2_000_000 * 0.01);
    assertEquals(1.0, m[1], 0.02);
  }

  @Test
  void lognormalKeepsTheConfiguredMeanWhateverSigma() {
    double sigma = 0.5;
    double[] m = meanAndCv(Demand.lognormal(Duration.ofMillis(2), sigma));
    assertEquals(2_000_000, m[0], 2_000_000 * 0.01);
    // CV of a lognormal = sqrt(exp(sigma^2) - 1).
    assertEquals(Math.sqrt(Math.exp(sigma * sigma) - 1), m[1], 0.02);
  }

  @Test
  void saysWhatItIsForTheRunsRecord() {
    Demand lognormal = Demand.fromConfig(ConfigFactory.parseString("d { distribution = lognormal, mean = 2ms, sigma = 0.25 }"), "d");
    assertEquals("lognormal", lognormal.distribution());
    assertEquals(0.25, lognormal.sigma());
    Demand exponential = Demand.fromConfig(ConfigFactory.parseString("d { distribution = exponential, mean = 2ms, sigma = 0.25 }"), "d");
    assertEquals("exponential", exponential.distribution());
    assertEquals(0, exponential.sigma(), "an exponential has no shape, whatever the block says");
    assertEquals("constant", Demand.constant(Duration.ofMillis(1)).distribution());
  }

  @Test
  void readsFromConfigAndNamesTheBadKey() {
    Demand demand = Demand.fromConfig(ConfigFactory.parseString("d { distribution = constant, mean = 500us }"), "d");
    assertEquals(500_000, demand.meanNanos());
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> Demand.fromConfig(ConfigFactory.parseString("d { distribution = gaussian, mean = 1ms }"), "d"));
    assertTrue(bad.getMessage().contains("d.distribution"), bad.getMessage());
    assertTrue(bad.getMessage().contains("constant, exponential, lognormal"), bad.getMessage());
  }

  @Test
  void aBadValueIsPlacedWhereItWasWrittenNotWhereTheBlockWas() {
    // A user's block over the defaults: the block is a merge of both, the value is the user's.
    var user = ConfigFactory.parseString("d {\n  mean = 1ms\n  distribution = gaussian\n}", com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("user.conf"));
    var merged = user.withFallback(ConfigFactory.parseString("d { distribution = constant, mean = 2ms }"));
    ConfigException bad = assertThrows(ConfigException.class, () -> Demand.fromConfig(merged, "d"));
    assertEquals("user.conf: 3", bad.origin().description());
  }
}
