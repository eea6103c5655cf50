package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.config.ScenarioException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control API's token file: what scripts/certs writes is read back; anything shorter or missing is refused by name. */
class BearerTokenTest {
  private static final String EXPECTED =
      "expected a file whose first line is a bearer token of at least 16 letters, digits or -._~+/, as scripts/certs init writes";

  @TempDir Path temp;

  @Test
  void theTokenScriptsCertsWritesIsRead() throws IOException {
    Path file = Authorities.made().a.resolve("token");
    String token = BearerToken.readToken(file);
    assertEquals(Files.readAllLines(file).get(0), token);
    assertTrue(token.length() >= 32 && token.matches("[A-Za-z0-9]+"), token);
  }

  @Test
  void theFirstLineIsTrimmed() throws IOException {
    Path file = Files.writeString(temp.resolve("token"), " 0123456789abcdefXYZ \nignored\n");
    assertEquals("0123456789abcdefXYZ", BearerToken.readToken(file));
  }

  @Test
  void aShortTokenIsRefused() throws IOException {
    Path file = Files.writeString(temp.resolve("token"), "0123456789abcde\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> BearerToken.readToken(file));
    assertEquals(file + " holds a token of 15 characters: " + EXPECTED, e.getMessage());
  }

  @Test
  void aTokenWithSpacesIsRefused() throws IOException {
    Path file = Files.writeString(temp.resolve("token"), "0123456789 abcdef\n");
    ScenarioException e = assertThrows(ScenarioException.class, () -> BearerToken.readToken(file));
    assertEquals(file + " holds a token with characters an HTTP header cannot carry: " + EXPECTED, e.getMessage());
  }

  @Test
  void anEmptyOrMissingFileIsRefused() throws IOException {
    Path empty = Files.writeString(temp.resolve("token"), "");
    assertEquals(empty + " is empty: " + EXPECTED, assertThrows(ScenarioException.class, () -> BearerToken.readToken(empty)).getMessage());
    Path missing = temp.resolve("none");
    assertEquals(missing + " does not exist: " + EXPECTED, assertThrows(ScenarioException.class, () -> BearerToken.readToken(missing)).getMessage());
  }
}
