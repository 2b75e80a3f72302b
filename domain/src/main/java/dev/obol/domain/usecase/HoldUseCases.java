package dev.obol.domain.usecase;

/** Holds for work of unknown cost: reserve, then capture or release (the incoming port of the Reserve RPCs). */
public interface HoldUseCases {

  ReserveOutcome reserve(ReserveCommand command);

  CaptureReceipt capture(CaptureCommand command);

  ReleaseReceipt release(ReleaseCommand command);
}
