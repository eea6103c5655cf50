package clusteremu.node.security;

import clusteremu.node.config.ScenarioException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The bearer token of the control API, read from the file {@code scripts/certs init} writes. The
 * server compares it with each request's {@code Authorization: Bearer} header and the client sends
 * it, so both read it here: a short or malformed token is refused before anything listens.
 */
public final class BearerToken {
  /** Shorter tokens can be guessed; scripts/certs writes 40 characters. */
  static final int MINIMUM_LENGTH = 16;

  /** What an HTTP header can carry as a bearer token (RFC 6750's token68, without '='). */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+");

  private static final String EXPECTED =
      "expected a file whose first line is a bearer token of at least "
          + MINIMUM_LENGTH
          + " letters, digits or -._~+/, as scripts/certs init writes";

  private BearerToken() {}

  /** The first line of {@code file}, trimmed; a {@link ScenarioException} naming the file if it is not a usable token. */
  public static String readToken(Path file) {
    String token = SecretFile.firstLine(file, EXPECTED);
    if (token.length() < MINIMUM_LENGTH) {
      throw new ScenarioException(file + " holds a token of " + token.length() + " characters: " + EXPECTED);
    }
    if (!TOKEN.matcher(token).matches()) {
      throw new ScenarioException(file + " holds a token with characters an HTTP header cannot carry: " + EXPECTED);
    }
    return token;
  }
}
