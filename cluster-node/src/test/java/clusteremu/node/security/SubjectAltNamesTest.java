package clusteremu.node.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How an address is found among a certificate's names: as an address for IP literals, ignoring case for host names, never by a DNS look-up. */
class SubjectAltNamesTest {
  private static final List<String> NAMES = List.of("ip:10.0.0.5", "ip:0:0:0:0:0:0:0:1", "dns:node1.example.org", "dns:*.rack2.example.org");

  @Test
  void ipLiteralsCompareAsAddresses() {
    assertTrue(SubjectAltNames.include(NAMES, "10.0.0.5"));
    assertTrue(SubjectAltNames.include(NAMES, "::1"));
    assertTrue(SubjectAltNames.include(NAMES, "[::1]"));
    assertFalse(SubjectAltNames.include(NAMES, "10.0.0.6"));
    assertFalse(SubjectAltNames.include(NAMES, "127.0.0.1"));
  }

  @Test
  void hostNamesCompareIgnoringCaseWithOneLeadingWildcardLabel() {
    assertTrue(SubjectAltNames.include(NAMES, "NODE1.example.org"));
    assertTrue(SubjectAltNames.include(NAMES, "host7.rack2.example.org"));
    assertFalse(SubjectAltNames.include(NAMES, "a.host7.rack2.example.org"));
    assertFalse(SubjectAltNames.include(NAMES, "localhost"));
  }

  @Test
  void anAddressThatOnlyLooksLikeAnIpLiteralMatchesNothing() {
    assertFalse(SubjectAltNames.include(List.of("dns:999.0.0.1", "ip:10.0.0.5"), "999.0.0.1"));
    assertFalse(SubjectAltNames.include(NAMES, "::zz"));
  }
}
