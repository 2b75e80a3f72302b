package dev.obol.stripe;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Checks the JSON shape of the fields the translator reads before stripe-java deserializes them, so that an unreadable
 * event is stored with the exact field at fault ("data.object.amount_total is not a number"). stripe-java itself only
 * says "For input string", or nothing at all ({@code getObject()} is then empty), and it silently truncates a
 * fractional amount (39.99 becomes 39): an amount must be a whole JSON number here.
 */
final class StripePayloadShape {

  /** Stripe's ids are far shorter; a longer one is not a Stripe id, and would be a primary key. */
  static final int EVENT_ID_LENGTH_MAX = 255;

  private StripePayloadShape() {}

  /** The event id, or null when there is none usable as a key (missing, not a string, empty or too long). */
  static String eventId(JsonObject event) {
    JsonElement id = event.get("id");
    if (id == null || !isString(id)) {
      return null;
    }
    String value = id.getAsString();
    return value.isBlank() || value.length() > EVENT_ID_LENGTH_MAX ? null : value;
  }

  /** Why {@link #eventId} found none. */
  static String whyNoEventId(JsonObject event) {
    JsonElement id = event.get("id");
    if (id == null || id.isJsonNull()) {
      return "id is missing";
    }
    if (!isString(id)) {
      return "id is not a string";
    }
    return id.getAsString().isBlank() ? "id is empty" : "id is longer than " + EVENT_ID_LENGTH_MAX + " characters";
  }

  /** The type, or null when missing or not a string. */
  static String type(JsonObject event) {
    JsonElement type = event.get("type");
    return type != null && isString(type) ? type.getAsString() : null;
  }

  /** The created timestamp (epoch seconds), or null when missing or unreadable. */
  static Long created(JsonObject event) {
    JsonElement created = event.get("created");
    return created != null && isWholeNumber(created) ? created.getAsLong() : null;
  }

  /**
   * The envelope every event must have: a string type, a whole-number created time, an object {@code data.object}.
   *
   * @return {@code data.object}
   */
  static JsonObject checkEnvelope(JsonObject event) {
    string(event, "type", "type", true);
    wholeNumber(event, "created", "created");
    string(event, "api_version", "api_version", false);
    JsonObject data = object(event, "data", "data", true);
    return object(data, "object", "data.object", true);
  }

  /** The fields of {@code data.object} that the translator reads for this event type. */
  static void checkObject(String type, JsonObject object) {
    String at = "data.object";
    if (type.startsWith("checkout.session.")) {
      string(object, "id", at + ".id", false);
      string(object, "mode", at + ".mode", false);
      string(object, "payment_status", at + ".payment_status", false);
      string(object, "client_reference_id", at + ".client_reference_id", false);
      string(object, "currency", at + ".currency", false);
      wholeNumber(object, "amount_total", at + ".amount_total");
      metadata(object, at + ".metadata");
      JsonObject conversion = object(object, "currency_conversion", at + ".currency_conversion", false);
      if (conversion != null) {
        wholeNumber(conversion, "amount_total", at + ".currency_conversion.amount_total");
        string(conversion, "source_currency", at + ".currency_conversion.source_currency", false);
      }
    } else if (type.startsWith("invoice.")) {
      string(object, "id", at + ".id", false);
      string(object, "billing_reason", at + ".billing_reason", false);
      wholeNumber(object, "amount_paid", at + ".amount_paid");
      JsonObject parent = object(object, "parent", at + ".parent", false);
      if (parent != null) {
        JsonObject details = object(parent, "subscription_details", at + ".parent.subscription_details", false);
        if (details != null) {
          metadata(details, at + ".parent.subscription_details.metadata");
        }
      }
      JsonObject lines = object(object, "lines", at + ".lines", false);
      JsonArray data = lines == null ? null : array(lines, "data", at + ".lines.data");
      for (int i = 0; data != null && i < data.size(); i++) {
        String line = at + ".lines.data[" + i + "]";
        if (!data.get(i).isJsonObject()) {
          throw new UnreadableEventException(line + " is not an object");
        }
        JsonObject period = object(data.get(i).getAsJsonObject(), "period", line + ".period", false);
        if (period != null) {
          wholeNumber(period, "start", line + ".period.start");
          wholeNumber(period, "end", line + ".period.end");
        }
      }
    } else if (type.startsWith("customer.subscription.")) {
      string(object, "id", at + ".id", false);
      metadata(object, at + ".metadata");
      wholeNumber(object, "ended_at", at + ".ended_at");
    } else if (type.startsWith("payment_intent.")) {
      string(object, "id", at + ".id", false);
      string(object, "currency", at + ".currency", false);
      string(object, "customer", at + ".customer", false);
      string(object, "payment_method", at + ".payment_method", false);
      wholeNumber(object, "amount", at + ".amount");
      wholeNumber(object, "amount_received", at + ".amount_received");
      metadata(object, at + ".metadata");
    } else if (type.startsWith("payment_method.")) {
      string(object, "id", at + ".id", false);
      string(object, "customer", at + ".customer", false);
    } else if (type.startsWith("charge.dispute.")) {
      string(object, "id", at + ".id", false);
      string(object, "status", at + ".status", false);
      wholeNumber(object, "amount", at + ".amount");
    } else if (type.startsWith("charge.")) {
      string(object, "id", at + ".id", false);
      wholeNumber(object, "amount", at + ".amount");
      wholeNumber(object, "amount_refunded", at + ".amount_refunded");
      metadata(object, at + ".metadata");
    }
  }

