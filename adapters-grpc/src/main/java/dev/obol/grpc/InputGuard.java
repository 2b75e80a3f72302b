package dev.obol.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.TimestampOrBuilder;
import dev.obol.domain.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;

/**
 * Defence in depth under the domain's own checks: walks every string of a request, however deeply nested, so that no
 * field, including one added later and never validated, can carry a NUL to PostgreSQL (which refuses it in text and
 * would answer INTERNAL). Every {@code google.protobuf.Timestamp} in the request is checked the same way, through
 * {@link WalletProtoMapper#instant}, so none is silently normalised.
 *
 * <p>Field paths are the proto names: {@code reason}, {@code parent.child}, {@code items[2]}; a map's keys and values
 * are both reported as the map field ({@code metadata}), so an error never echoes caller text back.
 */
public final class InputGuard {

  static final String TIMESTAMP = Timestamp.getDescriptor().getFullName();

  private InputGuard() {}

  /** @throws InvalidArgumentException INVALID_CHARACTER for a NUL, INVALID_TIMESTAMP for an out-of-range Timestamp */
  public static void check(MessageOrBuilder request) {
    check(request, "");
  }

  private static void check(MessageOrBuilder message, String prefix) {
    if (message.getDescriptorForType().getFullName().equals(TIMESTAMP)) {
      WalletProtoMapper.instant(asTimestamp(message), prefix);
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      String path = prefix.isEmpty() ? field.getName() : prefix + "." + field.getName();
      if (field.isMapField()) {
        for (Object mapEntry : (List<?>) entry.getValue()) {
          MessageOrBuilder keyValue = (MessageOrBuilder) mapEntry;
          for (Map.Entry<FieldDescriptor, Object> part : keyValue.getAllFields().entrySet()) {
            value(part.getKey(), part.getValue(), path);
          }
        }
      } else if (field.isRepeated()) {
        List<?> values = (List<?>) entry.getValue();
        for (int i = 0; i < values.size(); i++) {
          value(field, values.get(i), path + "[" + i + "]");
        }
      } else {
        value(field, entry.getValue(), path);
      }
    }
  }

  private static Timestamp asTimestamp(MessageOrBuilder message) {
    if (message instanceof Timestamp timestamp) {
      return timestamp;
    }
    if (message instanceof TimestampOrBuilder timestamp) {
      return Timestamp.newBuilder().setSeconds(timestamp.getSeconds()).setNanos(timestamp.getNanos()).build();
    }
    var fields = message.getDescriptorForType();
    return Timestamp.newBuilder()
        .setSeconds((Long) message.getField(fields.findFieldByName("seconds")))
        .setNanos((Integer) message.getField(fields.findFieldByName("nanos")))
        .build();
  }

  private static void value(FieldDescriptor field, Object value, String path) {
    switch (field.getJavaType()) {
      case STRING -> {
        if (((String) value).indexOf('\0') >= 0) {
          throw new InvalidArgumentException(path, "INVALID_CHARACTER", path + " must not contain NUL characters");
        }
      }
      case MESSAGE -> check((MessageOrBuilder) value, path);
      default -> {}
    }
  }
}
