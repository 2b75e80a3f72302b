package dev.obol.stripe;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** {@code POST /stripe/webhook}: the raw body (the signature covers its exact bytes) and the Stripe-Signature header. */
@Controller("/stripe")
public class StripeWebhookController {

  private final StripeWebhook webhook;

  public StripeWebhookController(StripeWebhook webhook) {
    this.webhook = webhook;
  }

  @Post(uri = "/webhook", consumes = MediaType.ALL, produces = MediaType.TEXT_PLAIN)
  @ExecuteOn(TaskExecutors.BLOCKING)
  public HttpResponse<String> receive(@Body String payload, @Nullable @Header("Stripe-Signature") String signature) {
    StripeWebhook.Response response = webhook.receive(payload, signature);
    return HttpResponse.<String>status(io.micronaut.http.HttpStatus.valueOf(response.status())).body(response.body());
  }
}
