package dev.obol.domain.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key secrets: {@code obol_<key id>_<64 hex digits>}. 256 random bits from {@link SecureRandom}; the {@code obol_}
 * prefix lets secret scanners recognise a leaked one; the key id inside lets Obol find the key without comparing the
 * secret against every stored hash, then compare one hash in constant time. Only the SHA-256 of a secret is stored.
 */
public final class Secrets {

  public static final String PREFIX = "obol_";
  static final int RANDOM_BYTES = 32;
  private static final int RANDOM_HEX_LENGTH = RANDOM_BYTES * 2;
  /** Longer presented secrets are refused unread: limits on everything. */
  public static final int SECRET_LENGTH_MAX = 512;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  public static String newSecret(String keyId) {
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    return PREFIX + keyId + "_" + HexFormat.of().formatHex(random);
  }

  /** The key id a secret of this shape names; null when the secret is not one Obol issued. */
  public static String keyIdOf(String secret) {
    int idEnd = secret.length() - RANDOM_HEX_LENGTH - 1;
    if (!secret.startsWith(PREFIX) || idEnd <= PREFIX.length() || secret.charAt(idEnd) != '_') {
      return null;
    }
    return secret.substring(PREFIX.length(), idEnd);
  }

  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Constant time: how much of two hashes agree never shows in how long the comparison takes. */
  public static boolean sameHash(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
