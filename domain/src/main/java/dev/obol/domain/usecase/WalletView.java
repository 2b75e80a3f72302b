package dev.obol.domain.usecase;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import java.util.List;

/**
 * A wallet as GetBalance shows it: live grants only, in burn order.
 *
 * @param balance what is available: the live grants' remaining less what holds reserve
 * @param held what open holds reserve (Reserve), live grants or expired
 */
public record WalletView(Asset asset, long balance, long held, boolean lowBalance, List<Grant> grants) {}
