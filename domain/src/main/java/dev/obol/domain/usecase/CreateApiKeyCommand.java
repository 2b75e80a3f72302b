package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;
import dev.obol.domain.security.Scope;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * @param accountId null: the key may act on every account
 * @param expiresAt null: never expires
 */
public record CreateApiKeyCommand(
    String name, Set<Scope> scopes, AccountId accountId, Instant expiresAt, RequestId requestId) {

  public static final int NAME_LENGTH_MAX = 128;

  public CreateApiKeyCommand {
    name = Validate.text("name", name);
    if (name == null) {
      throw new InvalidArgumentException("name", "MISSING_FIELD", "name is required");
    }
    if (name.length() > NAME_LENGTH_MAX) {
      throw new InvalidArgumentException(
          "name", "FIELD_TOO_LONG", "name is longer than " + NAME_LENGTH_MAX + " characters");
    }
    if (scopes == null || scopes.isEmpty()) {
      throw new InvalidArgumentException("scopes", "MISSING_FIELD", "at least one scope is required");
    }
    scopes = Set.copyOf(EnumSet.copyOf(scopes));
    Validate.required("request_id", requestId);
  }

  public String fingerprint() {
    // Explicit values, written as the first release wrote them (an EnumSet's and an Instant's text), so a record's
    // toString() never decides whether a retry across a deploy is the same request.
    String scopeNames =
        EnumSet.copyOf(scopes).stream().map(Scope::name).collect(Collectors.joining(", ", "[", "]"));
    return Fingerprint.of(
        "create_api_key",
        name,
        scopeNames,
        accountId == null ? null : accountId.value(),
        expiresAt == null ? null : expiresAt.toString());
  }
}
