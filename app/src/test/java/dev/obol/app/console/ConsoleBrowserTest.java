package dev.obol.app.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateApiKeyResponse;
import dev.obol.proto.v1.DenialReason;
import dev.obol.proto.v1.EntryKind;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ReserveRequest;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SuspendAccountRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import java.util.logging.Level;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser: Debian's headless Chromium ({@code chromium}, {@code chromium-driver})
 * driven by Selenium against the running app, which answers every call the page makes over its Connect face. Debits
 * the tests check are made over gRPC, as a product's service would. Skipped when {@code /usr/bin/chromedriver} is
 * missing, unless {@code OBOL_BROWSER_REQUIRED=1} (CI), then it fails. Saves a full-page PNG of each page under
 * {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final String MARKUP = "<script>alert(1)</script>";
  static final String REASON = "welcome <img src=x onerror=alert(2)> <script>alert(3)</script>";
  static final List<String> OPERATOR_SCOPES =
      List.of("wallet:read", "wallet:grant", "wallet:debit", "account:read", "account:operate", "keys:manage");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

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
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,900", "--lang=en-GB");
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
  void signInFindAnAccountGrantAndSeeTheNewBalanceAndTheNewLedgerLine() {
    String account = "acct-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 1000, GrantSource.GRANT_SOURCE_PROMO, "welcome pack");
    debitImage(account);
    CreateApiKeyResponse operator = createKey("operator", OPERATOR_SCOPES, "");

    signIn(operator.getSecret());
    // The key list told the console this key's own scopes; it did not have to guess.
    assertThat(text("who-key")).contains(operator.getKey().getKeyId()).contains("(operator)")
        .contains("keys:manage").doesNotContain("probed");
    // The key is in the tab's session storage, not in the address, not in a cookie.
    assertThat(driver.getCurrentUrl()).doesNotContain(operator.getSecret());
    assertThat(driver.manage().getCookies()).isEmpty();

    openAccount(account);
    assertThat(find("#balances [data-asset='ASSET_TOKEN'] .balance").getText()).isEqualTo("950 tokens");
    WebElement grantRow = find("#balances [data-asset='ASSET_TOKEN'] tbody tr");
    assertThat(grantRow.getText()).contains("promo").contains("1,000 tokens").contains("950 tokens").contains("never");
    assertThat(find("#standing [data-fact='status']").getText()).isEqualTo("active");
    assertThat(text("account-status")).isEqualTo("active");
    WebElement firstEntry = find("#ledger-rows tr");
    assertThat(firstEntry.getAttribute("data-kind")).isEqualTo("ENTRY_KIND_DEBIT");
    assertThat(firstEntry.getText()).contains("image").contains("\u221250 tokens").contains("950 tokens");
    WebElement usage = find("#usage-chart svg g.bar-row[data-label='image']");
    assertThat(usage.getText()).contains("50 tokens \u00b7 1 debit");

    type("grant-amount", "100");
    type("grant-reason", "goodwill: sorry for the outage");
    click("grant-review");
    assertThat(text("confirm-text")).isEqualTo("Grant +100 tokens to " + account
        + " as a goodwill credit (source adjustment), reason \u201cgoodwill: sorry for the outage\u201d?");
    String requestId = text("confirm-request");
    assertThat(UUID.fromString(requestId)).isNotNull();
    click("confirm-yes");

    WebElement result = waitVisible("action-result");
    assertThat(result.getText()).startsWith("Granted +100 tokens (grant grt_").endsWith("New balance: 1,050 tokens.");
    waitFor(d -> find("#balances [data-asset='ASSET_TOKEN'] .balance").getText().equals("1,050 tokens"));
    WebElement newEntry = waitFor(d -> {
      WebElement row = find("#ledger-rows tr");
      return "ENTRY_KIND_ADJUSTMENT".equals(row.getAttribute("data-kind")) ? row : null;
    });
    assertThat(newEntry.findElement(By.cssSelector(".credit")).getText()).isEqualTo("+100 tokens");
    assertThat(newEntry.findElement(By.cssSelector(".reason")).getText()).isEqualTo("goodwill: sorry for the outage");
    assertThat(newEntry.findElement(By.cssSelector(".key")).getText()).isEqualTo(operator.getKey().getKeyId());
    assertThat(newEntry.getText()).contains(requestId);
    // The ledger over gRPC says the same: an adjustment by this key under the request id the page made.
    LedgerEntry stored = app.wallet().listLedgerEntries(ListLedgerEntriesRequest.newBuilder()
        .setAccountId(account).setPageSize(1).build()).getEntries(0);
    assertThat(stored.getKind()).isEqualTo(EntryKind.ENTRY_KIND_ADJUSTMENT);
    assertThat(stored.getAmount()).isEqualTo(100);
    assertThat(stored.getKeyId()).isEqualTo(operator.getKey().getKeyId());
    assertThat(stored.getRequestId()).isEqualTo(requestId);
    assertThat(balance(account)).isEqualTo(1050);
    // The grant shows first in burn order? Both have priority 100: the older burns first.
    assertThat(driver.findElements(By.cssSelector("#balances [data-asset='ASSET_TOKEN'] tbody tr"))).hasSize(2);
    screenshot("console-account.png");

    // A reload keeps the tab signed in (session storage) and asks the server for the scopes again.
    driver.navigate().refresh();
    waitFor(d -> "true".equals(find("body").getAttribute("data-account-loaded")));
    assertThat(find("#balances [data-asset='ASSET_TOKEN'] .balance").getText()).isEqualTo("1,050 tokens");
  }

  @Test
  void reverseADebitByItsIdAndSeeTheBalanceComeBack() {
    String account = "acct-rev-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 300, GrantSource.GRANT_SOURCE_PURCHASE, "pack");
    String debitId = debitImage(account).getDebitId();

    signIn(ObolTestApp.ADMIN_KEY);
    openAccount(account);
    assertThat(find("#balances [data-asset='ASSET_TOKEN'] .balance").getText()).isEqualTo("250 tokens");
    // The debit's ledger line fills the form with its debit id.
    waitFor(d -> find("#ledger-rows tr[data-kind='ENTRY_KIND_DEBIT'] button.reverse-line")).click();
    assertThat(find("#reverse-debit").getAttribute("value")).isEqualTo(debitId);
    type("reverse-reason", "the image never rendered");
    click("reverse-review");
    assertThat(text("confirm-text")).contains("all that is left of").contains(debitId);
    click("confirm-yes");

    assertThat(waitVisible("action-result").getText())
        .isEqualTo("Reversed 50 tokens of debit " + debitId + ". New balance: 300 tokens.");
    assertThat(balance(account)).isEqualTo(300);
    WebElement entry = waitFor(d -> {
      WebElement row = find("#ledger-rows tr");
      return "ENTRY_KIND_REVERSAL".equals(row.getAttribute("data-kind")) ? row : null;
    });
    assertThat(entry.findElement(By.cssSelector(".key")).getText()).isEqualTo("bootstrap");

    // Once more: the server's reason, in words.
    type("reverse-debit", debitId);
    type("reverse-reason", "again");
    click("reverse-review");
    click("confirm-yes");
    assertThat(waitVisible("action-error").getText())
        .isEqualTo("debit '" + debitId + "' has been fully reversed (failed_precondition, DEBIT_ALREADY_REVERSED)");
    assertThat(balance(account)).isEqualTo(300);
  }

  @Test
  void aHoldShowsAsHeldOnTheWalletAndItsGrant() {
    String account = "acct-hold-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 300, GrantSource.GRANT_SOURCE_PURCHASE, "pack");
    app.wallet().reserve(ReserveRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(120)
        .setRequestId("hold-" + UUID.randomUUID())
        .build());

    signIn(ObolTestApp.ADMIN_KEY);
    openAccount(account);
    assertThat(find("#balances [data-asset='ASSET_TOKEN'] .balance").getText()).isEqualTo("180 tokens");
    assertThat(find("#balances [data-asset='ASSET_TOKEN'] .held").getText()).isEqualTo("120 tokens held");
    assertThat(find("#balances [data-asset='ASSET_TOKEN'] tbody tr td.held").getText()).isEqualTo("120 tokens");
  }

  @Test
  void suspendAndSeeADebitDeniedThenReinstate() {
    String account = "acct-sus-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 500, GrantSource.GRANT_SOURCE_PROMO, "start");
    seedAccountsThatNeedAttention();

    signIn(ObolTestApp.ADMIN_KEY);
    // The bootstrap key is in no key list: its scopes were probed.
    assertThat(text("who-key")).contains("admin").contains("(probed)");
    openAccount(account);
    type("status-reason", "chargeback under review");
    assertThat(find("#reinstate-review").isDisplayed()).isFalse();
    click("suspend-review");
    assertThat(text("confirm-text")).startsWith("Suspend " + account + ", reason \u201cchargeback under review\u201d?");
    click("confirm-yes");
    assertThat(waitVisible("action-result").getText()).isEqualTo("The account is now suspended.");
    waitFor(d -> text("account-status").equals("suspended"));

    CheckAndDebitResponse denied = debit(account);
    assertThat(denied.getAllowed()).isFalse();
    assertThat(denied.getDenialReason()).isEqualTo(DenialReason.DENIAL_REASON_ACCOUNT_SUSPENDED);
    assertThat(balance(account)).isEqualTo(500);

    // It is in the list of accounts that need attention, with why.
    click("nav-accounts");
    WebElement row = waitFor(d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("#attention-rows tr[data-account='" + account + "']"));
      return rows.isEmpty() ? null : rows.get(0);
    });
    assertThat(row.getText()).contains("suspended").contains("500 tokens");
    WebElement school = find("#attention-rows tr[data-account='school-7']");
    assertThat(school.getText()).contains("low balance").contains("under 2 months of fee").contains("\u20ac9.00");
    screenshot("console-accounts.png");

    row.findElement(By.tagName("a")).click();
    waitFor(d -> "true".equals(find("body").getAttribute("data-account-loaded")));
    assertThat(find("#suspend-review").isDisplayed()).isFalse();
    type("status-reason", "cleared");
    click("reinstate-review");
    click("confirm-yes");
    assertThat(waitVisible("action-result").getText()).isEqualTo("The account is now active.");
    assertThat(debit(account).getAllowed()).isTrue();
  }

  @Test
  void createAKeySeeItsSecretOnceAndRevokeIt() {
    CreateApiKeyResponse marked = createKey(MARKUP, List.of("wallet:read"), "");
    signIn(ObolTestApp.ADMIN_KEY);
    click("nav-keys");
    waitFor(d -> "true".equals(find("#keys-table").getAttribute("data-loaded")));
    // A key's name from the database is text.
    assertThat(find("#keys-rows tr[data-key='" + marked.getKey().getKeyId() + "'] .name").getText()).isEqualTo(MARKUP);

    type("key-name", "console-made");
    find("#key-scopes input[data-scope='wallet:read']").click();
    click("key-create");
    waitVisible("key-secret-box");
    String secret = text("key-secret");
    assertThat(secret).startsWith("obol_key_");
    String keyId = secret.substring("obol_".length(), secret.length() - 65);
    assertThat(text("key-secret-id")).isEqualTo(keyId + " (console-made)");
    click("key-copy");
    waitFor(d -> !text("key-copy-status").isEmpty());
    assertThat(text("key-copy-status")).matches("Copied\\.|The browser did not allow copying.*");
    // The new key works.
    assertThat(WalletServiceGrpc.newBlockingStub(app.withKey(secret)).withDeadlineAfter(30, TimeUnit.SECONDS)
        .listFeatures(ListFeaturesRequest.getDefaultInstance()).getFeaturesCount()).isPositive();
    WebElement row = waitFor(d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("#keys-rows tr[data-key='" + keyId + "']"));
      return rows.isEmpty() ? null : rows.get(0);
    });
    assertThat(row.getText()).contains("console-made").contains("wallet:read").contains("active");
    screenshot("console-keys.png");

    click("key-secret-done");
    assertThat(find("#key-secret-box").isDisplayed()).isFalse();
    assertThat(find("#key-secret").getAttribute("textContent")).isEmpty();

    row.findElement(By.cssSelector("button.revoke")).click();
    assertThat(waitVisible("revoke-confirm").getText()).contains("Revoke key " + keyId + " (console-made)?");
    click("revoke-yes");
    assertThat(waitVisible("revoke-result").getText()).startsWith("Key " + keyId + " is revoked");
    waitFor(d -> find("#keys-rows tr[data-key='" + keyId + "'] .state").getText().startsWith("revoked"));
    assertThat(driver.findElements(By.cssSelector("#keys-rows tr[data-key='" + keyId + "'] button.revoke"))).isEmpty();
    // Refused at once by the instance that revoked it.
    assertThatThrownBy(() -> WalletServiceGrpc.newBlockingStub(app.withKey(secret))
        .withDeadlineAfter(30, TimeUnit.SECONDS).listFeatures(ListFeaturesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void markupInAnAccountIdOrAReasonShowsAsText() {
    String account = "acct-" + MARKUP + "-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 40, GrantSource.GRANT_SOURCE_PROMO, REASON);
    app.accounts().suspendAccount(SuspendAccountRequest.newBuilder()
        .setAccountId(account).setReason(MARKUP).setRequestId("s-" + UUID.randomUUID()).build());

    signIn(ObolTestApp.ADMIN_KEY);
    WebElement row = waitFor(d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("#attention-rows tr"));
      return rows.stream().filter(r -> account.equals(r.getAttribute("data-account"))).findFirst().orElse(null);
    });
    assertThat(row.findElement(By.tagName("a")).getText()).isEqualTo(account);
    type("search-id", account);
    click("search-submit");
    waitFor(d -> "true".equals(find("body").getAttribute("data-account-loaded")));

    assertThat(text("account-id")).isEqualTo(account);
    assertThat(find("#ledger-rows .reason").getText()).isEqualTo(REASON);
    type("grant-amount", "1");
    type("grant-reason", "<b>bold</b> " + MARKUP);
    click("grant-review");
    assertThat(text("confirm-text")).contains("\u201c<b>bold</b> " + MARKUP + "\u201d");
    click("confirm-no");
    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(driver.findElements(By.tagName("script"))).hasSize(2);
    assertThat(driver.findElements(By.tagName("img"))).isEmpty();
    assertThat(driver.findElements(By.tagName("b"))).isEmpty();
  }

  @Test
  void aKeyIsOfferedOnlyWhatItsScopesAllow() {
    String account = "acct-ro-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 80, GrantSource.GRANT_SOURCE_PROMO, "x");
    CreateApiKeyResponse reader = createKey("reader", List.of("wallet:read", "account:read"), "");

    signIn(reader.getSecret());
    // Without keys:manage the key cannot read the key list: its scopes were probed, nothing written.
    assertThat(text("who-key")).contains("wallet:read, account:read (probed)");
    assertThat(find("#nav-accounts").isDisplayed()).isTrue();
    assertThat(find("#nav-sales").isDisplayed()).isFalse();
    assertThat(find("#nav-keys").isDisplayed()).isFalse();
    assertThat(find("#search-card").isDisplayed()).isTrue();
    assertThat(find("#attention-card").isDisplayed()).isFalse();
    openAccount(account);
    assertThat(find("#balances-card").isDisplayed()).isTrue();
    assertThat(find("#standing-card").isDisplayed()).isTrue();
    assertThat(find("#ledger-card").isDisplayed()).isTrue();
    assertThat(find("#actions-card").isDisplayed()).isFalse();
    // An address of a page it may not use shows the accounts page instead.
    js("location.hash = '#/keys'");
    waitFor(d -> "accounts".equals(find("body").getAttribute("data-view")));
    assertThat(find("#view-keys").isDisplayed()).isFalse();
    assertThat(app.wallet().listLedgerEntries(ListLedgerEntriesRequest.newBuilder().setAccountId(account).build())
        .getEntriesCount()).isEqualTo(1);

    click("sign-out");
    assertThat(find("#view-signin").isDisplayed()).isTrue();
    assertThat(js("return sessionStorage.getItem('obol.console.key')")).isNull();
    assertThat(find("#nav").isDisplayed()).isFalse();
  }

  @Test
  void aRefusedKeyAndAnAccountBoundKeyDoNotSignIn() {
    signInExpectingError("obol_nope_" + "0".repeat(64));
    assertThat(text("signin-error")).isEqualTo("This key is unknown, revoked or expired (API_KEY_INVALID).");
    assertThat(js("return sessionStorage.getItem('obol.console.key')")).isNull();

    String account = "acct-bound-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 10, GrantSource.GRANT_SOURCE_PROMO, "x");
    signInExpectingError(createKey("portal", List.of("wallet:read"), account).getSecret());
    assertThat(text("signin-error")).contains("bound to").contains("/portal");
    assertThat(js("return sessionStorage.getItem('obol.console.key')")).isNull();
    assertThat(driver.manage().getCookies()).isEmpty();
  }

  /** The real server's answer: debits made over gRPC this month show up among the top features. */
  @Test
  void theSalesPageShowsTheServersOwnSalesSummary() {
    String account = "sales-" + UUID.randomUUID();
    grant(account, Asset.ASSET_TOKEN, 1000, GrantSource.GRANT_SOURCE_PURCHASE, "sales page");
    for (int i = 0; i < 3; i++) {
      debitImage(account);
    }
    signIn(ObolTestApp.ADMIN_KEY);
    click("nav-sales");
    waitFor(d -> "true".equals(find("body").getAttribute("data-sales-loaded")));
    assertThat(find("#sales-features-chart g.bar-row[data-label='image']").getText()).contains("debits");
    assertThat(driver.findElements(By.cssSelector("#sales-revenue-chart g.column"))).hasSize(12);
  }

  /**
   * Every figure of the sales page, from an answer in the contract's proto-JSON shape (lowerCamelCase, int64 as strings,
   * enums by name) handed to the page's fetch by the test, so that the page is checked on more than the few sales a
   * test can make through the webhook; the request the page sent is checked against the contract.
   */
  @Test
  void theSalesPageDrawsAnAnswerOfTheContractsShape() {
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    String answer = salesAnswer(now.minusMonths(2).toString(), now.minusMonths(1).toString(), now.toString());
    signIn(ObolTestApp.ADMIN_KEY);
    js("var body = arguments[0]; window.__salesRequests = []; var real = window.fetch;"
        + "window.fetch = function (url, init) {"
        + "  if (String(url) === '/obol.v1.AccountService/GetSalesSummary') {"
        + "    window.__salesRequests.push(JSON.parse(init.body));"
        + "    return Promise.resolve(new Response(body, {status: 200, headers: {'content-type': 'application/json'}}));"
        + "  }"
        + "  return real.apply(this, arguments);"
        + "};", answer);
    click("nav-sales");
    waitFor(d -> "true".equals(find("body").getAttribute("data-sales-loaded")));

    @SuppressWarnings("unchecked")
    Map<String, Object> request = (Map<String, Object>) js("return window.__salesRequests[0]");
    assertThat(request).containsOnlyKeys("from", "to", "groupBy");
    assertThat(request.get("groupBy")).isEqualTo("GROUP_BY_MONTH");
    assertThat(request.get("from")).isEqualTo(now.minusMonths(11).atDay(1) + "T00:00:00.000Z");
    assertThat(request.get("to")).isEqualTo(now.plusMonths(1).atDay(1) + "T00:00:00.000Z");

    assertThat(find("#sales-totals [data-total='revenue'] .tile-value").getText()).isEqualTo("\u20ac4,139.40");
    assertThat(find("#sales-totals [data-total='packs'] .tile-value").getText()).isEqualTo("31");
    assertThat(find("#sales-totals [data-total='basket'] .tile-value").getText()).isEqualTo("\u20ac47.57");
    assertThat(driver.findElements(By.cssSelector("#sales-rows tr"))).hasSize(3);
    assertThat(find("#sales-rows tr[data-period='" + now + "']").getText())
        .contains("\u20ac1,499.60").contains("5 new, 9 renewed").contains("1 \u00b7 \u20ac9.99");
    assertThat(find("#sales-foot tr").getText()).startsWith("Total").contains("\u20ac4,139.40");
    // Twelve months on the axis (nine of them empty), three kinds stacked.
    assertThat(driver.findElements(By.cssSelector("#sales-revenue-chart g.column"))).hasSize(12);
    assertThat(driver.findElements(By.cssSelector("#sales-revenue-chart g.column[data-label='" + now + "'] rect")))
        .hasSize(3);
    assertThat(find("#sales-packs-chart g.bar-row[data-label='pack-500']").getText()).contains("12 sold");
    assertThat(find("#sales-packs-chart g.bar-row[data-label='<script>alert(5)</script>'] text").getAttribute("textContent"))
        .startsWith("<script>");
    assertThat(find("#sales-features-chart g.bar-row[data-label='image']").getText())
        .contains("9,800 tokens \u00b7 196 debits");
    assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    assertThat(driver.findElements(By.tagName("script"))).hasSize(2);
    screenshot("console-sales.png");
  }

  // ---------------------------------------------------------------- the page

  private void signIn(String secret) {
    enterKey(secret);
    waitFor(d -> "true".equals(find("body").getAttribute("data-signed-in")) || find("#signin-error").isDisplayed());
    assertThat(find("#signin-error").isDisplayed()).as("sign-in error: %s", text("signin-error")).isFalse();
  }

  private void signInExpectingError(String secret) {
    enterKey(secret);
    waitVisible("signin-error");
    assertThat(find("body").getAttribute("data-signed-in")).isNull();
  }

  private void enterKey(String secret) {
    driver.get("about:blank");
    driver.get(base());
    // A tab still signed in from an earlier test signs out, as a person would.
    waitFor(d -> find("#view-signin").isDisplayed() || "true".equals(find("body").getAttribute("data-signed-in")));
    if ("true".equals(find("body").getAttribute("data-signed-in"))) {
      click("sign-out");
    }
    waitVisible("view-signin");
    type("signin-key", secret);
    click("signin-submit");
  }

  private void openAccount(String account) {
    type("search-id", account);
    click("search-submit");
    waitFor(d -> find("body").getAttribute("data-account-loaded") != null);
    assertThat(find("#account-error").isDisplayed()).as("account error: %s", text("account-error")).isFalse();
    assertThat(find("body").getAttribute("data-account-loaded")).isEqualTo("true");
  }

  private WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private void type(String id, String value) {
    WebElement input = driver.findElement(By.id(id));
    input.clear();
    input.sendKeys(value);
  }

  private void click(String id) {
    driver.findElement(By.id(id)).click();
  }

  private WebElement waitVisible(String id) {
    return waitFor(d -> {
      WebElement element = d.findElement(By.id(id));
      return element.isDisplayed() ? element : null;
    });
  }

  private <T> T waitFor(Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> {
        T value = condition.apply(d);
        return value instanceof Boolean b && !b ? null : value;
      });
    } catch (TimeoutException e) {
      // What the page said, so a failure explains itself.
      throw new AssertionError("timed out on " + driver.getCurrentUrl() + "; the page: " + js(
          "var b = document.body; return JSON.stringify({view: b.getAttribute('data-view'), signedIn: "
              + "b.getAttribute('data-signed-in'), errors: Array.prototype.filter.call(document.querySelectorAll("
              + "'.error, .notice'), function (e) { return !e.hidden && e.textContent; }).map(function (e) { "
              + "return e.id + ': ' + e.textContent; })})") + "; browser log: "
          + driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              // The scope probes' refusals are expected.
              .filter(line -> !line.getMessage().contains("Failed to load resource")).toList(), e);
    }
  }

  private Object js(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  /** The whole page as a PNG under target/screenshots/, for people reviewing the layout; not asserted. */
  private void screenshot(String name) {
    js("window.scrollTo(0, 0)");
    ChromeDriver chrome = (ChromeDriver) driver;
    @SuppressWarnings("unchecked")
    Map<String, Object> content =
        (Map<String, Object>) chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
    // The layout's width (the content size leaves out the scrollbar the page was laid out with).
    long width = Math.max(Math.round(((Number) content.get("width")).doubleValue()),
        ((Number) js("return window.innerWidth")).longValue());
    long height = Math.min(Math.round(((Number) content.get("height")).doubleValue()), 6000);
    Map<String, Object> shot = chrome.executeCdpCommand("Page.captureScreenshot", Map.of(
        "format", "png", "captureBeyondViewport", true,
        "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name), Base64.getDecoder().decode((String) shot.get("data")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String base() {
    return "http://127.0.0.1:" + app.bean(EmbeddedServer.class).getPort() + "/console";
  }

  // ---------------------------------------------------------------- the API, as a product's services would call it

  private void grant(String account, Asset asset, long amount, GrantSource source, String reason) {
    app.wallet().grant(GrantRequest.newBuilder()
        .setAccountId(account)
        .setAsset(asset)
        .setAmount(amount)
        .setSource(source)
        .setReason(reason)
        .setRequestId("grant-" + UUID.randomUUID())
        .build());
  }

  private CheckAndDebitResponse debit(String account) {
    return app.wallet().checkAndDebit(CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setFeature("image")
        .setRequestId("debit-" + UUID.randomUUID())
        .build());
  }

  private CheckAndDebitResponse debitImage(String account) {
    CheckAndDebitResponse debit = debit(account);
    assertThat(debit.getAllowed()).isTrue();
    return debit;
  }

  private long balance(String account) {
    return app.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN)
        .build()).getWallets(0).getBalance();
  }

  private CreateApiKeyResponse createKey(String name, List<String> scopes, String account) {
    CreateApiKeyRequest.Builder request = CreateApiKeyRequest.newBuilder()
        .setName(name)
        .addAllScopes(scopes)
        .setRequestId("key-" + UUID.randomUUID());
    if (!account.isEmpty()) {
      Instant expires = app.clock.instant().plus(Duration.ofHours(1));
      request.setAccountId(account).setExpiresAt(Timestamp.newBuilder().setSeconds(expires.getEpochSecond()));
    }
    return AdminServiceGrpc.newBlockingStub(app.withKey(ObolTestApp.ADMIN_KEY))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createApiKey(request.build());
  }

  private boolean seeded;

  /** A school with 3 seats (€9.00 a month) and €12.00 left, and a shop almost out of tokens. */
  private void seedAccountsThatNeedAttention() {
    if (seeded) {
      return;
    }
    seeded = true;
    grant("school-7", Asset.ASSET_EUR, 1200, GrantSource.GRANT_SOURCE_TOP_UP, "top-up");
    app.accounts().setSeatCount(SetSeatCountRequest.newBuilder()
        .setAccountId("school-7").setSeatCount(3).setRequestId("seats-" + UUID.randomUUID()).build());
    grant("shop-low", Asset.ASSET_TOKEN, 60, GrantSource.GRANT_SOURCE_PURCHASE, "pack-100");
  }

  private static String salesAnswer(String first, String second, String third) {
    return """
        {"periods":[
          {"key":"%1$s","packs":[{"pack":"pack-100","count":"4","revenueAmount":"3996"},
              {"pack":"pack-500","count":"3","revenueAmount":"11997"}],
           "topUpCount":"6","newSubscriptions":"4","renewedSubscriptions":"7",
           "revenue":[{"kind":"PAYMENT_KIND_TOKEN_PACK","amount":"15993"},{"kind":"PAYMENT_KIND_TOP_UP","amount":"24000"},
              {"kind":"PAYMENT_KIND_SUBSCRIPTION","amount":"53347"}],
           "revenueAmount":"93340","paymentCount":"24","averageBasketAmount":"3889","refundCount":"0",
           "refundedAmount":"0","disputeCount":"0","disputedAmount":"0","activeSubscribers":"11","payingAccounts":"19",
           "topFeatures":[{"feature":"image","debitCount":"61","debited":"3050"}]},
          {"key":"%2$s","packs":[{"pack":"pack-100","count":"5","revenueAmount":"4995"},
              {"pack":"pack-500","count":"5","revenueAmount":"19995"}],
           "topUpCount":"9","newSubscriptions":"6","renewedSubscriptions":"9",
           "revenue":[{"kind":"PAYMENT_KIND_TOKEN_PACK","amount":"24990"},{"kind":"PAYMENT_KIND_TOP_UP","amount":"40000"},
              {"kind":"PAYMENT_KIND_SUBSCRIPTION","amount":"105650"}],
           "revenueAmount":"170640","paymentCount":"34","averageBasketAmount":"5018","refundCount":"2",
           "refundedAmount":"2998","disputeCount":"0","disputedAmount":"0","activeSubscribers":"15","payingAccounts":"27",
           "topFeatures":[{"feature":"image","debitCount":"80","debited":"4000"}]},
          {"key":"%3$s","packs":[{"pack":"pack-100","count":"3","revenueAmount":"2997"},
              {"pack":"pack-500","count":"4","revenueAmount":"15996"},
              {"pack":"<script>alert(5)</script>","count":"7","revenueAmount":"6993"}],
           "topUpCount":"5","newSubscriptions":"5","renewedSubscriptions":"9",
           "revenue":[{"kind":"PAYMENT_KIND_TOKEN_PACK","amount":"25986"},{"kind":"PAYMENT_KIND_TOP_UP","amount":"30000"},
              {"kind":"PAYMENT_KIND_SUBSCRIPTION","amount":"93974"}],
           "revenueAmount":"149960","paymentCount":"29","averageBasketAmount":"5171","refundCount":"1",
           "refundedAmount":"999","disputeCount":"1","disputedAmount":"3999","activeSubscribers":"14",
           "payingAccounts":"24","topFeatures":[{"feature":"image","debitCount":"55","debited":"2750"},
              {"feature":"audio","debitCount":"40","debited":"1000"}]}],
         "totals":{"key":"","packs":[{"pack":"<script>alert(5)</script>","count":"7","revenueAmount":"6993"},
              {"pack":"pack-100","count":"12","revenueAmount":"11988"},
              {"pack":"pack-500","count":"12","revenueAmount":"47988"}],
           "topUpCount":"20","newSubscriptions":"15","renewedSubscriptions":"25",
           "revenue":[{"kind":"PAYMENT_KIND_TOKEN_PACK","amount":"66969"},{"kind":"PAYMENT_KIND_TOP_UP","amount":"94000"},
              {"kind":"PAYMENT_KIND_SUBSCRIPTION","amount":"252971"}],
           "revenueAmount":"413940","paymentCount":"87","averageBasketAmount":"4757","refundCount":"3",
           "refundedAmount":"3997","disputeCount":"1","disputedAmount":"3999","activeSubscribers":"21",
           "payingAccounts":"48","topFeatures":[{"feature":"image","debitCount":"196","debited":"9800"},
              {"feature":"audio","debitCount":"40","debited":"1000"},{"feature":"video","debitCount":"12","debited":"120"}]}}
        """.formatted(first, second, third);
  }
}
