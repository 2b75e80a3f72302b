package dev.obol.domain.security;

import dev.obol.domain.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What an API key may do. The wire names are a public contract: services and operators code against them. */
public enum Scope {
  WALLET_READ("wallet:read"),
  WALLET_DEBIT("wallet:debit"),
  WALLET_GRANT("wallet:grant"),
  ACCOUNT_READ("account:read"),
  ACCOUNT_WRITE("account:write"),
  ACCOUNT_OPERATE("account:operate"),
  CHARGES_RUN("charges:run"),
  KEYS_MANAGE("keys:manage"),
  /** Every other scope, and alone AdminService.ReprocessStripeEvent. */
  ADMIN("admin");

  private static final Map<String, Scope> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Scope::wireName, Function.identity()));

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** @throws InvalidArgumentException UNKNOWN_SCOPE (field {@code scopes}) for a name that is not a scope */
  public static Scope parse(String wireName) {
    Scope scope = wireName == null ? null : BY_WIRE_NAME.get(wireName);
    if (scope == null) {
      String shown = wireName == null ? "" : wireName.length() > 64 ? wireName.substring(0, 64) + "…" : wireName;
      throw new InvalidArgumentException(
          "scopes", "UNKNOWN_SCOPE", "'" + shown.replaceAll("\\p{C}", "?") + "' is not a scope; scopes are " + names());
    }
    return scope;
  }

  public static Set<Scope> parseAll(Iterable<String> wireNames) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String name : wireNames) {
      scopes.add(parse(name));
    }
    return scopes;
  }

  private static String names() {
    return Arrays.stream(values()).map(Scope::wireName).collect(Collectors.joining(", "));
  }
}
