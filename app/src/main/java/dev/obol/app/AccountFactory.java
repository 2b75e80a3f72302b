package dev.obol.app;

import dev.obol.app.notify.HttpNotificationSender;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.usecase.AccountUseCases;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.port.NotificationSender;
import dev.obol.domain.port.Outbox;
import dev.obol.domain.service.NotificationRelay;
import dev.obol.domain.service.AutoRechargeTrigger;
import dev.obol.domain.service.SeatFeeLadder;
import dev.obol.domain.service.AccountService;
import dev.obol.persistence.PostgresAccountStore;
import dev.obol.persistence.OutboxRepository;
import dev.obol.persistence.PostgresOutbox;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires per-seat plans, standing, the monthly charge and notifications. */
@Factory
public class AccountFactory {

  private static final Logger LOG = LoggerFactory.getLogger(AccountFactory.class);

  /** The default plan's formula; the domain takes any plan's, so per-account plans need no domain change. */
  @Singleton
  SeatFeeFormula seatFeeFormula(
      @Property(name = "obol.seat-fee.base", defaultValue = "500") long baseCents,
      @Property(name = "obol.seat-fee.per-extra", defaultValue = "200") long perExtraCents) {
    return new SeatFeeFormula(baseCents, perExtraCents);
  }

  /**
   * The ladder is also a GrantWriter.AfterCredit (collects what is owed, clears the low-balance flag, announces
   * credits) and a WalletService.AfterDebit (raises the flag): WalletFactory picks it up by those types.
   */
  @Singleton
  SeatFeeLadder seatFeeLadder(SeatFeeFormula formula, IdGenerator ids, AutoRechargeTrigger autoRecharge) {
    return new SeatFeeLadder(formula, ids, List.of(autoRecharge));
  }

  @Singleton
  AccountUseCases accountUseCases(
      PostgresAccountStore store, SeatFeeLadder ladder, Clock clock, Activity activity) {
    return new AccountService(
        store,
        store,
        ladder,
        clock,
        (accountId, period, error) ->
            LOG.error("monthly charge {} of account {} failed and was rolled back; a re-run retries it",
                period, accountId, error),
        activity);
  }

  @Singleton
  Outbox outbox(OutboxRepository rows) {
    return new PostgresOutbox(rows);
  }

  @Singleton
  NotificationRelay notificationRelay(
      Outbox outbox,
      Clock clock,
      @Property(name = "obol.notify.urls", defaultValue = "") String urls,
      @Property(name = "obol.notify.secret", defaultValue = "") String secret,
      @Property(name = "obol.notify.retention", defaultValue = "30d") Duration retention) {
    List<String> endpoints = Arrays.stream(urls.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
    for (String endpoint : endpoints) {
      // Fail at startup, not on every delivery attempt.
      URI uri = URI.create(endpoint);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("obol.notify.urls: not an http(s) URL: " + endpoint);
      }
    }
    // Without endpoints nothing is sent (events wait in the outbox); with endpoints, a secret is required.
    NotificationSender sender =
        endpoints.isEmpty()
            ? (endpoint, notification) -> "no endpoint configured"
            : new HttpNotificationSender(secret, clock);
    return new NotificationRelay(outbox, sender, endpoints, clock, retention);
  }
}
