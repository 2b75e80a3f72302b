package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An operator's account listing.
 *
 * @param status null: any
 * @param monthsRemainingBelow null: no filter; else only accounts with a monthly fee whose months remaining is below it
 * @param lowBalance null: no filter; true: only accounts with a low wallet; false: only accounts with none
 * @param pageSize 0: the default
 * @param pageToken null or empty: the first page
 */
public record AccountListQuery(
    AccountStatus status, Long monthsRemainingBelow, Boolean lowBalance, int pageSize, String pageToken) {

  public static final int PAGE_SIZE_DEFAULT = 50;
  public static final int PAGE_SIZE_MAX = 500;
  private static final String TOKEN_PREFIX = "a:";

  public AccountListQuery {
    if (monthsRemainingBelow != null && monthsRemainingBelow < 1) {
      throw new InvalidArgumentException(
          "months_remaining_below", "VALUE_OUT_OF_RANGE", "months_remaining_below must be at least 1");
    }
    if (pageSize < 0 || pageSize > PAGE_SIZE_MAX) {
      throw new InvalidArgumentException(
          "page_size", "PAGE_SIZE_OUT_OF_RANGE", "page_size must be between 0 and " + PAGE_SIZE_MAX);
    }
    afterAccountId(pageToken); // a bad token fails here, before anything is read
  }

  public int effectivePageSize() {
    return pageSize == 0 ? PAGE_SIZE_DEFAULT : pageSize;
  }

  public boolean filtersBeyondStatus() {
    return monthsRemainingBelow != null || lowBalance != null;
  }

  /** The account id the page starts after ("" for the first page); the token is opaque to callers. */
  public String afterAccountId() {
    return afterAccountId(pageToken);
  }

  private static String afterAccountId(String pageToken) {
    if (pageToken == null || pageToken.isEmpty()) {
      return "";
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      if (!decoded.startsWith(TOKEN_PREFIX) || decoded.length() == TOKEN_PREFIX.length()) {
        throw new IllegalArgumentException();
      }
      return decoded.substring(TOKEN_PREFIX.length());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("page_token", "INVALID_PAGE_TOKEN", "page_token is not one Obol issued");
    }
  }

  public static String tokenAfter(String accountId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((TOKEN_PREFIX + accountId).getBytes(StandardCharsets.UTF_8));
  }
}
