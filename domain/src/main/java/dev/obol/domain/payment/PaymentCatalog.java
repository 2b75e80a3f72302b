package dev.obol.domain.payment;

import dev.obol.domain.error.InvalidArgumentException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What can be bought: token packs, subscription plans and money top-ups (all prices in cents). */
public final class PaymentCatalog {

  public static final String CURRENCY = "eur";
  public static final long TOP_UP_MIN_AMOUNT_DEFAULT = 2000;
  public static final long TOP_UP_MAX_AMOUNT_DEFAULT = 100_000;

  private final Map<String, Pack> packs = new LinkedHashMap<>();
  private final Map<String, Plan> plans = new LinkedHashMap<>();
  private final long topUpMinCents;
  private final long topUpMaxCents;
  private final List<BonusRule> bonuses;

  public PaymentCatalog(List<Pack> packs, List<Plan> plans, long topUpMinCents, long topUpMaxCents) {
    this(packs, plans, topUpMinCents, topUpMaxCents, List.of());
  }

  /** @param bonuses the bonus rules; where several apply to a purchase, the one with the highest minimum wins */
  public PaymentCatalog(
      List<Pack> packs, List<Plan> plans, long topUpMinCents, long topUpMaxCents, List<BonusRule> bonuses) {
    Set<String> names = new HashSet<>();
    for (BonusRule rule : bonuses) {
      if (!names.add(rule.name())) {
        throw new IllegalArgumentException("bonus '" + rule.name() + "' listed twice");
      }
    }
    this.bonuses = List.copyOf(bonuses);
    if (topUpMinCents <= 0 || topUpMaxCents < topUpMinCents) {
      throw new IllegalArgumentException(
          "top-up bounds must satisfy 0 < min <= max, got " + topUpMinCents + ".." + topUpMaxCents);
    }
    for (Pack pack : packs) {
      if (this.packs.put(pack.name(), pack) != null) {
        throw new IllegalArgumentException("pack '" + pack.name() + "' listed twice");
      }
    }
    for (Plan plan : plans) {
      if (this.plans.put(plan.name(), plan) != null) {
        throw new IllegalArgumentException("plan '" + plan.name() + "' listed twice");
      }
    }
    this.topUpMinCents = topUpMinCents;
    this.topUpMaxCents = topUpMaxCents;
  }

  /** The packs and plans of the five source systems (design.md). */
  public static List<Pack> defaultPacks() {
    return List.of(
        new Pack("basic", 100, 999, CURRENCY, null),
        new Pack("standard", 500, 3999, CURRENCY, null),
        new Pack("premium", 1000, 6999, CURRENCY, null),
        new Pack("enterprise", 5000, 29999, CURRENCY, null),
        new Pack("credits-100", 100, 1900, CURRENCY, null),
        new Pack("credits-500", 500, 7900, CURRENCY, null),
        new Pack("credits-1000", 1000, 13900, CURRENCY, null));
  }

  public static List<Plan> defaultPlans() {
    return List.of(
        new Plan("monthly", 990, CURRENCY, BillingInterval.MONTH, 3000, 0, null),
        new Plan("yearly", 9900, CURRENCY, BillingInterval.YEAR, 3000, 0, null));
  }

  public static PaymentCatalog defaults() {
    return new PaymentCatalog(defaultPacks(), defaultPlans(), TOP_UP_MIN_AMOUNT_DEFAULT, TOP_UP_MAX_AMOUNT_DEFAULT);
  }

  public Pack pack(String name) {
    Pack pack = packs.get(name);
    if (pack == null) {
      throw new InvalidArgumentException("pack", "UNKNOWN_PACK", "pack '" + name + "' is not in the catalog");
    }
    return pack;
  }

  public Plan plan(String name) {
    Plan plan = plans.get(name);
    if (plan == null) {
      throw new InvalidArgumentException("plan", "UNKNOWN_PLAN", "plan '" + name + "' is not in the catalog");
    }
    return plan;
  }

  public Optional<Plan> findPlan(String name) {
    return Optional.ofNullable(plans.get(name));
  }

  public List<Pack> packs() {
    return List.copyOf(packs.values());
  }

  public List<Plan> plans() {
    return List.copyOf(plans.values());
  }

  public List<BonusRule> bonuses() {
    return bonuses;
  }

  /**
   * The bonus rule a purchase earns: of those that apply, the one with the highest minimum (tiers: 10% from 50 EUR,
   * 20% from 100 EUR give a 100 EUR top-up 20%, not 30%); ties go to the rule listed first.
   */
  public Optional<BonusRule> bonusFor(PaymentKind kind, long paidCents) {
    BonusRule best = null;
    for (BonusRule rule : bonuses) {
      if (rule.appliesTo(kind, paidCents) && (best == null || rule.minPaidCents() > best.minPaidCents())) {
        best = rule;
      }
    }
    return Optional.ofNullable(best);
  }

  public long topUpMinCents() {
    return topUpMinCents;
  }

  public long topUpMaxCents() {
    return topUpMaxCents;
  }

  public long checkedTopUp(long amount) {
    return checkedTopUp(amount, "top_up_amount");
  }

  /** @param field the request's field the amount came from, named in the error */
  public long checkedTopUp(long amount, String field) {
    if (amount < topUpMinCents) {
      throw new InvalidArgumentException(
          field, "TOP_UP_TOO_SMALL", field + " must be at least " + topUpMinCents + " cents");
    }
    if (amount > topUpMaxCents) {
      throw new InvalidArgumentException(
          field, "TOP_UP_TOO_LARGE", field + " must be at most " + topUpMaxCents + " cents");
    }
    return amount;
  }
}
