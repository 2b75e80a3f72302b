package dev.obol.app.connect;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.core.order.OrderUtil;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Connect request as a gRPC call on the very services and interceptors the gRPC port serves: no RPC has a
 * second implementation, and authentication, scopes, the input guard, idempotency, the calls-in-flight count and
 * any metrics interceptor apply as they do to a gRPC client.
 *
 * <p>How: an in-process gRPC server built as micronaut-grpc's {@code GrpcServerBuilder} builds the real one, from the
 * same beans: every {@code obol.v1} {@link BindableService} and every {@link ServerInterceptor}, reverse-sorted by
 * {@link OrderUtil} and added with {@code intercept} (so the lowest order runs first, {@code GrpcCallsInFlight}
 * outermost). In-process rather than a loopback channel to the real port: no socket, no HTTP/2 framing, nothing to
 * configure when the gRPC port speaks TLS only ({@code OBOL_GRPC_TLS_*}), and nothing to get wrong when the gRPC port
 * is bound to another interface.
 *
 * <p>The messages are generic: the method descriptors come from the registered services themselves, and the JSON is
 * parsed into (and printed from) the prototypes of their marshallers, so a new RPC has its HTTP face with no code here.
 */
@Singleton
@Bean(preDestroy = "close")
public final class ConnectDispatcher implements AutoCloseable {

  static final String CONTRACT_PACKAGE = "obol.v1.";

  /**
   * The HTTP client's address, for the interceptors that log the caller's address (AuthInterceptor's refusals). Set
   * only by {@link #call}; the in-process server cannot be reached from outside the JVM, so nobody else can set it.
   */
  private static final Metadata.Key<String> PEER = Metadata.Key.of("obol-connect-peer", Metadata.ASCII_STRING_MARSHALLER);

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  // Fields at their default value too (e.g. "allowed": false, "balance": "0"), for people reading curl output.
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().includingDefaultValueFields().omittingInsignificantWhitespace();

  private final Server server;
  private final ManagedChannel channel;
  private final Map<String, Procedure> procedures;

