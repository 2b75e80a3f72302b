package dev.obol.app.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.obol.app.testing.ObolTestApp;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The portal's files and their safety headers, with java.net.http against the running app. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalHeadersEndToEndTest {

  static final String CSP_WITHOUT_ANCESTORS = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ObolTestApp app;

  @BeforeAll
  void start() {
    app = ObolTestApp.start(Map.of());
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/portal", "/portal/portal.js", "/portal/portal.css"})
  void everyFileHasTheSafetyHeadersAndFramingIsNoneByDefault(String path) throws Exception {
    HttpResponse<String> response = get(app, path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("content-security-policy"))
        .containsExactly(CSP_WITHOUT_ANCESTORS + "'none'");
    assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void theFilesHaveTheirContentTypes() throws Exception {
    assertThat(get(app, "/portal").headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(get(app, "/portal/portal.js").headers().firstValue("content-type").orElse(""))
        .startsWith("text/javascript");
    assertThat(get(app, "/portal/portal.css").headers().firstValue("content-type").orElse(""))
        .startsWith("text/css");
  }

  @Test
  void thePageHasNoInlineScriptNorEventHandlerAttributes() throws Exception {
    String html = get(app, "/portal").body();

    Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
        .matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).as("every script has a src").containsPattern("\\bsrc\\s*=\\s*\"/portal/portal\\.js\"");
      assertThat(scripts.group(2)).as("and no body").isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(html).doesNotContainPattern("(?i)<[^>]*\\son[a-z]+\\s*=");
    assertThat(html).doesNotContainPattern("(?i)javascript:");
    assertThat(html).doesNotContainPattern("(?i)<style\\b");
    assertThat(html).doesNotContainPattern("(?i)\\sstyle\\s*=");
    assertThat(get(app, "/portal/portal.js").body()).doesNotContain("innerHTML").doesNotContain("eval(");
  }

  @Test
  void theConfiguredOriginsMayFrameThePage() throws Exception {
    try (ObolTestApp framed = ObolTestApp.start(
        Map.of("obol.portal.frame-ancestors", "https://app.example.com, http://localhost:3000  https://b.example.org"))) {
      HttpResponse<String> response = get(framed, "/portal");

      assertThat(response.headers().allValues("content-security-policy")).containsExactly(CSP_WITHOUT_ANCESTORS
          + "https://app.example.com http://localhost:3000 https://b.example.org");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "app.example.com", "https://app.example.com/path", "'self'", "ftp://x.example.com",
      "https://*.example.com", "https://app.example.com:99999"})
  void anEntryThatIsNotAnOriginStopsTheStart(String origin) {
    Throwable failure = catchThrowable(() -> ObolTestApp.start(Map.of("obol.portal.frame-ancestors", origin)).close());

    assertThat(failure).isNotNull();
    StringBuilder messages = new StringBuilder();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      messages.append(cause.getMessage()).append('\n');
    }
    assertThat(messages.toString()).contains("OBOL_PORTAL_FRAME_ANCESTORS").contains("\"" + origin + "\"");
  }

  @Test
  void originsParse() {
    assertThat(PortalFrameAncestors.parse("")).isEmpty();
    assertThat(PortalFrameAncestors.parse(" https://a.example.com,https://a.example.com http://[::1]:8080 "))
        .containsExactly("https://a.example.com", "http://[::1]:8080");
  }

  private HttpResponse<String> get(ObolTestApp target, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + target.bean(EmbeddedServer.class).getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
