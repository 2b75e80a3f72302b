package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;

/** An operator's suspend or reinstate, with the reason kept for the audit trail and the notification. */
public record StatusChangeCommand(AccountId accountId, String reason, RequestId requestId) {

  public StatusChangeCommand {
    Validate.required("account_id", accountId);
    reason = Validate.text("reason", reason);
    Validate.required("request_id", requestId);
  }

  public String suspendFingerprint() {
    return fingerprint("suspend");
  }

  public String reinstateFingerprint() {
    return fingerprint("reinstate");
  }

  private String fingerprint(String operation) {
    return Fingerprint.of(operation, accountId.value(), reason);
  }
}
