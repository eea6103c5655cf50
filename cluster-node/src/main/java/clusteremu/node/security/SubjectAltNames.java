package clusteremu.node.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The addresses a certificate is for, as peers that verify host names read them: its subject
 * alternative names of type IP address and DNS name. A node binds to one address and peers dial
 * it, so its certificate must name that address; the common name does not count, nor do localhost
 * and loopback get a pass. Written as keytool takes them ({@code ip:10.0.0.5}, {@code dns:node1}),
 * so a message can show the fix.
 */
final class SubjectAltNames {
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private SubjectAltNames() {}

  /** The certificate's IP and DNS subject alternative names, as {@code ip:...} and {@code dns:...}. */
  static List<String> of(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return names;
    }
    if (entries == null) {
      return names;
    }
    for (List<?> entry : entries) {
      int type = (Integer) entry.get(0);
      if (type == IP_ADDRESS) {
        names.add("ip:" + entry.get(1));
      } else if (type == DNS_NAME) {
        names.add("dns:" + entry.get(1));
      }
    }
    return names;
  }

  /**
   * Whether the names include {@code address}: an IP literal (v4, or v6 with or without brackets)
   * against the {@code ip:} names, compared as addresses; a host name against the {@code dns:}
   * names, ignoring case, where {@code *.} matches one leading label.
   */
  static boolean include(List<String> names, String address) {
    String bare = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (isIpLiteral(bare)) {
      InetAddress wanted = literal(bare);
      return wanted != null
          && names.stream().filter(n -> n.startsWith("ip:")).map(n -> literal(n.substring(3))).anyMatch(wanted::equals);
    }
    String host = bare.toLowerCase(Locale.ROOT);
    return names.stream()
        .filter(n -> n.startsWith("dns:"))
        .map(n -> n.substring(4).toLowerCase(Locale.ROOT))
        .anyMatch(n -> n.equals(host) || (n.startsWith("*.") && host.indexOf('.') > 0 && host.substring(host.indexOf('.')).equals(n.substring(1))));
  }

  /** An address as the {@code --address} of scripts/certs takes it: IP literals become {@code ip:}, the rest {@code dns:}. */
  static boolean isIpLiteral(String address) {
    return IPV4.matcher(address).matches() || address.contains(":");
  }

  /** The address an IP literal stands for; null if it is not a well-formed one. Never a DNS look-up. */
  private static InetAddress literal(String text) {
    try {
      if (IPV4.matcher(text).matches()) {
        // Parsed here: InetAddress.getByName would look "999.0.0.1" up in the DNS.
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int part = Integer.parseInt(parts[i]);
          if (part > 255) {
            return null;
          }
          bytes[i] = (byte) part;
        }
        return InetAddress.getByAddress(bytes);
      }
      // A text with a colon is taken as an IPv6 literal or refused, never looked up.
      return text.contains(":") ? InetAddress.getByName(text) : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
