package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.FeatureCatalog;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * @param asset null: every asset
 * @param feature null: every feature
 * @param pageSize 0: the default
 * @param pageToken null or empty: the first page
 */
public record LedgerQuery(AccountId accountId, Asset asset, String feature, int pageSize, String pageToken) {

  public static final int PAGE_SIZE_DEFAULT = 50;
  public static final int PAGE_SIZE_MAX = 500;

  public LedgerQuery {
    if (pageSize < 0 || pageSize > PAGE_SIZE_MAX) {
      throw new InvalidArgumentException(
          "page_size", "PAGE_SIZE_OUT_OF_RANGE", "page_size must be between 0 and " + PAGE_SIZE_MAX);
    }
    if (feature != null && feature.isEmpty()) {
      feature = null;
    }
    if (feature != null) {
      FeatureCatalog.validFeature(feature);
    }
  }

  public int effectivePageSize() {
    return pageSize == 0 ? PAGE_SIZE_DEFAULT : pageSize;
  }

  /** Entries are listed newest first; the token is the last entry id returned, opaque to callers. */
  public long beforeEntryId() {
    if (pageToken == null || pageToken.isEmpty()) {
      return Long.MAX_VALUE;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      if (!decoded.startsWith("e:")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(decoded.substring(2));
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("page_token", "INVALID_PAGE_TOKEN", "page_token is not one Obol issued");
    }
  }

  public static String tokenAfter(long entryId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("e:" + entryId).getBytes(StandardCharsets.UTF_8));
  }
}
