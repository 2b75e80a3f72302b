package dev.obol.domain.usecase;

import dev.obol.domain.security.Caller;
import java.util.Optional;

/** Turns a presented secret into the caller it belongs to. */
public interface Authenticator {

  /** Empty for an unknown, revoked or expired secret. */
  Optional<Caller> authenticate(String secret);
}
