package dev.obol.domain.usecase;

import dev.obol.domain.model.RecordedEntry;
import java.util.List;

/** @param nextPageToken empty on the last page */
public record LedgerPage(List<RecordedEntry> entries, String nextPageToken) {}
