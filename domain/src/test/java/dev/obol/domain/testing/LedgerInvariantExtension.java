package dev.obol.domain.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.port.LedgerAudit.InvariantReport;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks after each test that the ledger invariant holds for every wallet the audit sees:
 *
 * <pre>{@code
 * final MutableClock clock = MutableClock.at(START);
 * final InMemoryAccountStore store = new InMemoryAccountStore(clock);
 * @RegisterExtension
 * final LedgerInvariantExtension ledgerInvariant =
 *     LedgerInvariantExtension.over(new InMemoryLedgerAudit(store), clock::instant);
 * }</pre>
 *
 * For a PostgreSQL store built in a {@code @BeforeAll}, pass {@code () -> audit} over a {@code PostgresLedgerAudit}: the
 * supplier and the clock are read after each test. A test that breaks a wallet on purpose says so with {@link #ignore}.
 */
public final class LedgerInvariantExtension implements AfterEachCallback {

  private final Supplier<? extends LedgerAudit> audit;
  private final Supplier<Instant> now;
  private final Set<AccountId> ignored = new HashSet<>();

  private LedgerInvariantExtension(Supplier<? extends LedgerAudit> audit, Supplier<Instant> now) {
    this.audit = audit;
    this.now = now;
  }

  public static LedgerInvariantExtension over(LedgerAudit audit, Supplier<Instant> now) {
    return new LedgerInvariantExtension(() -> audit, now);
  }

  /** For audits built after the extension (e.g. in a {@code @BeforeAll} over a database started there). */
  public static LedgerInvariantExtension over(Supplier<? extends LedgerAudit> audit, Supplier<Instant> now) {
    return new LedgerInvariantExtension(audit, now);
  }

  /**
   * Leaves out an account whose ledger the current test breaks on purpose, in this test's check and the later tests'
   * of the class (which may share the store).
   */
  public void ignore(AccountId accountId) {
    ignored.add(accountId);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Set<AccountId> brokenInThisClass = brokenInThisClass(context);
    brokenInThisClass.addAll(ignored);
    List<InvariantReport> reports =
        audit.get().checkAll(now.get()).stream().filter(r -> !brokenInThisClass.contains(r.accountId())).toList();
    assertHolds(reports);
  }

  @SuppressWarnings("unchecked")
  private static Set<AccountId> brokenInThisClass(ExtensionContext context) {
    ExtensionContext classContext = context.getParent().orElse(context);
    return classContext
        .getStore(ExtensionContext.Namespace.create(LedgerInvariantExtension.class))
        .getOrComputeIfAbsent("broken", key -> ConcurrentHashMap.<AccountId>newKeySet(), Set.class);
  }

  /** Fails naming each wallet, and each check, that does not hold. */
  public static void assertHolds(List<InvariantReport> reports) {
    assertThat(reports)
        .as("ledger invariant")
        .allSatisfy(report -> assertThat(report.violations()).as("ledger invariant for %s", report).isEmpty());
  }
}
