package clusteremu.node.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line read as in the scenario files: 30s, 2m, 500ms. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(value)).getDuration("d");
    } catch (ConfigException e) {
      throw new TypeConversionException("'" + value + "' is not a duration; expected a number with a unit, e.g. 30s, 2m, 500ms");
    }
  }
}
