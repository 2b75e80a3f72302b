package dev.obol.domain.port;

/**
 * The reads and writes of one locked account inside one transaction: every narrow port of the account at once, as
 * {@link AccountStore#inTransaction} hands it out. Code that needs only part of it takes the narrow port.
 */
public interface AccountSession
    extends LockedAccount, RequestLog, Wallets, Debits, Reservations, SeatPlans, SeatCharges, OutboxWriter,
        AutoRecharges {}
