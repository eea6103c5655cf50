package clusteremu.node.scenario;

import java.nio.file.Path;

/**
 * How a scenario's nodes authenticate each other and the control API's clients ({@code
 * clusteremu.security} and {@code clusteremu.control.token-file}); paths are absolute, resolved
 * against the scenario file's folder. Null paths are not set.
 *
 * @param tls Artery over TLS with mutual authentication, instead of plain TCP
 * @param keyStore the key store of nodes whose machine names none of its own
 * @param trustStore the authority every node's certificate must be issued by
 * @param passwordFile holds the password of the key stores, their keys and the trust store
 * @param tokenFile holds the bearer token the control API asks for when it binds beyond loopback
 */
public record Security(boolean tls, Path keyStore, Path trustStore, Path passwordFile, Path tokenFile) {}
