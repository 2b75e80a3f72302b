package dev.obol.domain.payment;

/** A created checkout: the provider's session id and the page to send the customer to. */
public record CheckoutSession(String sessionId, String url) {}
