package clusteremu.node.config;

/**
 * A scenario that cannot run, with a message for the user that names the file, the key and what
 * was expected. Command lines print it on one line and exit with status 2.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScenarioException(String message) {
    super(message);
  }

  public ScenarioException(String message, Throwable cause) {
    super(message, cause);
  }
}
