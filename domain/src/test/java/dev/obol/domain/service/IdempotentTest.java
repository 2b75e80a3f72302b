package dev.obol.domain.service;

import static dev.obol.domain.testing.ObolAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.DebitOutcome.Debited;
import dev.obol.domain.usecase.DebitOutcome.Denied;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.port.RequestLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdempotentTest {

  static final RequestId REQUEST = RequestId.of("r-1");
  static final Instant NOW = Instant.parse("2026-11-05T10:00:00Z");

  /** A request log in a map: what Idempotent reads and writes, nothing else. */
  static final class MapLog implements RequestLog {
    final Map<RequestId, StoredRequest> rows = new HashMap<>();

    @Override
    public Optional<StoredRequest> findRequest(RequestId requestId) {
      return Optional.ofNullable(rows.get(requestId));
    }

    @Override
    public void saveRequest(RequestId requestId, Operation operation, String fingerprint, Object result, Instant at) {
      rows.put(requestId, new StoredRequest(operation, fingerprint, result));
    }
  }

  final MapLog log = new MapLog();
  final AtomicInteger runs = new AtomicInteger();

  GrantReceipt grant(String fingerprint) {
    return Idempotent.run(
        log, REQUEST, Operation.GRANT, fingerprint, NOW, () -> new GrantReceipt("grt_" + runs.incrementAndGet(), 5));
  }

  @Test
  void a_new_request_runs_and_its_answer_is_stored() {
    assertThat(grant("f")).isEqualTo(new GrantReceipt("grt_1", 5));
    assertThat(log.rows.get(REQUEST))
        .isEqualTo(new RequestLog.StoredRequest(Operation.GRANT, "f", new GrantReceipt("grt_1", 5)));
  }

  @Test
  void a_retry_gets_the_first_answer_back_without_running_again() {
    grant("f");
    assertThat(grant("f")).isEqualTo(new GrantReceipt("grt_1", 5));
    assertThat(runs).hasValue(1);
  }

  @Test
  void another_payload_or_another_operation_under_the_same_id_is_a_conflict_and_runs_nothing() {
    grant("f");
    assertFails(() -> grant("g"), FailedPreconditionException.class, "REQUEST_ID_CONFLICT");
    assertFails(
        () -> Idempotent.run(log, REQUEST, Operation.REVERSE_DEBIT, "f", NOW, () -> null),
        FailedPreconditionException.class,
        "REQUEST_ID_CONFLICT");
    assertThat(runs).hasValue(1);
  }

  @Test
  void an_answer_of_another_type_than_the_stored_one_is_not_remembered_but_should_not_fail() {
    Denied denied = new Denied(DenialReason.INSUFFICIENT_BALANCE, Asset.TOKEN, 5, 0, true);
    DebitOutcome first = Idempotent.run(log, REQUEST, Operation.CHECK_AND_DEBIT, "f", NOW, () -> denied);
    Debited debited = new Debited("dbt_1", Asset.TOKEN, 5, 0, true);
    DebitOutcome retry = Idempotent.run(log, REQUEST, Operation.CHECK_AND_DEBIT, "f", NOW, () -> debited);

    assertThat(first).isEqualTo(denied);
    assertThat(retry).isEqualTo(debited);
    assertThat(log.rows.get(REQUEST).result()).isEqualTo(debited);
  }
}
