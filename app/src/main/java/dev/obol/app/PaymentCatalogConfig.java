package dev.obol.app;

import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.BonusRule;
import dev.obol.domain.payment.PaymentKind;
import java.time.Duration;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the pack and plan lists from configuration. Flat strings, like the feature prices, so one environment
 * variable replaces a whole list (fields separated by "/": configuration placeholders reserve ":"):
 *
 * <ul>
 *   <li>packs: {@code name=tokens/price_cents[/stripe_price_id]}, comma-separated;
 *   <li>plans: {@code name=month|year/price_cents/monthly_tokens/rollover_cap[/stripe_price_id]}, comma-separated.
 * </ul>
 */
final class PaymentCatalogConfig {

  private PaymentCatalogConfig() {}

  static PaymentCatalog parse(String packs, String plans, long topUpMinCents, long topUpMaxCents) {
    return parse(packs, plans, topUpMinCents, topUpMaxCents, "");
  }

  static PaymentCatalog parse(String packs, String plans, long topUpMinCents, long topUpMaxCents, String bonuses) {
    return new PaymentCatalog(packs(packs), plans(plans), topUpMinCents, topUpMaxCents, bonuses(bonuses));
  }

  /**
   * Bonus rules: {@code name=top_up|token_pack/min_price_cents/percent%|fixed_amount[/valid_days]}, comma-separated;
   * e.g. {@code topup-50=top_up/5000/10%/365} (10% more on top-ups from 50 EUR, valid a year) or
   * {@code big-pack=token_pack/6999/100} (100 tokens more on packs from 69.99 EUR, never expiring).
   */
  static List<BonusRule> bonuses(String text) {
    List<BonusRule> rules = new ArrayList<>();
    for (String[] entry : entries("obol.payments.bonuses", text)) {
      String[] fields = entry[1].split("/");
      if (fields.length < 3 || fields.length > 4) {
        throw new IllegalArgumentException(
            "obol.payments.bonuses: expected name=top_up|token_pack/min_price/percent%|amount[/valid_days] for "
                + entry[0]);
      }
      PaymentKind kind =
          switch (fields[0].trim()) {
            case "top_up" -> PaymentKind.TOP_UP;
            case "token_pack" -> PaymentKind.TOKEN_PACK;
            default ->
                throw new IllegalArgumentException(
                    "obol.payments.bonuses: applies to top_up or token_pack, not '" + fields[0].trim() + "', for "
                        + entry[0]);
          };
      String value = fields[2].trim();
      boolean percent = value.endsWith("%");
      long number = Long.parseLong(percent ? value.substring(0, value.length() - 1).trim() : value);
      if (percent && number > BonusRule.PERCENT_MAX) {
        throw new IllegalArgumentException(
            "obol.payments.bonuses: at most " + BonusRule.PERCENT_MAX + "% for " + entry[0]);
      }
      Duration validFor = fields.length == 4 ? Duration.ofDays(Long.parseLong(fields[3].trim())) : null;
      rules.add(
          new BonusRule(
              entry[0],
              kind,
              Long.parseLong(fields[1].trim()),
              percent ? (int) number : 0,
              percent ? 0 : number,
              validFor));
    }
    return rules;
  }

  static List<Pack> packs(String text) {
    List<Pack> packs = new ArrayList<>();
    for (String[] entry : entries("obol.payments.packs", text)) {
      String[] fields = entry[1].split("/");
      if (fields.length < 2 || fields.length > 3) {
        throw new IllegalArgumentException("obol.payments.packs: expected name=tokens/price[/price_id] for " + entry[0]);
      }
      packs.add(
          new Pack(
              entry[0],
              Long.parseLong(fields[0].trim()),
              Long.parseLong(fields[1].trim()),
              PaymentCatalog.CURRENCY,
              fields.length == 3 ? emptyToNull(fields[2]) : null));
    }
    return packs;
  }

  static List<Plan> plans(String text) {
    List<Plan> plans = new ArrayList<>();
    for (String[] entry : entries("obol.payments.plans", text)) {
      String[] fields = entry[1].split("/");
      if (fields.length < 4 || fields.length > 5) {
        throw new IllegalArgumentException(
            "obol.payments.plans: expected name=interval/price/monthly_tokens/rollover_cap[/price_id] for " + entry[0]);
      }
      BillingInterval interval = BillingInterval.fromWireName(fields[0].trim());
      if (interval == null) {
        throw new IllegalArgumentException("obol.payments.plans: interval must be month or year for " + entry[0]);
      }
      plans.add(
          new Plan(
              entry[0],
              Long.parseLong(fields[1].trim()),
              PaymentCatalog.CURRENCY,
              interval,
              Long.parseLong(fields[2].trim()),
              Long.parseLong(fields[3].trim()),
              fields.length == 5 ? emptyToNull(fields[4]) : null));
    }
    return plans;
  }

  private static List<String[]> entries(String property, String text) {
    List<String[]> entries = new ArrayList<>();
    for (String pair : text.split(",")) {
      String trimmed = pair.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(property + ": expected name=..., got '" + trimmed + "'");
      }
      entries.add(new String[] {trimmed.substring(0, eq).trim(), trimmed.substring(eq + 1).trim()});
    }
    return entries;
  }

  private static String emptyToNull(String text) {
    String trimmed = text.trim();
    return trimmed.isEmpty() ? null : trimmed;
  }
}
