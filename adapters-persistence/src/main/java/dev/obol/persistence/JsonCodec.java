package dev.obol.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.obol.domain.model.Wallet;
import java.util.List;
import java.util.Map;

/** Stored first answers (request_log.result) and debit metadata as JSON. */
final class JsonCodec {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private JsonCodec() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new PersistenceException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new PersistenceException("cannot decode a stored " + type.getSimpleName(), e);
    }
  }

  /** A hold's allocations, as {@link #write} wrote them ([{"grantId": …, "amount": …}, …], burn order kept). */
  static List<Wallet.Allocation> readAllocations(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<List<Wallet.Allocation>>() {});
    } catch (JsonProcessingException e) {
      throw new PersistenceException("cannot decode a stored hold's allocations", e);
    }
  }

  static Map<String, String> readMap(String json) {
    try {
      return MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new PersistenceException("cannot decode stored metadata", e);
    }
  }
}