  // ---- one field each ---------------------------------------------------------------------------------------------

  private static void string(JsonObject parent, String name, String path, boolean required) {
    JsonElement value = parent.get(name);
    if (value == null || value.isJsonNull()) {
      if (required) {
        throw new UnreadableEventException(path + " is missing");
      }
      return;
    }
    if (!isString(value)) {
      throw new UnreadableEventException(path + " is not a string");
    }
  }

  private static void wholeNumber(JsonObject parent, String name, String path) {
    JsonElement value = parent.get(name);
    if (value == null || value.isJsonNull()) {
      return;
    }
    if (!(value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber())) {
      throw new UnreadableEventException(path + " is not a number");
    }
    if (!isWholeNumber(value)) {
      throw new UnreadableEventException(path + " is not a whole number within range: " + value);
    }
  }

  private static JsonObject object(JsonObject parent, String name, String path, boolean required) {
    JsonElement value = parent.get(name);
    if (value == null || value.isJsonNull()) {
      if (required) {
        throw new UnreadableEventException(path + " is missing");
      }
      return null;
    }
    if (!value.isJsonObject()) {
      throw new UnreadableEventException(path + " is not an object");
    }
    return value.getAsJsonObject();
  }

  private static JsonArray array(JsonObject parent, String name, String path) {
    JsonElement value = parent.get(name);
    if (value == null || value.isJsonNull()) {
      return null;
    }
    if (!value.isJsonArray()) {
      throw new UnreadableEventException(path + " is not an array");
    }
    return value.getAsJsonArray();
  }

  /** Metadata is a map of strings; stripe-java also accepts numbers and booleans as values (read as text). */
  private static void metadata(JsonObject parent, String path) {
    JsonObject metadata = object(parent, "metadata", path, false);
    if (metadata == null) {
      return;
    }
    for (var entry : metadata.entrySet()) {
      if (!(entry.getValue().isJsonNull() || entry.getValue().isJsonPrimitive())) {
        throw new UnreadableEventException(path + "." + entry.getKey() + " is not a string");
      }
    }
  }

  private static boolean isString(JsonElement value) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  private static boolean isWholeNumber(JsonElement value) {
    if (!(value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber())) {
      return false;
    }
    JsonPrimitive number = value.getAsJsonPrimitive();
    try {
      BigDecimal decimal = new BigDecimal(number.getAsString());
      decimal.longValueExact(); // throws when fractional or beyond a long
      return true;
    } catch (NumberFormatException | ArithmeticException e) {
      return false;
    }
  }
}
