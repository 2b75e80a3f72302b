package dev.obol.app.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The customer portal in a real browser: Debian's headless Chromium ({@code chromium}, {@code chromium-driver})
 * driven by Selenium against the running app. Skipped when {@code /usr/bin/chromedriver} is missing, unless
 * {@code OBOL_BROWSER_REQUIRED=1} (CI), then it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalBrowserTest {

  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final String ACCOUNT_MARKUP = "<script>alert(1)</script>";
  static final String REASON = "welcome <img src=x onerror=alert(2)> <script>alert(3)</script>";

  private ObolTestApp app;
  private WebDriver driver;

  @BeforeAll
  void start() {
    boolean present = CHROMEDRIVER.canExecute() && CHROMIUM.canExecute();
    if (!present && "1".equals(System.getenv("OBOL_BROWSER_REQUIRED"))) {
      throw new AssertionError("OBOL_BROWSER_REQUIRED=1 but " + CHROMEDRIVER + " or " + CHROMIUM + " is missing "
          + "(apt-get install chromium chromium-driver)");
    }
    Assumptions.assumeTrue(present, "no " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
    app = ObolTestApp.start(Map.of());
    // Entries are written at the app's clock; the page asks for the browser's month.
    app.clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1024,800", "--lang=en-GB");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void showsTheAccountsBalanceUsageAndHistoryAsTextAndDropsTheKey() {
    String account = "acct-" + ACCOUNT_MARKUP + "-" + UUID.randomUUID();
    grant(account, 120, REASON);
    debitImage(account);
    String key = boundKey(account);

    open("key=" + encode(key) + "&account=" + encode(account));

    assertThat(driver.findElement(By.id("balances")).getText()).isEqualTo("70 tokens");
    assertThat(driver.findElement(By.id("low-balance")).isDisplayed()).isTrue();
    WebElement usage = driver.findElement(By.cssSelector("#usage li[data-feature='image']"));
    assertThat(usage.getText()).contains("Image generation").contains("(1 use)").contains("50 tokens");
    String history = driver.findElement(By.id("history")).getText();
    assertThat(history).contains("Image generation \u221250 tokens, ").contains("Credit added +120 tokens, ");
    // The database's texts are shown as text, never run.
    assertThat(driver.findElement(By.id("account")).getText()).isEqualTo("Account " + account);
    assertThat(driver.findElement(By.cssSelector("#history .reason")).getText()).isEqualTo(REASON);
    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(driver.findElements(By.tagName("script"))).hasSize(1);
    assertThat(driver.findElements(By.tagName("img"))).isEmpty();
    // The key is in no address: not the bar, not the history.
    assertThat(driver.getCurrentUrl()).doesNotContain("key=").doesNotContain("#");

    // For people reviewing the layout (docs/screenshots/portal.png); not asserted.
    try {
      java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "screenshots"));
      java.nio.file.Files.write(java.nio.file.Path.of("target", "screenshots", "portal.png"),
          ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } catch (java.io.IOException e) {
      // Only a picture.
    }

    driver.manage().window().setSize(new Dimension(375, 700));
    Object fits = ((JavascriptExecutor) driver)
        .executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
    assertThat(fits).as("no horizontal scroll at 375 px").isEqualTo(true);
    // For people reviewing the layout; not asserted.
    try {
      java.nio.file.Files.createDirectories(java.nio.file.Path.of("target"));
      java.nio.file.Files.write(java.nio.file.Path.of("target", "portal-375.png"),
          ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    } catch (java.io.IOException e) {
      // Only a picture.
    }
    driver.manage().window().setSize(new Dimension(1024, 800));
  }

  @Test
  void noLowBalanceNoticeWhenTheBalanceIsHigh() {
    String account = "acct-rich-" + UUID.randomUUID();
    grant(account, 5000, "plan");

    open("key=" + encode(boundKey(account)) + "&account=" + encode(account));

    assertThat(driver.findElement(By.id("balances")).getText()).isEqualTo("5,000 tokens");
    assertThat(driver.findElement(By.id("low-balance")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("usage-empty")).isDisplayed()).isTrue();
  }

  @Test
  void theApisErrorIsShownInWords() {
    String account = "acct-other-" + UUID.randomUUID();
    grant(account, 10, "x");
    String key = boundKey("acct-someone-else-" + UUID.randomUUID());

    load(base() + "#key=" + encode(key) + "&account=" + encode(account));
    WebElement error = waitForError();
    // The Connect error's own message.
    assertThat(error.getText()).isEqualTo("this API key is bound to another account");
    assertThat(driver.findElement(By.id("balances-section")).isDisplayed()).isFalse();
    assertThat(driver.getCurrentUrl()).doesNotContain("key=");
  }

  @Test
  void withoutAKeyThePageSaysWhatItNeeds() {
    load(base());
    assertThat(waitForError().getText()).contains("#key=");
  }

  private void open(String fragment) {
    load(base() + "#" + fragment);
    new WebDriverWait(driver, Duration.ofSeconds(20)).until(d ->
        "true".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded"))
            || d.findElement(By.id("error")).isDisplayed());
    WebElement error = driver.findElement(By.id("error"));
    assertThat(error.isDisplayed()).as("the page's error: %s", error.getText()).isFalse();
  }

  /** A fresh document each time (a fragment-only change of the same page would not load it again). */
  private void load(String url) {
    driver.get("about:blank");
    driver.get(url);
  }

  private WebElement waitForError() {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> {
      WebElement error = d.findElement(By.id("error"));
      return error.isDisplayed() ? error : null;
    });
  }

  private String base() {
    return "http://127.0.0.1:" + app.bean(EmbeddedServer.class).getPort() + "/portal";
  }

  private void grant(String account, long amount, String reason) {
    app.wallet().grant(GrantRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(amount)
        .setSource(GrantSource.GRANT_SOURCE_PROMO)
        .setReason(reason)
        .setRequestId("grant-" + UUID.randomUUID())
        .build());
  }

  private void debitImage(String account) {
    assertThat(app.wallet().checkAndDebit(CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setFeature("image")
        .setQuantity(1)
        .setRequestId("debit-" + UUID.randomUUID())
        .putMetadata("prompt", ACCOUNT_MARKUP)
        .build()).getAllowed()).isTrue();
  }

  private String boundKey(String account) {
    Instant expires = app.clock.instant().plus(Duration.ofHours(1));
    return AdminServiceGrpc.newBlockingStub(app.withKey(ObolTestApp.ADMIN_KEY))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createApiKey(CreateApiKeyRequest.newBuilder()
            .setName("portal")
            .addScopes("wallet:read")
            .setAccountId(account)
            .setExpiresAt(Timestamp.newBuilder().setSeconds(expires.getEpochSecond()))
            .setRequestId("key-" + UUID.randomUUID())
            .build())
        .getSecret();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
