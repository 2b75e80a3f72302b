package dev.obol.app;

import dev.obol.stripe.StripePaymentGateway;
import java.util.Optional;

/**
 * The configured Stripe client, or none (no secret key). A bean of its own because Micronaut reads an injected
 * {@code Optional<T>} as "a T bean if there is one", not as an optional value.
 */
record StripeProvider(Optional<StripePaymentGateway> gateway) {}
