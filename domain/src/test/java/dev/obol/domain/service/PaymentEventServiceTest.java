package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.port.PaymentEventParser;
import dev.obol.domain.testing.AnyPaymentEvent;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Unreadable events, refused inputs and reprocessing, over the in-memory stores. */
class PaymentEventServiceTest {

  private static final AccountId ACCOUNT = AccountId.of("acct-1");

  private final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private final InMemoryAccountStore accounts = new InMemoryAccountStore(clock);

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(accounts), clock::instant);
  private final InMemoryPaymentStore payments = new InMemoryPaymentStore(accounts);
  /** What the current code reads each payload as; a payload it does not know is unreadable. */
  private final Map<String, PaymentEvent> readable = new HashMap<>();
  private int parsed;
  private final PaymentEventParser parser =
      payload -> {
        parsed++;
        return readable.getOrDefault(payload, new PaymentEvent.Unreadable("cannot read " + payload));
      };
  private final PaymentEventService service =
      new PaymentEventService(payments, new GrantWriter(new SequentialIds()), parser, clock);

  @Test
  void anUnreadableEventIsStoredWithWhyAndWritesNothingButShouldNotFail() {
    EventResult result = service.handle(received("evt_1", "{bad"), new PaymentEvent.Unreadable("id is missing"));

    assertThat(result).isEqualTo(new EventResult.Processed(EventOutcome.unreadable("id is missing")));
    assertThat(payments.event("evt_1").orElseThrow().outcome()).isEqualTo(EventOutcome.unreadable("id is missing"));
    assertThat(payments.event("evt_1").orElseThrow().payload()).isEqualTo("{bad");
    assertThat(service.handle(received("evt_1", "{bad"), new PaymentEvent.Unreadable("id is missing")))
        .isEqualTo(new EventResult.Duplicate());
  }

  @Test
  void aTopUpThatGrantsNothingIsIgnoredAndCreatesNoAccount() {
    for (long cents : new long[] {0, -2500}) {
      EventResult result = service.handle(received("evt_t" + cents, "{}"), topUp("cs_" + cents, cents));

      assertThat(result).isInstanceOfSatisfying(EventResult.Processed.class,
          processed -> assertThat(processed.outcome().code()).isEqualTo(Code.IGNORED));
    }
    assertThat(accounts.findAccount(ACCOUNT)).isEmpty();
    assertThat(payments.payments(ACCOUNT)).isEmpty();
  }

  @Test
  void reprocessingAStoredUnreadableEventThatIsReadableNowAppliesItOnce() {
    payments.store("evt_2", "checkout.session.completed", "paid", EventOutcome.unreadable("an older rule"));
    readable.put("paid", topUp("cs_2", 2500));

    EventOutcome first = service.reprocess("evt_2");
    EventOutcome again = service.reprocess("evt_2");

    assertThat(first.code()).isEqualTo(Code.GRANTED);
    assertThat(again).isEqualTo(first);
    assertThat(accounts.grants(ACCOUNT)).singleElement().satisfies(g -> assertThat(g.amount()).isEqualTo(2500));
    assertThat(payments.event("evt_2").orElseThrow().outcome()).isEqualTo(first);
    assertThat(payments.event("evt_2").orElseThrow().accountId()).isEqualTo(ACCOUNT);
    // A redelivery after the reprocess is a duplicate.
    assertThat(service.handle(received("evt_2", "paid"), topUp("cs_2", 2500))).isEqualTo(new EventResult.Duplicate());
  }

  @Test
  void reprocessingWhatStillCannotBeReadStoresTheCurrentReason() {
    payments.store("evt_3", "charge.refunded", "junk", EventOutcome.unreadable("an older reason"));

    assertThat(service.reprocess("evt_3")).isEqualTo(EventOutcome.unreadable("cannot read junk"));
    assertThat(payments.event("evt_3").orElseThrow().outcome()).isEqualTo(EventOutcome.unreadable("cannot read junk"));
    assertThat(accounts.findAccount(ACCOUNT)).isEmpty();
  }

  @Test
  void anAppliedEventKeepsItsOutcomeAndIsNotReadAgain() {
    service.handle(received("evt_4", "paid"), topUp("cs_4", 2500));
    readable.put("paid", topUp("cs_other", 9999));
    parsed = 0;

    EventOutcome outcome = service.reprocess("evt_4");

    assertThat(outcome.code()).isEqualTo(Code.GRANTED);
    assertThat(parsed).isZero();
    assertThat(accounts.grants(ACCOUNT)).hasSize(1);
  }

  @Test
  void anIgnoredEventIsReadAgainBecauseItWroteNothing() {
    service.handle(received("evt_5", "paid"), topUp("cs_5", 0));
    readable.put("paid", topUp("cs_5", 2500));

    assertThat(service.reprocess("evt_5").code()).isEqualTo(Code.GRANTED);
    assertThat(accounts.grants(ACCOUNT)).hasSize(1);
  }

  @Test
  void reprocessingAnUnknownEventIsNotFoundAndABlankIdInvalid() {
    assertThatThrownBy(() -> service.reprocess("evt_none"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.reason()).isEqualTo("EVENT_NOT_FOUND"));
    assertThatThrownBy(() -> service.reprocess(" ")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void everyEventTypeIsDispatchedWithoutReachingAnAccountWhenItNamesNone() {
    for (Class<?> type : PaymentEvent.class.getPermittedSubclasses()) {
      EventResult result = service.handle(received("evt_" + type.getSimpleName(), "{}"), AnyPaymentEvent.of(type));

      assertThat(result).as(type.getSimpleName()).isInstanceOfSatisfying(EventResult.Processed.class,
          processed -> assertThat(processed.outcome().code()).isIn(Code.IGNORED, Code.UNREADABLE));
    }
    assertThat(payments.event("evt_Irrelevant").orElseThrow().outcome())
        .isEqualTo(EventOutcome.ignored("event type not used by Obol"));
    assertThat(payments.event("evt_PurchasePending").orElseThrow().outcome())
        .isEqualTo(EventOutcome.ignored("no Obol payment found for this event"));
  }

  private ReceivedEvent received(String eventId, String payload) {
    return new ReceivedEvent(eventId, "checkout.session.completed", payload, clock.instant());
  }

  private static PaymentEvent.PurchasePaid topUp(String sessionId, long cents) {
    return new PaymentEvent.PurchasePaid(
        ACCOUNT, sessionId, "pi_" + sessionId, PaymentKind.TOP_UP, null, cents, cents, "eur");
  }
}
