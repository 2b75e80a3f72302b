package dev.obol.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.testing.ObolTestApp;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The console's files and their safety headers, with java.net.http against the running app. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHeadersEndToEndTest {

  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ObolTestApp app;

  @BeforeAll
  void start() {
    // Origins allowed to frame the portal must not loosen the console.
    app = ObolTestApp.start(Map.of("obol.portal.frame-ancestors", "https://app.example.com"));
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/console", "/console/console.js", "/console/charts.js", "/console/console.css"})
  void everyFileHasTheSafetyHeadersAndCanNeverBeFramed(String path) throws Exception {
    HttpResponse<String> response = get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("content-security-policy")).containsExactly(CSP);
    assertThat(response.headers().allValues("x-frame-options")).containsExactly("DENY");
    assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("referrer-policy")).hasValue("no-referrer");
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(response.headers().allValues("set-cookie")).isEmpty();
  }

  @Test
  void thePortalStillHonoursItsOwnFrameAncestors() throws Exception {
    assertThat(get("/portal").headers().firstValue("content-security-policy").orElse(""))
        .endsWith("frame-ancestors https://app.example.com");
  }

  @Test
  void theFilesHaveTheirContentTypes() throws Exception {
    assertThat(get("/console").headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(get("/console/console.js").headers().firstValue("content-type").orElse(""))
        .startsWith("text/javascript");
    assertThat(get("/console/charts.js").headers().firstValue("content-type").orElse(""))
        .startsWith("text/javascript");
    assertThat(get("/console/console.css").headers().firstValue("content-type").orElse(""))
        .startsWith("text/css");
  }

  @Test
  void thePageHasNoInlineScriptNorStyleNorEventHandlerAttributes() throws Exception {
    String html = get("/console").body();

    Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
        .matcher(html);
    List<String> sources = new ArrayList<>();
    while (scripts.find()) {
      Matcher src = Pattern.compile("\\bsrc\\s*=\\s*\"([^\"]*)\"").matcher(scripts.group(1));
      assertThat(src.find()).as("every script has a src: %s", scripts.group()).isTrue();
      sources.add(src.group(1));
      assertThat(scripts.group(2)).as("and no body").isBlank();
    }
    assertThat(sources).containsExactly("/console/charts.js", "/console/console.js");
    assertThat(html).doesNotContainPattern("(?i)<[^>]*\\son[a-z]+\\s*=");
    assertThat(html).doesNotContainPattern("(?i)javascript:");
    assertThat(html).doesNotContainPattern("(?i)<style\\b");
    assertThat(html).doesNotContainPattern("(?i)\\sstyle\\s*=");
  }

  @Test
  void theScriptsNeverParseMarkupNorEvaluateCode() throws Exception {
    for (String path : new String[] {"/console/console.js", "/console/charts.js"}) {
      String script = get(path).body();
      assertThat(script).as(path)
          .doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
          .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function")
          .doesNotContain("document.cookie").doesNotContain("localStorage");
    }
  }

  @Test
  void nothingElseIsServedUnderConsole() throws Exception {
    assertThat(get("/console/index.html").statusCode()).isEqualTo(404);
    assertThat(get("/console/../application.yml").statusCode()).isNotEqualTo(200);
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + app.bean(EmbeddedServer.class).getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
