package dev.obol.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  @Test
  void is_a_stable_sha256_hex_digest() {
    assertThat(Fingerprint.of("debit", "acc-1", 50L)).hasSize(64).matches("[0-9a-f]{64}")
        .isEqualTo(Fingerprint.of("debit", "acc-1", 50L));
  }

  @Test
  void differs_when_any_part_differs() {
    assertThat(Fingerprint.of("debit", "acc-1", 50L)).isNotEqualTo(Fingerprint.of("debit", "acc-1", 51L));
    assertThat(Fingerprint.of("debit", "acc-1")).isNotEqualTo(Fingerprint.of("grant", "acc-1"));
  }

  @Test
  void part_boundaries_matter() {
    assertThat(Fingerprint.of("ab", "c")).isNotEqualTo(Fingerprint.of("a", "bc"));
    assertThat(Fingerprint.of("a", null)).isNotEqualTo(Fingerprint.of("a"));
    assertThat(Fingerprint.of("a", null)).isNotEqualTo(Fingerprint.of("a", "null"));
  }

  @Test
  void map_order_does_not_matter() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");

    assertThat(Fingerprint.of(ab)).isEqualTo(Fingerprint.of(ba));
    assertThat(Fingerprint.of(ab)).isNotEqualTo(Fingerprint.of(Map.of("a", "1", "b", "3")));
  }

  @Test
  void distinct_maps_have_distinct_fingerprints() {
    assertThat(Fingerprint.of(Map.of("a", "1, b=2"))).isNotEqualTo(Fingerprint.of(Map.of("a", "1", "b", "2")));
    assertThat(Fingerprint.of(Map.of("a=b", "c"))).isNotEqualTo(Fingerprint.of(Map.of("a", "b=c")));
  }

  @Test
  void an_enum_constant_counts_by_its_name() {
    assertThat(Fingerprint.of(Asset.EUR)).isEqualTo(Fingerprint.of("EUR"));
  }
}
