package clusteremu.node.security;

import clusteremu.node.config.ScenarioException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A node's certificate chain from its key store, and the checks its peers will make of it when it
 * connects, made here first so that a refusal is a line at start rather than a handshake that
 * times out: valid now, issued by the cluster's authority, for TLS both ways, and naming the
 * address the node binds to. Each failed check throws a {@link ScenarioException} that names the
 * key store and says how to make a certificate that passes.
 */
final class NodeCertificate {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final int DIGITAL_SIGNATURE = 0;

  private final Path keyStore;
  private final X509Certificate[] chain;
  private final X509Certificate certificate;

  NodeCertificate(Path keyStore, X509Certificate[] chain) {
    this.keyStore = keyStore;
    this.chain = chain;
    this.certificate = chain[0];
  }

  void requireValidAt(Instant now, String address) {
    try {
      certificate.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new ScenarioException(
          describe() + " expired at " + certificate.getNotAfter().toInstant() + ": make a new one with " + remedy(address));
    } catch (CertificateNotYetValidException e) {
      throw new ScenarioException(
          describe() + " is not valid before " + certificate.getNotBefore().toInstant() + " (now is " + now
              + "): expected a certificate valid now; check this machine's clock, or make one without --start-date with " + remedy(address));
    }
  }

  /** The chain validates (PKIX, revocation not checked) against the trust store's certificates at {@code now}. */
  void requireIssuedBy(Path trustStore, List<X509Certificate> anchors, Instant now) {
    List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
    // The authority's own certificate closes the chain in a key store; the validator wants the path without it.
    while (path.size() > 1 && isSelfIssued(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    Set<TrustAnchor> trustAnchors = new HashSet<>();
    anchors.forEach(a -> trustAnchors.add(new TrustAnchor(a, null)));
    try {
      PKIXParameters parameters = new PKIXParameters(trustAnchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      X509Certificate top = path.get(path.size() - 1);
      boolean issuerTrusted = anchors.stream().anyMatch(a -> a.getSubjectX500Principal().equals(top.getIssuerX500Principal()));
      if (!issuerTrusted) {
        throw new ScenarioException(
            describe() + " was issued by " + top.getIssuerX500Principal().getName() + ", which " + trustStore
                + " does not trust: the nodes of one cluster need certificates from one authority (" + trustStore + " trusts "
                + anchors.stream().map(a -> a.getSubjectX500Principal().getName()).toList() + ")");
      }
      throw new ScenarioException(
          describe() + " does not validate against " + trustStore + " (" + e.getMessage()
              + "): expected a certificate that scripts/certs node made with the authority whose certificate " + trustStore + " holds",
          e);
    } catch (GeneralSecurityException e) {
      throw new ScenarioException(describe() + " cannot be validated (" + e.getMessage() + ")", e);
    }
  }

  /** A node both accepts connections and makes them: its certificate must be for server and client authentication. */
  void requireUsableBothWays(String address) {
    List<String> usages;
    try {
      usages = certificate.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new ScenarioException(describe() + " has an unreadable extended key usage (" + e.getMessage() + "): make a new one with " + remedy(address), e);
    }
    boolean[] keyUsage = certificate.getKeyUsage();
    boolean bothWays = usages == null || usages.contains(ANY_USAGE) || (usages.contains(SERVER_AUTH) && usages.contains(CLIENT_AUTH));
    boolean signs = keyUsage == null || keyUsage[DIGITAL_SIGNATURE];
    if (!bothWays || !signs) {
      throw new ScenarioException(
          describe() + " is not for TLS both ways: a node accepts connections and makes them, so it needs extended key usage"
              + " serverAuth and clientAuth and key usage digitalSignature; make a new one with " + remedy(address));
    }
  }

  void requireNames(String address) {
    List<String> names = SubjectAltNames.of(certificate);
    if (!SubjectAltNames.include(names, address)) {
      throw new ScenarioException(
          describe() + " names " + names + " but the node binds to " + address
              + ": peers verifying the host name would refuse it; make it with " + remedy(address));
    }
  }

  /** "DIR/n1.p12's certificate (subject CN=n1)" */
  private String describe() {
    return keyStore + "'s certificate (subject " + certificate.getSubjectX500Principal().getName() + ")";
  }

  /** The command that makes a certificate which passes, in place of this one. */
  private String remedy(String address) {
    Path dir = keyStore.getParent() == null ? Path.of(".") : keyStore.getParent();
    String file = keyStore.getFileName().toString();
    String name = file.endsWith(".p12") ? file.substring(0, file.length() - ".p12".length()) : file;
    return "scripts/certs node " + dir + " " + name + " --address " + address
        + " (after removing " + keyStore + ")";
  }

  private static boolean isSelfIssued(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
  }
}
