package io.segvid.capture;

import java.util.regex.Pattern;

/** Removes user:password@ from URLs so they never reach logs, metrics or pages. */
public final class Redact {

  private static final Pattern CREDENTIALS = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@");

  private Redact() { }

  public static String url(String s) {
    return s == null ? null : CREDENTIALS.matcher(s).replaceAll("$1***@");
  }
}