  ConnectDispatcher(List<BindableService> services, List<ServerInterceptor> interceptors) {
    String name = "obol-connect-" + System.identityHashCode(this) + "-" + System.nanoTime();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    Map<String, Procedure> found = new LinkedHashMap<>();
    for (BindableService service : services) {
      ServerServiceDefinition definition = service.bindService();
      if (!definition.getServiceDescriptor().getName().startsWith(CONTRACT_PACKAGE)) {
        continue;
      }
      builder.addService(definition);
      for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
        MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
        if (descriptor.getType() == MethodType.UNARY) {
          found.put(descriptor.getFullMethodName(), Procedure.of(descriptor));
        }
      }
    }
    List<ServerInterceptor> ordered = new ArrayList<>(interceptors);
    OrderUtil.reverseSort(ordered);
    ordered.forEach(builder::intercept);
    // Added last, so it runs first: the HTTP client's address where the interceptors look for the peer's.
    builder.intercept(new PeerAddress());
    try {
      this.server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the in-process gRPC server of the Connect face", e);
    }
    this.channel = InProcessChannelBuilder.forName(name).build();
    this.procedures = Collections.unmodifiableMap(found);
  }

  /** {@code obol.v1.WalletService/CheckAndDebit}, …: every unary RPC that can be called. */
  public Map<String, Procedure> procedures() {
    return procedures;
  }

  Optional<Procedure> procedure(String service, String method) {
    return Optional.ofNullable(procedures.get(service + "/" + method));
  }

  /**
   * Calls {@code procedure} with {@code request} (already parsed) as a gRPC client would: {@code authorization} as
   * metadata, {@code timeoutMillis} (null: none) as the deadline. Never completes exceptionally.
   */
  CompletableFuture<Outcome> call(
      Procedure procedure, Message request, String authorization, Long timeoutMillis, SocketAddress peer) {
    CallOptions options = CallOptions.DEFAULT;
    if (timeoutMillis != null) {
      options = options.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    }
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(AUTHORIZATION, authorization);
    }
    if (peer instanceof InetSocketAddress address) {
      headers.put(PEER, address.getAddress().getHostAddress() + ":" + address.getPort());
    }
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call = channel.newCall(procedure.bytes, options);
    call.start(
        new ClientCall.Listener<>() {
          private byte[] response;

          @Override
          public void onMessage(byte[] message) {
            response = message;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            outcome.complete(new Outcome(status, trailers, status.isOk() ? response : null));
          }
        },
        headers);
    call.request(2);
    call.sendMessage(request.toByteArray());
    call.halfClose();
    return outcome;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /** One unary RPC: its byte-level descriptor and its request and response prototypes. */
  public static final class Procedure {
    final MethodDescriptor<byte[], byte[]> bytes;
    final Message requestPrototype;
    final Message responsePrototype;

    private Procedure(MethodDescriptor<byte[], byte[]> bytes, Message requestPrototype, Message responsePrototype) {
      this.bytes = bytes;
      this.requestPrototype = requestPrototype;
      this.responsePrototype = responsePrototype;
    }

    static Procedure of(MethodDescriptor<?, ?> descriptor) {
      return new Procedure(
          descriptor.toBuilder(BYTES, BYTES).build(),
          prototype(descriptor.getRequestMarshaller()),
          prototype(descriptor.getResponseMarshaller()));
    }

    private static Message prototype(MethodDescriptor.Marshaller<?> marshaller) {
      if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> prototypes
          && prototypes.getMessagePrototype() instanceof Message message) {
        return message;
      }
      throw new IllegalStateException("not a protobuf marshaller: " + marshaller);
    }

    public String fullMethodName() {
      return bytes.getFullMethodName();
    }

    /** Proto-JSON to the request message; unknown fields are refused. */
    Message parse(String json) throws InvalidProtocolBufferException {
      Message.Builder builder = requestPrototype.newBuilderForType();
      PARSER.merge(json, builder);
      return builder.build();
    }

    /** Binary protobuf to the request message (the Connect binary codec). */
    Message parse(byte[] binary) throws InvalidProtocolBufferException {
      Message message = requestPrototype.getParserForType().parseFrom(binary);
      refuseUnknownFields(message);
      return message;
    }

    /** The response's bytes as proto-JSON. */
    String print(byte[] response) throws InvalidProtocolBufferException {
      return PRINTER.print(responsePrototype.getParserForType().parseFrom(response));
    }
  }

  /** How a call ended: its status and trailers, and the response's bytes if it was OK. */
  record Outcome(Status status, Metadata trailers, byte[] response) {}

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read a message").withCause(e).asRuntimeException();
          }
        }
      };

  /** Puts the HTTP client's address (from {@link #PEER}) in the call's {@link Grpc#TRANSPORT_ATTR_REMOTE_ADDR}. */
  private static final class PeerAddress implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      String peer = headers.get(PEER);
      headers.removeAll(PEER);
      if (peer == null) {
        return next.startCall(call, headers);
      }
      int colon = peer.lastIndexOf(':');
      SocketAddress address;
      try {
        // A literal address (written by call()): no name lookup.
        address = new InetSocketAddress(
            InetAddress.getByName(peer.substring(0, colon)), Integer.parseInt(peer.substring(colon + 1)));
      } catch (UnknownHostException | RuntimeException e) {
        return next.startCall(call, headers);
      }
      Attributes attributes = call.getAttributes().toBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, address).build();
      return next.startCall(
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public Attributes getAttributes() {
              return attributes;
            }
          },
          headers);
    }
  }

  /**
   * The contract's rule for this face: a field the request does not have is refused (as the JSON codec refuses an
   * unknown name), so a caller built against a newer or wrong contract hears of it instead of being half understood.
   */
  static void refuseUnknownFields(Message message) throws InvalidProtocolBufferException {
    if (!message.getUnknownFields().asMap().isEmpty()) {
      throw new InvalidProtocolBufferException(
          "field number " + message.getUnknownFields().asMap().keySet().iterator().next() + " is not in "
              + message.getDescriptorForType().getFullName());
    }
    for (var field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.getKey().isRepeated()) {
        for (Object each : (java.util.List<?>) field.getValue()) {
          refuseUnknownFields((Message) each);
        }
      } else {
        refuseUnknownFields((Message) field.getValue());
      }
    }
  }
}
