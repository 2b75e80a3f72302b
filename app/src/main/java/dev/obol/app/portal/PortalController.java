package dev.obol.app.portal;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The customer's credit page: {@code GET /portal} (index.html), {@code /portal/portal.js} and
 * {@code /portal/portal.css}, static files from {@code portal/} on the classpath. The page reads an account-bound key
 * from its fragment and calls the Connect face itself; nothing here sees the key or any account's data. Every answer
 * carries a Content-Security-Policy that allows only these files (no inline script or style), frames only by the
 * origins in {@code OBOL_PORTAL_FRAME_ANCESTORS}, and is never cached.
 */
@Controller("/portal")
public final class PortalController {

  static final String CSP_BASE = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ";

  private static final MediaType HTML = new MediaType("text/html; charset=utf-8");
  private static final MediaType JS = new MediaType("text/javascript; charset=utf-8");
  private static final MediaType CSS = new MediaType("text/css; charset=utf-8");

  private final String csp;
  private final byte[] index;
  private final byte[] script;
  private final byte[] style;

  PortalController(PortalFrameAncestors frameAncestors) {
    this.csp = CSP_BASE + frameAncestors.directiveValue();
    this.index = resource("portal/index.html");
    this.script = resource("portal/portal.js");
    this.style = resource("portal/portal.css");
  }

  @Get(produces = "text/html")
  MutableHttpResponse<byte[]> page() {
    return answer(index, HTML);
  }

  @Get(uri = "/portal.js", produces = "text/javascript")
  MutableHttpResponse<byte[]> script() {
    return answer(script, JS);
  }

  @Get(uri = "/portal.css", produces = "text/css")
  MutableHttpResponse<byte[]> style() {
    return answer(style, CSS);
  }

  private MutableHttpResponse<byte[]> answer(byte[] body, MediaType type) {
    return HttpResponse.ok(body)
        .contentType(type)
        .header("Content-Security-Policy", csp)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-store");
  }

  private static byte[] resource(String name) {
    try (InputStream in = PortalController.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the portal file " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
