package clusteremu.tiers.protocol;

import clusteremu.tiers.CborSerializable;

/**
 * Handoff mode: the app server has answered the client of the dispatcher's {@code ticket} itself,
 * so the dispatcher can count the request done. It lives here, beside {@link Reply}, so that the
 * app server need not know the dispatcher: requests flow dispatcher to app server, never back.
 */
public record Finished(long ticket, boolean ok) implements CborSerializable {}
