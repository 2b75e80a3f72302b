package dev.obol.domain.port;

/** New ids for grants and debits; time-ordered, unique across instances. */
public interface IdGenerator {

  /** @param prefix a short type tag such as "grt" or "dbt" */
  String newId(String prefix);
}
