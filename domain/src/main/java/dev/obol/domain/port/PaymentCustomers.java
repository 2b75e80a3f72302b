package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.PaymentCustomer;
import java.time.Instant;
import java.util.Optional;

/** Each account's provider customer and saved payment method. */
public interface PaymentCustomers {

  Optional<PaymentCustomer> customerOf(AccountId accountId);

  /**
   * Stores the account's customer unless it has one already.
   *
   * @return the account's customer as stored: this one, or the one stored before (a concurrent first checkout)
   */
  PaymentCustomer saveCustomerIfNone(AccountId accountId, String customerId, Instant at);
}
