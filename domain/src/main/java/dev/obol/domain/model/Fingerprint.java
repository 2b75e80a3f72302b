package dev.obol.domain.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of a request's payload, stored with its request id: a retry must carry the same payload to get the first
 * answer back (AIP-155). Each part is length-prefixed so that ("ab","c") and ("a","bc") differ; maps are sorted.
 *
 * <p>The digest outlives a deploy (a retry may arrive after one), so parts must be plain values whose text never
 * changes with the code: strings, numbers, enum constants (by name), instants and maps of strings. A record's
 * {@code toString()} is not such a value: renaming one of its fields would turn every retry in flight into a
 * conflict. Callers take the fields out themselves ({@code accountId.value()}, not {@code accountId}).
 */
public final class Fingerprint {

  private Fingerprint() {}

  public static String of(Object... parts) {
    StringBuilder canonical = new StringBuilder();
    for (Object part : parts) {
      String text = canonical(part);
      canonical.append(text.length()).append(':').append(text).append('|');
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String canonical(Object part) {
    if (part == null) {
      return "\u0000";
    }
    if (part instanceof Map<?, ?> map) {
      // Each key and value length-prefixed too: {a="1, b=2"} and {a="1", b="2"} must not collide.
      StringBuilder text = new StringBuilder("{");
      for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
        String key = canonical(entry.getKey());
        String value = canonical(entry.getValue());
        text.append(key.length()).append(':').append(key).append(value.length()).append(':').append(value);
      }
      return text.append('}').toString();
    }
    if (part instanceof Enum<?> constant) {
      return constant.name();
    }
    return part.toString();
  }
}
