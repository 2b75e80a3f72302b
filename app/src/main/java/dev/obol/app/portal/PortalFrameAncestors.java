package dev.obol.app.portal;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.exceptions.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which origins may embed {@code /portal} in a frame: {@code OBOL_PORTAL_FRAME_ANCESTORS}
 * ({@code obol.portal.frame-ancestors}), space- or comma-separated, each {@code https://host[:port]} or
 * {@code http://host[:port]}; empty: none ({@code frame-ancestors 'none'}). Anything else stops the start with a
 * message naming the variable and the bad entry.
 */
@Context
public final class PortalFrameAncestors {

  /** Scheme, host (a DNS name, IPv4 or a bracketed IPv6 address; a leading "*." wildcard is not accepted), port. */
  private static final Pattern ORIGIN =
      Pattern.compile("https?://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:[0-9]{1,5})?");

  private final List<String> origins;

  PortalFrameAncestors(@Property(name = "obol.portal.frame-ancestors", defaultValue = "") String configured) {
    this.origins = parse(configured);
  }

  static List<String> parse(String configured) {
    List<String> origins = new ArrayList<>();
    for (String origin : (configured == null ? "" : configured).split("[\\s,]+")) {
      if (origin.isEmpty()) {
        continue;
      }
      if (!ORIGIN.matcher(origin).matches() || !portInRange(origin)) {
        throw new ConfigurationException(
            "OBOL_PORTAL_FRAME_ANCESTORS (obol.portal.frame-ancestors): \"" + origin + "\" is not an origin; give "
                + "space- or comma-separated origins, each https://host[:port] or http://host[:port] (no path, "
                + "no wildcard, no quotes)");
      }
      if (!origins.contains(origin)) {
        origins.add(origin);
      }
    }
    return List.copyOf(origins);
  }

  private static boolean portInRange(String origin) {
    int colon = origin.lastIndexOf(':');
    int bracket = origin.lastIndexOf(']');
    if (colon <= "https:".length() || colon < bracket) {
      return true;
    }
    int port = Integer.parseInt(origin.substring(colon + 1));
    return port >= 1 && port <= 65535;
  }

  public List<String> origins() {
    return origins;
  }

  /** The CSP source list: the origins, or {@code 'none'}. */
  public String directiveValue() {
    return origins.isEmpty() ? "'none'" : String.join(" ", origins);
  }
}
