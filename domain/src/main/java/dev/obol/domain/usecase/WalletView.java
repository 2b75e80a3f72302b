package dev.obol.domain.usecase;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import java.util.List;

/**
 * A wallet as GetBalance shows it: live grants only, in burn order.
 *
 * @param held always 0 until the holds issue (Reserve / CaptureReservation / ReleaseReservation) lands; kept so the
 *     contract's field already means what it will
 */
public record WalletView(Asset asset, long balance, long held, boolean lowBalance, List<Grant> grants) {}
