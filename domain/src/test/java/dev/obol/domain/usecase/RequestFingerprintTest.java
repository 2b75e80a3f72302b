package dev.obol.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCount;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stored fingerprint must survive a deploy: a request sent before it and retried after it must still get its first
 * answer back, not REQUEST_ID_CONFLICT. These literals are what the release that first stored them computed (from
 * records' {@code toString()} then, from explicit values now). A change that alters one of them (a renamed field, a
 * reordered or new part) breaks the retries in flight across the deploy: it needs a plan, not a new literal.
 */
class RequestFingerprintTest {

  static final AccountId ALICE = AccountId.of("alice");
  static final RequestId REQUEST = RequestId.of("req-1");

  @Test
  void a_debit_by_feature_keeps_its_fingerprint() {
    assertThat(new DebitCommand(ALICE, Pricing.of("image", 3, null, 0), REQUEST, Map.of("b", "2", "a", "1"))
            .fingerprint())
        .isEqualTo("074bd5f99449d66a43b042ec55a9c44453380453503dd1a9bb3fcf8e58041127");
  }

  @Test
  void a_debit_by_amount_keeps_its_fingerprint() {
    assertThat(new DebitCommand(ALICE, Pricing.of(null, 0, Asset.EUR, 250), REQUEST, Map.of()).fingerprint())
        .isEqualTo("03226461b3d763acb2596ad498f2bd3586b6f3d10c996ca9dee92e867b7b6393");
  }

  @Test
  void a_grant_keeps_its_fingerprint() {
    assertThat(GrantCommand.of(ALICE, Asset.TOKEN, 500, GrantSource.PURCHASE, "launch", REQUEST)
            .withReference("cs_1")
            .withExpiry(Instant.parse("2030-01-02T03:04:05.123456Z"))
            .fingerprint())
        .isEqualTo("76864d060d490b4d1edce8b3f003048b7e679c81ca53ee4d4578d9e7e2be20f4");
    assertThat(GrantCommand.of(ALICE, Asset.EUR, 7, GrantSource.SUBSCRIPTION_QUOTA, null, REQUEST).fingerprint())
        .isEqualTo("c592b75b1098cef7fbc55d62a78c4b4fd8e27777598c5a98528069930d390d0f");
  }

  @Test
  void a_reversal_keeps_its_fingerprint() {
    assertThat(new ReverseDebitCommand(ALICE, "dbt_1", 0, "refund", REQUEST).fingerprint())
        .isEqualTo("35b1c03bc4e5f17a0142e7423b20e8ecfd37142267a5f3ba12e3db2802d39040");
  }

  @Test
  void a_seat_count_keeps_its_fingerprint() {
    assertThat(new SetSeatCountCommand(ALICE, SeatCount.of(30), REQUEST).fingerprint())
        .isEqualTo("e73ad95e3dd751e11d4e686315a5b747099058923d97ca87e9753cf48a6ae4a2");
  }

  @Test
  void a_suspension_and_a_reinstatement_keep_their_fingerprints() {
    assertThat(new StatusChangeCommand(ALICE, "fraud", REQUEST).suspendFingerprint())
        .isEqualTo("968396d8df023a8041a30f8582a8f82bbfd560a6e4e091a4621d3e2271a9417c");
    assertThat(new StatusChangeCommand(ALICE, null, REQUEST).reinstateFingerprint())
        .isEqualTo("9d584bf4a40e4fba8378ea661380a99d548dbec3e5c189342ceb9260b73bcbd5");
  }

  @Test
  void a_monthly_charge_run_keeps_its_fingerprint() {
    assertThat(MonthlyChargeCommand.fingerprint(ChargePeriod.parse("2026-11")))
        .isEqualTo("9b0b00eaa840a7180b546f4fce3f4f1cff63153215c006146912bf23eff24fdc");
  }

  @Test
  void an_api_key_request_keeps_its_fingerprint() {
    CreateApiKeyCommand bound =
        new CreateApiKeyCommand(
            "portal",
            java.util.Set.of(dev.obol.domain.security.Scope.WALLET_READ, dev.obol.domain.security.Scope.WALLET_DEBIT),
            ALICE,
            Instant.parse("2026-12-02T00:00:00Z"),
            REQUEST);
    CreateApiKeyCommand unbound =
        new CreateApiKeyCommand("admin", java.util.Set.of(dev.obol.domain.security.Scope.ADMIN), null, null, REQUEST);
    assertThat(bound.fingerprint()).isEqualTo("8262fb4c16f31b7fe27e7d681cf46d4acbf0ea055dc9236a289d0ef94bc93266");
    assertThat(unbound.fingerprint()).isEqualTo("286789babf2d32596e93c7b7020545103c2ac76bd1f1e648fc276182ccde061e");
  }
}
