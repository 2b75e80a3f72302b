package dev.obol.domain.port;

import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import java.time.Instant;
import java.util.Optional;

/** The first answer to each request id of the locked account (AIP-155): what makes a retried write safe. */
public interface RequestLog {

  /** The first answer stored for this request id on this account, if any. */
  Optional<StoredRequest> findRequest(RequestId requestId);

  void saveRequest(RequestId requestId, Operation operation, String fingerprint, Object result, Instant at);

  record StoredRequest(Operation operation, String fingerprint, Object result) {}
}
