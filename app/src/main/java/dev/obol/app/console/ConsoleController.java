package dev.obol.app.console;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The operator console: {@code GET /console} (index.html), {@code /console/console.js}, {@code /console/charts.js} and
 * {@code /console/console.css}, static files from {@code console/} on the classpath. The page asks the operator for an
 * API key, keeps it in the tab's session storage and calls the Connect face itself with it; nothing here sees the key
 * or any account's data. Every answer carries a Content-Security-Policy that allows only these files (no inline script
 * or style) and no framing at all — the console acts with an operator's key, so unlike {@code /portal} it is never
 * embeddable, whatever {@code OBOL_PORTAL_FRAME_ANCESTORS} says — and is never cached.
 */
@Controller("/console")
public final class ConsoleController {

  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final MediaType HTML = new MediaType("text/html; charset=utf-8");
  private static final MediaType JS = new MediaType("text/javascript; charset=utf-8");
  private static final MediaType CSS = new MediaType("text/css; charset=utf-8");

  private final byte[] index;
  private final byte[] script;
  private final byte[] charts;
  private final byte[] style;

  ConsoleController() {
    this.index = resource("console/index.html");
    this.script = resource("console/console.js");
    this.charts = resource("console/charts.js");
    this.style = resource("console/console.css");
  }

  @Get(produces = "text/html")
  MutableHttpResponse<byte[]> page() {
    return answer(index, HTML);
  }

  @Get(uri = "/console.js", produces = "text/javascript")
  MutableHttpResponse<byte[]> script() {
    return answer(script, JS);
  }

  @Get(uri = "/charts.js", produces = "text/javascript")
  MutableHttpResponse<byte[]> charts() {
    return answer(charts, JS);
  }

  @Get(uri = "/console.css", produces = "text/css")
  MutableHttpResponse<byte[]> style() {
    return answer(style, CSS);
  }

  private static MutableHttpResponse<byte[]> answer(byte[] body, MediaType type) {
    return HttpResponse.ok(body)
        .contentType(type)
        .header("Content-Security-Policy", CSP)
        // For browsers that predate frame-ancestors.
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-store");
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsoleController.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the console file " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
